import { testRule } from '../../testing/rule-tester.js';
import rule from './keras-load-unsafe.js';

testRule(rule, {
  valid: [
    { path: 'a.py', content: 'import keras\nm = keras.models.load_model("m.keras", safe_mode=True)\n' },
    { path: 'a.py', content: 'import tensorflow as tf\nm = tf.keras.models.load_model("m.keras")\n' },
  ],
  invalid: [
    {
      path: 'a.py',
      content: 'import keras\nmodel = keras.models.load_model("model.keras", safe_mode=False)\n',
      findings: [{ startLine: 2, startColumn: 48, endLine: 2, endColumn: 63, message: 'keras.models.load_model() runs Lambda layer bytecode from the file (safe_mode=False)' }],
    },
  ],
});
