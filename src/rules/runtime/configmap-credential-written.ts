import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { credentialKind, namesCredential } from '../kubernetes/lib/credential-names.js';
import { describeActor, isObj, isRequest, objectName, writtenObject } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';

/** Values that are credentials whatever their key: cloud keys, private keys, provider API keys. */
const VALUE_PATTERNS: ReadonlyArray<{ kind: string; re: RegExp }> = [
  { kind: 'AWS access key', re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'private key', re: /-----BEGIN (?:RSA |EC |OPENSSH |DSA |ENCRYPTED )?PRIVATE KEY-----/ },
  { kind: 'OpenAI API key', re: /\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}/ },
  { kind: 'Anthropic API key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/ },
  { kind: 'Hugging Face token', re: /\bhf_[A-Za-z0-9]{30,}/ },
];
const PLACEHOLDER = /^(?:|changeme|change-me|replace_?me|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|x+|\*+|none|null|todo)$/i;

function redact(v: string): string {
  return v.length <= 4 ? '…' : `${v.slice(0, 4)}…`;
}

const configMap = (data: Record<string, string>) =>
  auditEvent({
    verb: 'create',
    resource: 'configmaps',
    namespace: 'llm',
    name: 'rag-api',
    requestObject: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'rag-api', namespace: 'llm' }, data },
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0013',
    slug: 'configmap-credential-written',
    title: 'ConfigMap written with a credential',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'cis-k8s', control: '5.4.1' },
      { id: 'nsa-cisa', control: 'secrets' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      'A ConfigMap is readable by the `view` role and most operators and is never encrypted at rest. A key that names a password, token or API key with a real value, or a value that is recognisably a credential (AWS key, private key, OpenAI, Anthropic or Hugging Face token), written at runtime is a secret handed to everyone who can read ConfigMaps. The value never appears in full in the finding.',
    remediation:
      'Move the value to a Secret (or a secret manager) and rotate it: it is already in the audit log and in etcd in plain text.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/configmap/',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    ],
    examples: lazyExamples(() => ({
      bad: [auditLog(configMap({ OPENAI_API_KEY: 'sk-proj-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123' }))],
      good: [auditLog(configMap({ OPENAI_API_KEY_SECRET_NAME: 'openai', VECTOR_DB_HOST: 'qdrant.rag.svc' }))],
    })),
  },
  check(doc, ctx) {
    if (!isRequest(doc, ['create', 'update', 'patch'], 'configmaps')) return;
    const written = writtenObject(doc);
    const data = written && isObj(written.object.data) ? written.object.data : undefined;
    if (!written || !data) return;
    for (const [key, raw] of Object.entries(data)) {
      if (typeof raw !== 'string') continue;
      const value = raw.trim();
      const byValue = VALUE_PATTERNS.find((p) => p.re.test(value))?.kind;
      const byKey =
        !byValue && !PLACEHOLDER.test(value) && value.length >= 8 && !value.includes('\n') && !namesCredential(key, value)
          ? credentialKind(key)
          : undefined;
      const kind = byValue ?? byKey;
      if (!kind) continue;
      ctx.report({
        at: [written.key, 'data', key],
        message: `${describeActor(doc)} wrote ConfigMap ${objectName(doc)} with ${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind} under '${key}'`,
        evidence: `${key}: ${redact(value)}`,
      });
    }
  },
});
