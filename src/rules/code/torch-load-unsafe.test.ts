import { testRule } from '../../testing/rule-tester.js';
import rule from './torch-load-unsafe.js';
import { pins } from '../../testing/memory-packages.js';

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
      findings: [
        {
          startLine: 2,
          startColumn: 32,
          endLine: 2,
          endColumn: 50,
          severity: 'high',
          message: 'torch.load() unpickles arbitrary objects (weights_only=False)',
        },
      ],
    },
    {
      name: 'missing argument is medium',
      path: 'load.py',
      content: 'import torch\n\ndef restore(path):\n    return torch.load(path, map_location="cpu")\n',
      findings: [{ startLine: 4, startColumn: 12, endLine: 4, endColumn: 48, severity: 'medium' }],
    },
    {
      name: 'missing argument with torch < 2.6 pinned (a CUDA build) is high',
      path: 'src/load.py',
      content: 'import torch\nstate = torch.load("model.pt")\n',
      settings: { packages: pins({ torch: { version: '2.5.1+cu121', path: 'requirements.txt', line: 3 } }) },
      findings: [
        {
          startLine: 2,
          startColumn: 9,
          endLine: 2,
          endColumn: 31,
          severity: 'high',
          message:
            'torch.load() without weights_only=True unpickles arbitrary objects: torch 2.5.1+cu121 (pinned in requirements.txt:3) defaults to weights_only=False',
        },
      ],
    },
    {
      name: 'missing argument with torch 2.6 pinned is low',
      path: 'src/load.py',
      content: 'import torch\nstate = torch.load("model.pt")\n',
      settings: { packages: pins({ torch: { version: '2.6.0', path: 'uv.lock', line: 40 } }) },
      findings: [
        {
          startLine: 2,
          startColumn: 9,
          endLine: 2,
          endColumn: 31,
          severity: 'low',
          message: /safe by default on torch 2\.6\.0 \(pinned in uv\.lock:40\)/,
        },
      ],
    },
  ],
});
