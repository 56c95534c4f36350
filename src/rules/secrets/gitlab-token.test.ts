import { testRule } from '../../testing/rule-tester.js';
import rule from './gitlab-token.js';
import { ALNUM, fake, fakes } from './lib/fakes.js';

const pat = fakes.gitlab();
const routable = `glpat-${fake(ALNUM, 31, 'rt')}.01${fake('0123456789abcdefghijklmnopqrstuvwxyz', 7, 'crc')}`;
const runner = `glrt-${fake(ALNUM, 20, 'run')}`;

testRule(rule, {
  valid: [
    { name: 'job token variable', path: '.gitlab-ci.yml', content: 'variables:\n  TOKEN: $CI_JOB_TOKEN\n' },
    { name: 'placeholder', path: '.env', content: 'GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx\n' },
  ],
  invalid: [
    {
      path: '.gitlab-ci.yml',
      content: `variables:\n  MODEL_REGISTRY_TOKEN: ${pat}\n`,
      findings: [
        {
          startLine: 2,
          startColumn: 25,
          endLine: 2,
          endColumn: 51,
          message: 'GitLab personal access token in plain text',
          evidence: 'GitLab personal access token glpat-… (26 chars)',
        },
      ],
    },
    {
      name: 'routable token',
      path: 'clone.sh',
      content: `TOKEN=${routable}\n`,
      findings: [{ startLine: 1, startColumn: 7, endLine: 1, endColumn: 7 + routable.length }],
    },
    {
      path: 'config.toml',
      content: `[[runners]]\n  token = "${runner}"\n`,
      findings: [{ startLine: 2, startColumn: 12, endLine: 2, endColumn: 37, message: 'GitLab runner authentication token in plain text' }],
    },
  ],
});
