import { testRule } from '../../testing/rule-tester.js';
import rule from './torch-load-unsafe.js';

testRule(rule, {
  valid: [
    { path: 'a.py', content: 'import torch\nsd = torch.load(path, weights_only=True, map_location="cpu")\n' },
    { path: 'a.py', content: 'from safetensors.torch import load_file\nsd = load_file("m.safetensors")\n' },
    { name: 'kwargs may carry it', path: 'a.py', content: 'import torch\nsd = torch.load(path, **opts)\n' },
  ],
  invalid: [
    {
      path: 'load.py',
      content: 'import torch\nstate = torch.load("model.pt", weights_only=False)\n',
      findings: [{ startLine: 2, startColumn: 32, endLine: 2, endColumn: 50, severity: 'high', message: 'torch.load() unpickles arbitrary objects (weights_only=False)' }],
    },
    {
      name: 'missing argument is medium',
      path: 'load.py',
      content: 'import torch\n\ndef restore(path):\n    return torch.load(path, map_location="cpu")\n',
      findings: [{ startLine: 4, startColumn: 12, endLine: 4, endColumn: 48, severity: 'medium' }],
    },
  ],
});
