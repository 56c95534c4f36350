import { testRule } from '../../testing/rule-tester.js';
import { imageConfigJson } from './lib/examples.js';
import rule from './image-admin-port-exposed.js';

testRule(rule, {
  valid: [{ path: 'config.json', content: imageConfigJson({ ExposedPorts: { '8000/tcp': {}, '2222/tcp': {} } }) }],
  invalid: [
    {
      path: 'config.json',
      content: imageConfigJson({ ExposedPorts: { '8888/tcp': {}, '2375': {} } }),
      // Integer keys come first in JSON objects built by JavaScript.
      findings: [
        {
          startLine: 6,
          startColumn: 7,
          endLine: 6,
          endColumn: 17,
          message: 'The image exposes port 2375/tcp (the Docker API without TLS)',
        },
        {
          startLine: 7,
          startColumn: 7,
          endLine: 7,
          endColumn: 21,
          message: 'The image exposes port 8888/tcp (Jupyter (a notebook runs code))',
        },
      ],
    },
  ],
});
