import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'aws-credentials' } = {
  id: 'SEC-0005',
  slug: 'aws-credentials',
  title: 'AWS access key in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'An AWS access key ID (`AKIA…`, temporary `ASIA…` at medium) identifies an IAM credential; together with its 40-character secret access key it signs API calls with every permission of the IAM user or role. The secret is recognised when it is assigned to a name such as `aws_secret_access_key` or sits within a few lines of an access key ID (credentials files, CSV exports, `.env`); a paired secret is critical. The documentation examples (`AKIAIOSFODNN7EXAMPLE`, `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`) are ignored. Detector ids: `aws-access-key-id`, `aws-secret-access-key`.',
  remediation:
    'Deactivate and delete the access key in IAM, review CloudTrail for its use, and create a new one only if long-lived keys are unavoidable. Prefer roles: IRSA / EKS Pod Identity for pods, instance profiles for nodes, OIDC federation for CI.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html',
  ],
  examples: {
    bad: [
      {
        path: 'credentials',
        content: `[default]\naws_access_key_id = ${fakes.awsAccessKeyId()}\naws_secret_access_key = ${fakes.awsSecretKey()}\n`,
      },
    ],
    good: [
      {
        path: 'credentials',
        content: '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
      },
    ],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
