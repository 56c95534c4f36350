import { testRule } from '../../testing/rule-tester.js';
import { dense, kerasArchive, kerasConfig } from './lib/builders/keras-builder.js';
import rule from './keras-custom-object.js';

const none = undefined as unknown as number;
const whole = { startLine: none, startColumn: none, endLine: none, endColumn: none };

testRule(rule, {
  valid: [
    {
      name: 'built-in layers, initializers and keras_hub objects',
      path: 'model.keras',
      content: kerasArchive(
        kerasConfig([
          dense('d'),
          {
            module: 'keras_hub.src.models.bert.bert_backbone',
            class_name: 'BertBackbone',
            config: { name: 'bert' },
            registered_name: 'keras_hub>BertBackbone',
          },
        ]),
      ),
    },
  ],
  invalid: [
    {
      name: 'custom layer package',
      path: 'model.keras',
      content: kerasArchive(
        kerasConfig([
          { module: 'acme_layers.attention', class_name: 'Attention', config: { name: 'attn' }, registered_name: 'Acme>Attention' },
        ]),
      ),
      findings: [
        {
          ...whole,
          objectPath: '/config/layers/1',
          severity: 'medium',
          message:
            "Keras object 'attn' is the custom class Attention from module 'acme_layers.attention' (registered as Acme>Attention): loading runs that package's code",
        },
      ],
    },
    {
      name: 'config that makes the loader import a dangerous module (CVE-2025-1550)',
      path: 'model.keras',
      content: kerasArchive(
        kerasConfig([dense('d'), { module: 'subprocess', class_name: 'Popen', config: { args: ['id'] }, registered_name: null }]),
      ),
      findings: [
        {
          ...whole,
          objectPath: '/config/layers/2',
          severity: 'critical',
          evidence: 'subprocess.Popen',
          message: 'Keras config makes the loader import subprocess.Popen (code execution) for object at config.layers.2',
        },
      ],
    },
  ],
});
