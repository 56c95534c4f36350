import { testRule } from '../../testing/rule-tester.js';
import rule from './numpy-load-allow-pickle.js';

testRule(rule, {
  valid: [
    { path: 'a.py', content: 'import numpy as np\nx = np.load("e.npy", allow_pickle=False)\n' },
    { path: 'a.py', content: 'import numpy as np\nx = np.save("e.npy", a, allow_pickle=True)\n' },
  ],
  invalid: [
    {
      path: 'a.py',
      content: 'import numpy as np\nemb = np.load("embeddings.npy", allow_pickle=True)\n',
      findings: [
        { startLine: 2, startColumn: 33, endLine: 2, endColumn: 50, message: 'np.load() unpickles object arrays (allow_pickle=True)' },
      ],
    },
  ],
});
