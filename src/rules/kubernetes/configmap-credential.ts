import { defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/types.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { isMapping } from '../../parsers/yaml/position-table.js';
import { credentialKind } from './lib/credential-names.js';
import { classifySecret, isPlaceholderValue, isSettingValue, redact, withArticle } from './lib/workload.js';
import { SECRET_VALUE_RULE_IDS } from '../secrets/lib/value-rules.js';

const CONFIGMAP = (data: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: rag-api\ndata:\n  VECTOR_DB_HOST: qdrant.rag.svc\n${data}`;

/** Severity and wording of a credential key's value. */
function judge(key: string, value: string): { severity: Severity; what: string } {
  const v = value.trim();
  if (isPlaceholderValue(v)) return { severity: 'low', what: v === '' ? 'an empty value' : 'a placeholder value' };
  const hit = classifySecret(key, v);
  if (hit?.certain) return { severity: 'high', what: withArticle(hit.kind) };
  if (v.length >= 8) return { severity: 'high', what: 'a literal value' };
  return { severity: 'medium', what: 'a short literal value' };
}

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'K8S-0129',
    slug: 'configmap-credential',
    title: 'Credential kept in a ConfigMap',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'cis-k8s', control: '5.4.1' },
      { id: 'nsa-cisa', control: 'secrets' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    supersedes: SECRET_VALUE_RULE_IDS,
    rationale:
      'ConfigMaps are not meant for secrets: the built-in `view` role and most operators read them, they are not encrypted at rest when Secret encryption is configured, they appear in `kubectl describe`, and charts print them in their rendered output. A key that names a password, token, API key, private key or cloud access key (AWS, Azure, OCI names included) in a ConfigMap is reported even with a placeholder value (low), because the value will be filled in there; with a real value it is high (medium for values shorter than 8 characters). References to a credential (`password_file`, `secretName`, `token_url`) and text-token settings (`max_tokens`) are not reported. The value is never shown in full.',
    remediation:
      'Move the key to a Secret (synced from a secret manager by External Secrets or the Secrets Store CSI driver where possible) and reference it with `secretKeyRef` or mount it as a file; rotate a value that was committed.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/configmap/',
      'https://kubernetes.io/docs/concepts/configuration/secret/',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    ],
    examples: {
      bad: [{ path: 'configmap.yaml', content: CONFIGMAP('  OPENAI_API_KEY: sk-proj-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123\n') }],
      good: [{ path: 'configmap.yaml', content: CONFIGMAP('  OPENAI_API_KEY_SECRET_NAME: openai\n') }],
    },
  },
  check(doc, ctx) {
    if (doc.resource.kind !== 'ConfigMap' || doc.resource.apiVersion !== 'v1') return;
    const data = doc.object.data;
    if (!isMapping(data)) return;
    for (const [key, raw] of Object.entries(data)) {
      const kind = credentialKind(key);
      if (!kind) continue;
      const value = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
      if (isSettingValue(value)) continue;
      const { severity, what } = judge(key, value);
      const shown = isPlaceholderValue(value) ? value.trim() : redact(value.trim());
      ctx.report({
        at: ['data', key],
        severity,
        message: `ConfigMap '${doc.name}' holds ${withArticle(kind)} under '${key}' (${what}${shown ? `: ${shown}` : ''}): keep it in a Secret`,
        evidence: `${key}: ${shown}`,
      });
    }
  },
});
