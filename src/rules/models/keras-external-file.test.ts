import { testRule } from '../../testing/rule-tester.js';
import { dense, hdf5, kerasArchive, kerasConfig } from './lib/builders/keras-builder.js';
import rule from './keras-external-file.js';

const none = undefined as unknown as number;
const whole = { startLine: none, startColumn: none, endLine: none, endColumn: none };
const layer = (class_name: string, config: object, module = 'keras.layers') => ({ module, class_name, config, registered_name: null });

testRule(rule, {
  valid: [
    {
      name: 'vocabularies stored in the config, a Dense layer, a checkpoint callback path elsewhere',
      path: 'model.keras',
      content: kerasArchive(
        kerasConfig([
          dense('d'),
          layer('StringLookup', { name: 's', vocabulary: ['a', 'b'] }),
          layer('IntegerLookup', { name: 'i', vocabulary: null }),
          layer('Custom', { name: 'c', filepath: 'weights.h5' }, 'acme.layers'),
        ]),
      ),
    },
  ],
  invalid: [
    {
      name: 'lookup and TextVectorization vocabulary files, keras_hub tokenizer files (CVE-2025-12058)',
      path: 'model.keras',
      content: kerasArchive(
        kerasConfig([
          dense('d'),
          layer('StringLookup', { name: 'lookup', vocabulary: '/root/.aws/credentials' }),
          layer('TextVectorization', { name: 'tv', vocabulary: 'gs://attacker-bucket/vocab.txt' }),
          layer(
            'BytePairTokenizer',
            { name: 'bpe', vocabulary: '/etc/passwd', merges: 'https://attacker.example/merges.txt' },
            'keras_hub.src.tokenizers.byte_pair_tokenizer',
          ),
        ]),
      ),
      findings: [
        {
          ...whole,
          objectPath: '/config/layers/2/config/vocabulary',
          severity: 'high',
          evidence: '/root/.aws/credentials',
          message:
            'Keras object \'lookup\' (StringLookup) makes the loader read its vocabulary from "/root/.aws/credentials", outside the model file',
        },
        { ...whole, objectPath: '/config/layers/3/config/vocabulary', evidence: 'gs://attacker-bucket/vocab.txt' },
        { ...whole, objectPath: '/config/layers/4/config/vocabulary', evidence: '/etc/passwd' },
        { ...whole, objectPath: '/config/layers/4/config/merges', evidence: 'https://attacker.example/merges.txt' },
      ],
    },
    {
      name: 'TFSMLayer loading an outside SavedModel (CVE-2026-1462), in a legacy .h5 config too',
      path: 'model.h5',
      content: hdf5([
        ['keras_version', '3.10.0'],
        [
          'model_config',
          JSON.stringify({
            class_name: 'Sequential',
            config: { name: 'seq', layers: [layer('TFSMLayer', { name: 'tfsm', filepath: '/tmp/evil_savedmodel' })] },
          }),
        ],
      ]),
      findings: [
        {
          ...whole,
          objectPath: '/config/layers/0/config/filepath',
          severity: 'critical',
          evidence: '/tmp/evil_savedmodel',
          message:
            'Keras TFSMLayer \'tfsm\' loads the TensorFlow SavedModel at "/tmp/evil_savedmodel" and runs its graph: code from outside the model file',
        },
      ],
    },
  ],
});
