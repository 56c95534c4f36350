import { testRule } from '../../testing/rule-tester.js';
import { imageFactsJson } from './lib/examples.js';
import rule from './image-world-writable-path-dir.js';

const none = { startLine: undefined, startColumn: undefined, endLine: undefined, endColumn: undefined };

testRule(rule, {
  valid: [
    {
      name: 'not in PATH',
      path: 'image-facts.json',
      content: imageFactsJson([{ kind: 'world-writable-dir', path: '/data', mode: '777', layer: 0 }]),
    },
    {
      name: 'deleted later',
      path: 'image-facts.json',
      content: imageFactsJson([{ kind: 'world-writable-dir', path: '/usr/local/bin', mode: '777', layer: 0, removedBy: 1 }]),
    },
  ],
  invalid: [
    {
      path: 'image-facts.json',
      content: imageFactsJson(
        [{ kind: 'world-writable-dir', path: '/opt/conda/bin', mode: '775', layer: 0 }],
        ['/opt/conda/bin/', '/usr/bin'],
      ),
      findings: [{ ...none, path: '/opt/conda/bin', message: '/opt/conda/bin is in PATH and writable by every user (mode 775)' }],
    },
  ],
});
