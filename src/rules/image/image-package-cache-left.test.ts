import { testRule } from '../../testing/rule-tester.js';
import { imageFactsJson } from './lib/examples.js';
import rule from './image-package-cache-left.js';

const none = { startLine: undefined, startColumn: undefined, endLine: undefined, endColumn: undefined };

testRule(rule, {
  valid: [
    {
      path: 'image-facts.json',
      content: imageFactsJson([{ kind: 'package-cache', path: '/var/cache/apk', mode: '644', layer: 0, bytes: 1000 }]),
    },
  ],
  invalid: [
    {
      path: 'image-facts.json',
      content: imageFactsJson([{ kind: 'package-cache', path: '/var/lib/apt/lists', mode: '644', layer: 0, bytes: 45 * 1024 * 1024 }]),
      findings: [
        { ...none, path: '/var/lib/apt/lists', message: 'Layer 0 leaves 45.0 MiB of package manager cache in /var/lib/apt/lists' },
      ],
    },
  ],
});
