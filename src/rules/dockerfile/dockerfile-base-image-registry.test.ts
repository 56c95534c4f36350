import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-base-image-registry.js';

const options = { allowedRegistries: ['registry.acme.dev', 'ghcr.io/acme', '*.dkr.ecr.eu-west-1.amazonaws.com'] };

testRule(rule, {
  valid: [
    { name: 'no allow-list configured', path: 'Dockerfile', content: 'FROM evil.example/python:3.12\n' },
    {
      name: 'allowed hosts, prefixes and wildcards',
      path: 'Dockerfile',
      content:
        'FROM registry.acme.dev/python:3.12 AS a\nFROM ghcr.io/acme/cuda:12 AS b\nFROM 1234.dkr.ecr.eu-west-1.amazonaws.com/base:1 AS c\nFROM a\nFROM scratch\n',
      options,
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content: 'FROM python:3.12\nFROM ghcr.io/acmecorp/x:1\nFROM ghcr.io/acme/ok:1\nCOPY --from=quay.io/x/y:1 /a /a\n',
      options,
      findings: [
        {
          startLine: 1,
          startColumn: 6,
          endLine: 1,
          endColumn: 17,
          message: 'Base image python:3.12 comes from docker.io, which is not an allowed registry',
        },
        { startLine: 2, startColumn: 6, endLine: 2, endColumn: 26 },
        {
          startLine: 4,
          startColumn: 6,
          endLine: 4,
          endColumn: 26,
          message: 'COPY --from image quay.io/x/y:1 comes from quay.io, which is not an allowed registry',
        },
      ],
    },
  ],
});
