import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './configmap-credential-written.js';
import { auditEvent } from './lib/examples.js';

const cm = (data: Record<string, string>) =>
  auditEvent({
    verb: 'create',
    resource: 'configmaps',
    namespace: 'llm',
    name: 'cfg',
    requestObject: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'cfg' }, data },
  });

testRule(rule, {
  valid: [
    validEvents('placeholders and references', [
      cm({ DB_PASSWORD: 'changeme', TOKEN_URL: 'https://auth.example.com/token', MAX_TOKENS: '4096' }),
    ]),
    validEvents('keys that name the Secret or variable holding the credential (KServe)', [
      cm({ storageSecretNameAnnotation: 'serving.kserve.io/storageSecretName', s3SecretAccessKeyName: 'AWS_SECRET_ACCESS_KEY' }),
    ]),
  ],
  invalid: [
    invalidEvents(
      'AWS key under a neutral name, and a password',
      [cm({ bootstrap: 'aws_access_key_id=AKIAIOSFODNN7EXAMPLE', DB_PASSWORD: 'S3cr3t-P4ssw0rd!' })],
      [
        {
          line: 1,
          objectPath: '/requestObject/data/bootstrap',
          evidence: 'bootstrap: aws_…',
          message: "'alice@example.com' wrote ConfigMap llm/cfg with an AWS access key under 'bootstrap'",
        },
        { line: 1, objectPath: '/requestObject/data/DB_PASSWORD', evidence: 'DB_PASSWORD: S3cr…' },
      ],
    ),
  ],
});
