import { testRule } from '../../testing/rule-tester.js';
import { imageConfigJson } from './lib/examples.js';
import rule from './image-runs-as-root.js';

testRule(rule, {
  valid: [
    { path: 'config.json', content: imageConfigJson({ User: 'app' }) },
    { path: 'config.json', content: imageConfigJson({ User: '1000:1000' }) },
  ],
  invalid: [
    {
      name: 'no user',
      path: 'config.json',
      content: imageConfigJson({ Cmd: ['python'] }),
      findings: [
        {
          startLine: 4,
          startColumn: 3,
          endLine: 8,
          endColumn: 4,
          objectPath: '/config',
          message: 'The image config sets no user: the container runs as root',
        },
      ],
    },
    {
      name: 'user 0:0',
      path: 'config.json',
      content: imageConfigJson({ User: '0:0' }),
      findings: [
        {
          startLine: 5,
          startColumn: 5,
          endLine: 5,
          endColumn: 18,
          objectPath: '/config/User',
          message: "The image config sets User '0:0': the container runs as root",
        },
      ],
    },
  ],
});
