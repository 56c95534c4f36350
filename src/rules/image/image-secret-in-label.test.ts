import { testRule } from '../../testing/rule-tester.js';
import { imageConfigJson } from './lib/examples.js';
import rule from './image-secret-in-label.js';

testRule(rule, {
  valid: [
    {
      path: 'config.json',
      content: imageConfigJson({ Labels: { maintainer: 'ml@acme.dev', 'org.opencontainers.image.version': '1.2.0' } }),
    },
  ],
  invalid: [
    {
      path: 'config.json',
      content: imageConfigJson({ Labels: { maintainer: 'ml@acme.dev', 'hf.token': 'hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789' } }),
      findings: [
        { startLine: 7, startColumn: 7, endLine: 7, endColumn: 60, objectPath: '/config/Labels/hf.token', evidence: 'hf.token=hf_A…' },
      ],
    },
  ],
});
