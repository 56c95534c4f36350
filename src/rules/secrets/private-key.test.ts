import { testRule } from '../../testing/rule-tester.js';
import { fakeOpenssh, fakePem } from './lib/fakes.js';
import rule from './private-key.js';

const rsa = fakePem('RSA PRIVATE KEY');
const pkcs8 = fakePem('PRIVATE KEY', 10, 'p8');
const encrypted = fakePem('ENCRYPTED PRIVATE KEY', 10, 'enc');
const ssh = fakeOpenssh();
const sshEncrypted = fakeOpenssh('ssh2', 'aes256-ctr');
const escaped = fakePem('EC PRIVATE KEY', 4, 'ec').replace(/\n/g, '\\n');

testRule(rule, {
  valid: [
    { name: 'header only, in code', path: 'detect.py', content: 'if pem.startswith("-----BEGIN RSA PRIVATE KEY-----"):\n    pass\n' },
    { name: 'documentation body', path: 'README.md', content: '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n' },
    { name: 'public key', path: 'id_rsa.pub.pem', content: fakePem('PUBLIC KEY') + '\n' },
    { name: 'certificate', path: 'tls.crt', content: fakePem('CERTIFICATE') + '\n' },
  ],
  invalid: [
    {
      path: 'tls.key',
      content: `${rsa}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 1,
          endLine: 14,
          endColumn: 30,
          message: 'RSA private key in plain text',
          severity: 'critical',
          evidence: `RSA private key (${rsa.length} chars)`,
        },
      ],
    },
    {
      path: 'keys.txt',
      content: `server:\n${pkcs8}\nbackup:\n${encrypted}\n`,
      findings: [
        { startLine: 2, startColumn: 1, endLine: 13, endColumn: 26, message: 'PKCS#8 private key in plain text', severity: 'critical' },
        {
          startLine: 15,
          startColumn: 1,
          endLine: 26,
          endColumn: 36,
          message: 'PKCS#8 private key (passphrase-protected) in plain text',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'OpenSSH, plain and with a cipher',
      path: 'id_ed25519',
      content: `${ssh}\n${sshEncrypted}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 1,
          endLine: ssh.split('\n').length,
          endColumn: 34,
          message: 'OpenSSH private key in plain text',
          severity: 'critical',
        },
        {
          startLine: ssh.split('\n').length + 1,
          startColumn: 1,
          endLine: ssh.split('\n').length + sshEncrypted.split('\n').length,
          endColumn: 34,
          message: 'OpenSSH private key (passphrase-protected) in plain text',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'escaped newlines in a JSON value',
      path: 'config.json',
      content: `{"tls": {"key": "${escaped}"}}\n`,
      findings: [{ startLine: 1, startColumn: 18, endLine: 1, endColumn: 18 + escaped.length, message: 'EC private key in plain text' }],
    },
  ],
});
