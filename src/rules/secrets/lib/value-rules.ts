/**
 * The secret rules that report a value found in text. A rule that reports the same value in its own
 * context (a Kubernetes `env` literal, a Dockerfile `ENV`, a compose `environment` entry) supersedes them.
 */
export const SECRET_VALUE_RULE_IDS: readonly string[] = [
  'SEC-0001',
  'SEC-0002',
  'SEC-0003',
  'SEC-0004',
  'SEC-0005',
  'SEC-0006',
  'SEC-0007',
  'SEC-0008',
  'SEC-0009',
  'SEC-0010',
  'SEC-0011',
  'SEC-0012',
  'SEC-0013',
  'SEC-0014',
  'SEC-0015',
  'SEC-0016',
];
