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
    {
      name: 'round trips of bytes the code just made (sklearn, joblib tests)',
      path: 'test_roundtrip.py',
      content:
        'import pickle, cloudpickle, dill\n\ndef test_pickle(model):\n    copy = pickle.loads(pickle.dumps(model))\n    again = pickle.loads((pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)))\n    s = pickle.dumps(model)\n    assert type(pickle.loads(s)) == type(model)\n    blob = cloudpickle.dumps(model)\n    if blob:\n        blob = dill.dumps(model)\n    f = cloudpickle.loads(blob)\n    return copy, again, f\n\nBLOB = pickle.dumps(0)\n\ndef module_level():\n    return pickle.loads(BLOB)\n',
    },
    {
      name: 'an in-memory buffer only a pickler writes to, here or returned by a function beside the load (sklearn test_tree.py)',
      path: 'test_tree.py',
      content:
        'import io, pickle, joblib\n\ndef test_endianness(clf):\n    def get_pickle():\n        f = io.BytesIO()\n        p = pickle.Pickler(f)\n        p.dump(clf)\n        f.seek(0)\n        return f\n\n    new_clf = pickle.load(get_pickle())\n    buf = io.BytesIO()\n    joblib.dump(clf, buf)\n    buf.seek(0)\n    return new_clf, joblib.load(buf)\n',
    },
    {
      name: 'the library Pickler under an alias or imported by name; a module-level buffer loaded at module level',
      path: 'test_pickler.py',
      content:
        'import io, pickle\nimport pickle as pk\nfrom dill import Pickler as DP\n\ndef a(clf):\n    f = io.BytesIO()\n    pk.Pickler(f).dump(clf)\n    f.seek(0)\n    return pickle.load(f)\n\ndef b(clf):\n    f = io.BytesIO()\n    DP(f).dump(clf)\n    f.seek(0)\n    return pickle.load(f)\n\nBUF = io.BytesIO()\npickle.dump(0, BUF)\nBUF.seek(0)\nZERO = pickle.load(BUF)\n',
    },
  ],
  invalid: [
    {
      name: 'a buffer something else writes to, made from outside bytes, or a function name rebound',
      path: 'a.py',
      content:
        'import io, pickle\n\ndef a(sock, clf):\n    buf = io.BytesIO()\n    pickle.dump(clf, buf)\n    buf.write(sock.recv(64))\n    buf.seek(0)\n    pickle.load(buf)\n\ndef b(request):\n    buf = io.BytesIO(request.data)\n    pickle.load(buf)\n\ndef c(request, clf):\n    def get():\n        f = io.BytesIO()\n        pickle.dump(clf, f)\n        return f\n    get = lambda: io.BytesIO(request.data)\n    pickle.load(get())\n\ndef d(sock, clf):\n    def get():\n        f = io.BytesIO()\n        pickle.Pickler(f).dump(clf)\n        sock.recv_into(f.getbuffer())\n        return f\n    return pickle.load(get())\n',
      findings: [
        { startLine: 8, startColumn: 5, endLine: 8, endColumn: 21 },
        { startLine: 12, startColumn: 5, endLine: 12, endColumn: 21 },
        { startLine: 20, startColumn: 5, endLine: 20, endColumn: 23 },
        { startLine: 28, startColumn: 12, endLine: 28, endColumn: 30 },
      ],
    },
    {
      name: 'a buffer filled through a keyword, filled by another function, or written by a class that only calls itself a Pickler',
      path: 'a.py',
      content:
        'import io, pickle\n\ndef handle(request):\n    buf = io.BytesIO(initial_bytes=request.data)\n    return pickle.load(buf)\n\nshared = io.BytesIO()\n\ndef fill(request):\n    shared.write(request.data)\n\ndef load_shared():\n    shared.seek(0)\n    return pickle.load(shared)\n\nclass RawPickler:\n    def __init__(self, f, data):\n        f.write(data)\n\ndef raw(request):\n    buf = io.BytesIO()\n    RawPickler(buf, request.data)\n    buf.seek(0)\n    return pickle.load(buf)\n',
      findings: [
        { startLine: 5, startColumn: 12, endLine: 5, endColumn: 28 },
        { startLine: 14, startColumn: 12, endLine: 14, endColumn: 31 },
        { startLine: 24, startColumn: 12, endLine: 24, endColumn: 28 },
      ],
    },
    {
      name: 'a name also bound to data from outside, a parameter, a loop or comprehension target, a global, another family',
      path: 'test_roundtrip.py',
      content:
        'import pickle, jsonpickle, socket\n\ndef a(request, obj):\n    s = pickle.dumps(obj)\n    s = request.data\n    pickle.loads(s)\n\ndef b(s, obj):\n    if not s:\n        s = pickle.dumps(obj)\n    pickle.loads(s)\n\ndef c(sock: socket.socket, obj):\n    s = pickle.dumps(obj)\n    s += sock.recv(1024)\n    return pickle.loads(s)\n\ndef c2(sock, obj):\n    s = pickle.dumps(obj)\n    for s in sock.makefile("rb"):\n        pickle.loads(s)\n\ndef c3(sock, obj):\n    s = pickle.dumps(obj)\n    return [pickle.loads(s) for s in sock.makefile("rb")]\n\nBLOB = pickle.dumps(0)\n\ndef d():\n    return pickle.loads(BLOB)\n\ndef e(request):\n    global BLOB\n    BLOB = request.data\n    return jsonpickle.decode(pickle.dumps(0))\n',
      findings: [
        { startLine: 6, startColumn: 5, endLine: 6, endColumn: 20 },
        { startLine: 11, startColumn: 5, endLine: 11, endColumn: 20 },
        { startLine: 16, startColumn: 12, endLine: 16, endColumn: 27 },
        { startLine: 21, startColumn: 9, endLine: 21, endColumn: 24 },
        { startLine: 25, startColumn: 13, endLine: 25, endColumn: 28 },
        { startLine: 30, startColumn: 12, endLine: 30, endColumn: 30 },
        { startLine: 35, startColumn: 12, endLine: 35, endColumn: 46 },
      ],
    },
    {
      name: 'a jsonpickle round trip (it does not escape dict keys shaped like its tags, so what was encoded matters)',
      path: 'serve.py',
      content:
        'import jsonpickle\n\ndef handle(request):\n    return jsonpickle.decode(jsonpickle.encode(request.json))\n\ndef test_copy(model):\n    if (j := jsonpickle.encode(model)):\n        return jsonpickle.decode(j)\n',
      findings: [
        { startLine: 4, startColumn: 12, endLine: 4, endColumn: 62 },
        { startLine: 8, startColumn: 16, endLine: 8, endColumn: 36 },
      ],
    },
    {
      name: 'a path bound to a fixed one and extended or replaced with a run-time one',
      path: 'a.py',
      content:
        'import sys, joblib\np = "models/"\np += sys.argv[1]\njoblib.load(p)\nq = "model.joblib"\nfor q in sys.argv:\n    joblib.load(q)\n',
      findings: [
        { startLine: 4, startColumn: 1, endLine: 4, endColumn: 15 },
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 19 },
      ],
    },
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
