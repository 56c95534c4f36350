import { defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/types.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { isMapping } from '../../parsers/yaml/position-table.js';
import { credentialKind, namesCredential } from './lib/credential-names.js';
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

interface Held {
  /** Where under the data key: `s3.secretAccessKey` inside a JSON value, empty for the value itself. */
  path: string;
  /** The key whose value it is: the data key, or the JSON key inside it. */
  key: string;
  kind: string;
  value: string;
}

/** The string leaves of a JSON object held as a ConfigMap value, with their dotted paths; undefined when the value is not one. */
function jsonLeaves(value: string): { path: string; key: string; value: string }[] | undefined {
  const v = value.trim();
  if (!v.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return undefined;
  }
  const out: { path: string; key: string; value: string }[] = [];
  const walk = (node: unknown, path: string, key: string): void => {
    if (typeof node === 'string') out.push({ path, key, value: node });
    else if (node && typeof node === 'object' && !Array.isArray(node))
      for (const [k, child] of Object.entries(node)) walk(child, path ? `${path}.${k}` : k, k);
  };
  walk(parsed, '', '');
  return out;
}

/**
 * The credentials a data entry holds. A JSON object (KServe's `credentials`) is judged by its own keys: the
 * entries that only name a Secret key or an environment variable (`"s3SecretAccessKeyName":
 * "AWS_SECRET_ACCESS_KEY"`) hold nothing, a recognised key format or a credential key with a value does.
 */
function credentialsHeld(key: string, value: string): Held[] {
  const leaves = jsonLeaves(value);
  if (!leaves) return isSettingValue(value) || namesCredential(key, value) ? [] : [{ path: '', key, kind: credentialKind(key)!, value }];
  const held: Held[] = [];
  for (const leaf of leaves) {
    const certain = classifySecret(leaf.key, leaf.value);
    if (certain?.certain) held.push({ path: leaf.path, key: leaf.key, kind: credentialKind(leaf.key) ?? certain.kind, value: leaf.value });
    else if (!namesCredential(leaf.key, leaf.value) && !isSettingValue(leaf.value)) {
      const kind = credentialKind(leaf.key);
      if (kind) held.push({ path: leaf.path, key: leaf.key, kind, value: leaf.value });
    }
  }
  return held;
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
      'ConfigMaps are not meant for secrets: the built-in `view` role and most operators read them, they are not encrypted at rest when Secret encryption is configured, they appear in `kubectl describe`, and charts print them in their rendered output. A key that names a password, token, API key, private key or cloud access key (AWS, Azure, OCI names included) in a ConfigMap is reported even with a placeholder value (low), because the value will be filled in there; with a real value it is high (medium for values shorter than 8 characters). References to a credential (`password_file`, `secretName`, `token_url`), keys that name a Secret key or environment variable holding it (`s3SecretAccessKeyName: AWS_SECRET_ACCESS_KEY`) and text-token settings (`max_tokens`) are not reported. A JSON object under a credential key (KServe’s `credentials`) is judged by its own keys: it is reported when one of them holds a credential. The value is never shown in full.',
    remediation:
      'Move the key to a Secret (synced from a secret manager by External Secrets or the Secrets Store CSI driver where possible) and reference it with `secretKeyRef` or mount it as a file; rotate a value that was committed.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/configmap/',
      'https://kubernetes.io/docs/concepts/configuration/secret/',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    ],
    examples: {
      bad: [{ path: 'configmap.yaml', content: CONFIGMAP('  OPENAI_API_KEY: sk-proj-aBcDeFgHiJkLmNoPqRsTuVwXyZ0123\n') }],
      good: [
        { path: 'configmap.yaml', content: CONFIGMAP('  OPENAI_API_KEY_SECRET_NAME: openai\n') },
        {
          path: 'kserve-config.yaml',
          content: CONFIGMAP(
            '  credentials: |-\n    {\n      "storageSpecSecretName": "storage-config",\n      "s3": {\n        "s3AccessKeyIDName": "AWS_ACCESS_KEY_ID",\n        "s3SecretAccessKeyName": "AWS_SECRET_ACCESS_KEY"\n      }\n    }\n',
          ),
        },
      ],
    },
  },
  check(doc, ctx) {
    if (doc.resource.kind !== 'ConfigMap' || doc.resource.apiVersion !== 'v1') return;
    const data = doc.object.data;
    if (!isMapping(data)) return;
    for (const key in data) {
      if (!credentialKind(key)) continue;
      const raw = data[key];
      const value = typeof raw === 'string' ? raw : raw === null || raw === undefined ? '' : String(raw);
      for (const held of credentialsHeld(key, value)) {
        const { severity, what } = judge(held.key, held.value);
        const shown = isPlaceholderValue(held.value) ? held.value.trim() : redact(held.value.trim());
        const under = held.path ? `'${key}' → '${held.path}'` : `'${key}'`;
        ctx.report({
          at: ['data', key],
          severity,
          message: `ConfigMap '${doc.name}' holds ${withArticle(held.kind)} under ${under} (${what}${shown ? `: ${shown}` : ''}): keep it in a Secret`,
          evidence: `${held.path ? `${key}.${held.path}` : key}: ${shown}`,
        });
      }
    }
  },
});
