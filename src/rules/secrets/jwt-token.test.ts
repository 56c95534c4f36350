import { createHmac } from 'node:crypto';
import { testRule } from '../../testing/rule-tester.js';
import rule from './jwt-token.js';
import { ALNUM, B64URL, b64url, fake } from './lib/fakes.js';

function jwt(header: object, payload: object, key?: string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const sig = key ? createHmac('sha256', key).update(input).digest('base64url') : fake(B64URL, 86, 'sig');
  return `${input}.${sig}`;
}

const key = fake(ALNUM, 40, 'jwtkey');
const hs = jwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'svc-batch', exp: 4102444800 }, key);
const rs = jwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'svc-batch' });
const expired = jwt({ alg: 'RS256' }, { sub: 'svc-batch', exp: 1600000000 });
const serviceRole = jwt(
  { alg: 'HS256', typ: 'JWT' },
  { iss: 'supabase', role: 'service_role', exp: 4102444800 },
  'not-in-this-file-0123456789',
);
const jwtIo =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

testRule(rule, {
  valid: [
    { name: 'the jwt.io example token', path: 'README.md', content: `curl -H "Authorization: Bearer ${jwtIo}"\n` },
    {
      name: 'not a JWT (base64 JSON without a signature part)',
      path: 'data.txt',
      content: `payload=${b64url('{"a":1}')}.${b64url('{"b":2}')}\n`,
    },
    { name: 'secret name with a reference', path: '.env', content: 'JWT_SECRET=${JWT_SECRET}\n' },
    {
      name: 'a signing key type and its class: names, not secrets',
      path: 'cfn-types.json',
      content:
        '{\n  "AWS::Route53::KeySigningKey": "aws-cdk-lib/aws-route53.CfnKeySigningKey",\n  "signingKeyClass": "aws-cdk-lib/aws-route53.CfnKeySigningKey"\n}\n',
    },
  ],
  invalid: [
    {
      name: 'RS256 token without expiry',
      path: 'client.py',
      content: `TOKEN = "${rs}"\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 10,
          endLine: 1,
          endColumn: 10 + rs.length,
          message: 'JSON Web Token in plain text (alg RS256, no expiry)',
          severity: 'medium',
          evidence: `JSON Web Token eyJhb… (${rs.length} chars)`,
        },
      ],
    },
    {
      name: 'HS256 token and the secret that signs it',
      path: 'settings.py',
      content: `SECRET_KEY = "${key}"\nSERVICE_TOKEN = "${hs}"\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 15,
          endLine: 1,
          endColumn: 55,
          message: 'JWT signing secret in plain text (verified: it signs the HS256 token on the same page)',
          severity: 'critical',
        },
        {
          startLine: 2,
          startColumn: 18,
          endLine: 2,
          endColumn: 18 + hs.length,
          message: 'JSON Web Token in plain text (alg HS256, expires 2100-01-01)',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'expired token is low, Supabase service_role is high',
      path: '.env',
      content: `OLD_TOKEN=${expired}\nSUPABASE_SERVICE_ROLE_KEY=${serviceRole}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 11,
          endLine: 1,
          endColumn: 11 + expired.length,
          message: 'JSON Web Token in plain text (alg RS256, expired 2020-09-13)',
          severity: 'low',
        },
        {
          startLine: 2,
          startColumn: 27,
          endLine: 2,
          endColumn: 27 + serviceRole.length,
          message: 'JSON Web Token in plain text (alg HS256, role service_role, expires 2100-01-01)',
          severity: 'high',
        },
      ],
    },
    {
      name: 'signing secret by name',
      path: 'config.yaml',
      content: `auth:\n  jwt_secret: "${key}"\n`,
      findings: [
        {
          startLine: 2,
          startColumn: 16,
          endLine: 2,
          endColumn: 56,
          message: 'JWT signing secret in plain text',
          severity: 'high',
          evidence: `JWT signing secret ${key.slice(0, 2)}… (40 chars)`,
        },
      ],
    },
    {
      name: 'a .NET user-secrets key with a section',
      path: 'secrets.json',
      content: `{ "Jwt:SigningSecret": "${key}" }\n`,
      findings: [{ startLine: 1, startColumn: 25, endLine: 1, endColumn: 65, message: 'JWT signing secret in plain text' }],
    },
    {
      name: 'weak signing keys made of words: crackable, not names',
      path: '.env',
      content:
        'JWT_SECRET=my.super.secret.key\nJWT_SECRET=acme.prod.jwt.secret2024\nJWT_SECRET=QZXW.PTRM.VBNH.LCKD\nJWT_SECRET=KXQZ/WPLM/RTVB/NHCD\n',
      findings: [
        { startLine: 1, startColumn: 12, endLine: 1, endColumn: 31, message: 'JWT signing secret in plain text' },
        { startLine: 2, startColumn: 12, endLine: 2, endColumn: 36, message: 'JWT signing secret in plain text' },
        { startLine: 3, startColumn: 12, endLine: 3, endColumn: 31, message: 'JWT signing secret in plain text' },
        { startLine: 4, startColumn: 12, endLine: 4, endColumn: 31, message: 'JWT signing secret in plain text' },
      ],
    },
  ],
});
