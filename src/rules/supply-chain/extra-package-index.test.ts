import { testRule } from '../../testing/rule-tester.js';
import rule from './extra-package-index.js';

testRule(rule, {
  valid: [
    { path: 'requirements.txt', content: '--index-url https://mirror.example.com/simple\ntorch==2.6.0\n' },
    {
      name: 'find-links is not an index lookup',
      path: 'requirements.txt',
      content: '--find-links https://download.pytorch.org/whl/torch_stable.html\ntorch==2.6.0\n',
    },
  ],
  invalid: [
    {
      path: 'requirements.txt',
      content: 'torch==2.6.0\n--extra-index-url=https://download.pytorch.org/whl/cu121 # CUDA wheels\n',
      findings: [
        {
          startLine: 2,
          startColumn: 1,
          endLine: 2,
          endColumn: 57,
          message:
            'Packages are looked up on https://download.pytorch.org/whl/cu121 and on the public index; the highest version from either wins',
        },
      ],
    },
  ],
});
