import { testRule } from '../../testing/rule-tester.js';
import { imageConfigJson } from './lib/examples.js';
import rule from './image-no-healthcheck.js';

testRule(rule, {
  valid: [{ path: 'config.json', content: imageConfigJson({ Healthcheck: { Test: ['CMD', '/bin/health'] } }) }],
  invalid: [
    {
      name: 'none',
      path: 'config.json',
      content: imageConfigJson({ User: 'app' }),
      findings: [{ startLine: 4, startColumn: 3, endLine: 6, endColumn: 4 }],
    },
    {
      name: 'disabled',
      path: 'config.json',
      content: imageConfigJson({ Healthcheck: { Test: ['NONE'] } }),
      findings: [
        {
          startLine: 6,
          startColumn: 7,
          endLine: 8,
          endColumn: 8,
          objectPath: '/config/Healthcheck/Test',
          message: 'The image disables the healthcheck of its base image',
        },
      ],
    },
  ],
});
