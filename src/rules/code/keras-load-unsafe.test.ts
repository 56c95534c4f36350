import { testRule } from '../../testing/rule-tester.js';
import rule from './keras-load-unsafe.js';
import { pins } from '../../testing/memory-packages.js';

testRule(rule, {
  valid: [
    { path: 'a.py', content: 'import keras\nm = keras.models.load_model("m.keras", safe_mode=True)\n' },
    { path: 'a.py', content: 'import tensorflow as tf\nm = tf.keras.models.load_model("m.keras")\n' },
    {
      name: 'the default on a fixed Keras 3',
      path: 'a.py',
      content: 'import keras\nm = keras.models.load_model("m.keras")\n',
      settings: { packages: pins({ keras: { version: '3.11.1', path: 'uv.lock' } }) },
    },
    {
      name: 'the default on Keras 2.15',
      path: 'a.py',
      content: 'import keras\nm = keras.models.load_model("m.keras")\n',
      settings: { packages: pins({ keras: { version: '2.15.0', path: 'uv.lock' } }) },
    },
  ],
  invalid: [
    {
      path: 'a.py',
      content: 'import keras\nmodel = keras.models.load_model("model.keras", safe_mode=False)\n',
      findings: [
        {
          startLine: 2,
          startColumn: 48,
          endLine: 2,
          endColumn: 63,
          message: 'keras.models.load_model() runs Lambda layer bytecode from the file (safe_mode=False)',
        },
      ],
    },
    {
      name: 'the default, on a Keras without safe mode (TensorFlow 2.12 pinned)',
      path: 'a.py',
      content: 'import tensorflow as tf\nm = tf.keras.models.load_model("m.h5")\n',
      settings: { packages: pins({ tensorflow: { version: '2.12.1', path: 'requirements.txt', line: 1 } }) },
      findings: [
        {
          startLine: 2,
          startColumn: 5,
          endLine: 2,
          endColumn: 39,
          severity: 'high',
          message:
            'tf.keras.models.load_model() runs Lambda layer bytecode from the file: tensorflow 2.12.1 (pinned in requirements.txt:1) has no safe_mode (CVE-2024-3660)',
        },
      ],
    },
    {
      name: 'the default, on a Keras 3 whose safe mode a crafted file bypasses',
      path: 'a.py',
      content: 'import keras\nm = keras.saving.load_model("m.keras")\n',
      settings: { packages: pins({ keras: { version: '3.8.0', path: 'poetry.lock', line: 12 } }) },
      findings: [
        {
          startLine: 2,
          startColumn: 5,
          endLine: 2,
          endColumn: 39,
          severity: 'medium',
          message:
            'keras.saving.load_model() relies on safe_mode, which a crafted model file bypasses in keras 3.8.0 (pinned in poetry.lock:12) (CVE-2025-1550, fixed in 3.9)',
        },
      ],
    },
  ],
});
