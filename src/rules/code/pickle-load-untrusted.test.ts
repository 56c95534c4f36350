import { testRule } from '../../testing/rule-tester.js';
import rule from './pickle-load-untrusted.js';

testRule(rule, {
  valid: [
    { name: 'constant path', path: 'a.py', content: 'import joblib\nclf = joblib.load("models/clf.joblib")\n' },
    {
      name: 'constant path through open()',
      path: 'a.py',
      content: 'import pickle\nwith open("vocab.pkl", "rb") as f:\n    pass\nv = pickle.load(open("vocab.pkl", "rb"))\n',
    },
    {
      name: 'a fixed path outside the directory, opened in a with statement',
      path: 'a.py',
      content: 'import pickle\nwith open("../x.pickle", "rb") as f:\n    data = pickle.load(f)\n',
    },
    {
      name: 'paths built from __file__ and constants, bytes read from them',
      path: 'a.py',
      content:
        'import os, pickle, joblib\nfrom pathlib import Path\nHERE = Path(__file__).parent\nMODEL = os.path.join(os.path.dirname(__file__), "models", "clf.joblib")\n\ndef load():\n    clf = joblib.load(MODEL)\n    vocab = pickle.loads((HERE / "vocab.pkl").read_bytes())\n    with open(HERE / "labels.pkl", "rb") as fh:\n        labels = pickle.loads(fh.read())\n    return clf, vocab, labels\n',
    },
    { name: 'pickle.dumps is not a load', path: 'a.py', content: 'import pickle\nblob = pickle.dumps(obj)\n' },
  ],
  invalid: [
    {
      name: 'a with statement over a path the caller chooses',
      path: 'a.py',
      content: 'import pickle\n\ndef load(path):\n    with open(path, "rb") as f:\n        return pickle.load(f)\n',
      findings: [{ startLine: 5, startColumn: 16, endLine: 5, endColumn: 30 }],
    },
    {
      name: 'a variable bound once to a fixed path and once to something else',
      path: 'a.py',
      content: 'import sys, joblib\np = "model.joblib"\nif len(sys.argv) > 1:\n    p = sys.argv[1]\nclf = joblib.load(p)\n',
      findings: [{ startLine: 5, startColumn: 7, endLine: 5, endColumn: 21 }],
    },
    {
      path: 'serve.py',
      content: 'import pickle\n\ndef handle(request):\n    model = pickle.loads(request.data)\n    return model\n',
      findings: [
        {
          startLine: 4,
          startColumn: 13,
          endLine: 4,
          endColumn: 39,
          message: 'pickle.loads() deserialises data that is not a fixed local file; loading it can run code',
        },
      ],
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
