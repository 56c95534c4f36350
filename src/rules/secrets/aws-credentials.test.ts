import { testRule } from '../../testing/rule-tester.js';
import rule from './aws-credentials.js';
import { fakes } from './lib/fakes.js';

const id = fakes.awsAccessKeyId();
const secret = fakes.awsSecretKey();

testRule(rule, {
  valid: [
    {
      name: 'documentation examples',
      path: 'credentials',
      content: '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
    },
    {
      name: 'references',
      path: '.env',
      content: 'AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}\nAWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}\n',
    },
    { name: 'secret-shaped value without an access key or a name', path: 'data.txt', content: `checksum ${secret}\n` },
  ],
  invalid: [
    {
      name: 'credentials file: the pair',
      path: 'credentials',
      content: `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`,
      findings: [
        {
          startLine: 2,
          startColumn: 21,
          endLine: 2,
          endColumn: 41,
          severity: 'high',
          message: 'AWS access key ID in plain text (paired with its secret access key on line 3)',
          evidence: `AWS access key ID ${id.slice(0, 5)}… (20 chars)`,
        },
        {
          startLine: 3,
          startColumn: 25,
          endLine: 3,
          endColumn: 65,
          severity: 'critical',
          message: `AWS secret access key in plain text (paired with access key ID ${id.slice(0, 6)}… on line 2)`,
        },
      ],
    },
    {
      name: 'CSV export: paired by position',
      path: 'new_user_credentials.csv',
      content: `User name,Password,Access key ID,Secret access key\ntrainer,,${id},${secret}\n`,
      findings: [
        { startLine: 2, startColumn: 10, endLine: 2, endColumn: 30 },
        { startLine: 2, startColumn: 31, endLine: 2, endColumn: 71, severity: 'critical' },
      ],
    },
    {
      name: 'access key ID alone',
      path: 'deploy.sh',
      content: `export AWS_ACCESS_KEY_ID=${id}\n`,
      findings: [{ startLine: 1, startColumn: 26, endLine: 1, endColumn: 46, message: 'AWS access key ID in plain text' }],
    },
    {
      name: 'secret by name only',
      path: 'config.json',
      content: `{"awsSecretAccessKey": "${secret}"}\n`,
      findings: [
        { startLine: 1, startColumn: 25, endLine: 1, endColumn: 65, severity: 'critical', message: 'AWS secret access key in plain text' },
      ],
    },
  ],
});
