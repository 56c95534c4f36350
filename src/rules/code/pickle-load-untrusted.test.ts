import { testRule } from '../../testing/rule-tester.js';
import rule from './pickle-load-untrusted.js';

testRule(rule, {
  valid: [
    { name: 'constant path', path: 'a.py', content: 'import joblib\nclf = joblib.load("models/clf.joblib")\n' },
    { name: 'constant path through open()', path: 'a.py', content: 'import pickle\nwith open("vocab.pkl", "rb") as f:\n    pass\nv = pickle.load(open("vocab.pkl", "rb"))\n' },
    { name: 'pickle.dumps is not a load', path: 'a.py', content: 'import pickle\nblob = pickle.dumps(obj)\n' },
  ],
  invalid: [
    {
      path: 'serve.py',
      content: 'import pickle\n\ndef handle(request):\n    model = pickle.loads(request.data)\n    return model\n',
      findings: [{ startLine: 4, startColumn: 13, endLine: 4, endColumn: 39, message: 'pickle.loads() deserialises data that is not a fixed local file; loading it can run code' }],
    },
    {
      name: 'path from a variable, dill and pandas',
      path: 'a.py',
      content: 'import dill, pandas as pd\ndef f(p):\n    a = dill.load(open(p, "rb"))\n    b = pd.read_pickle(p)\n',
      findings: [
        { startLine: 3, startColumn: 9, endLine: 3, endColumn: 33 },
        { startLine: 4, startColumn: 9, endLine: 4, endColumn: 26 },
      ],
    },
  ],
});
