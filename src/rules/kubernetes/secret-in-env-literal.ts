import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { describe, envOf, redact } from './lib/workload.js';

/** Environment names that hold credentials: `HF_TOKEN`, `OPENAI_API_KEY`, `DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`. */
const SECRET_NAME = /(?:^|_)(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET_?KEY|CREDENTIALS?|AUTH_?KEY|CLIENT_?SECRET)(?:_|$)/i;
/** Names that point at a secret rather than hold it. */
const REFERENCE_NAME = /(?:_|^)(?:FILE|PATH|DIR|NAME|ID|URL|URI|ENDPOINT|HOST|TYPE|HEADER|LENGTH|LIMIT|TTL|EXPIRY|EXPIRES|ENABLED|REQUIRED|MODE)$/i;

/** Credential formats recognisable by their shape. Each pattern is anchored and linear. */
const KEY_FORMATS: ReadonlyArray<{ name: string; re: RegExp }> = [
  { name: 'Hugging Face token', re: /^hf_[A-Za-z0-9]{30,}$/ },
  { name: 'Anthropic API key', re: /^sk-ant-[A-Za-z0-9_-]{20,}$/ },
  { name: 'OpenAI API key', re: /^sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}$/ },
  { name: 'GitHub token', re: /^(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})$/ },
  { name: 'GitLab token', re: /^glpat-[A-Za-z0-9_-]{20,}$/ },
  { name: 'AWS access key id', re: /^(?:AKIA|ASIA)[0-9A-Z]{16}$/ },
  { name: 'Google API key', re: /^AIza[0-9A-Za-z_-]{35}$/ },
  { name: 'Slack token', re: /^xox[abposr]-[A-Za-z0-9-]{10,}$/ },
  { name: 'Stripe key', re: /^[rs]k_live_[A-Za-z0-9]{20,}$/ },
  { name: 'npm token', re: /^npm_[A-Za-z0-9]{36}$/ },
  { name: 'Weights & Biases key', re: /^[0-9a-f]{40}$/ },
  { name: 'JSON Web Token', re: /^eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/ },
  { name: 'private key', re: /^-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/ },
];
/** `scheme://user:password@host`: credentials inside a connection URL. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^/\s@]+)@/i;
const NOT_A_SECRET = /^(?:true|false|yes|no|on|off|none|null|enabled|disabled|\d{1,6})$/i;
const PLACEHOLDER = /^(?:<[^>]*>|\$\(.*\)|\$\{.*\}|\{\{.*\}\}|x+|\*+|\.+|-+|changeme|change-me|replace-?me|your[-_].*|dummy|example|placeholder|redacted)$/i;

function classify(name: string, value: string): { kind: string; certain: boolean } | undefined {
  const v = value.trim();
  if (v === '' || v.length < 4 || NOT_A_SECRET.test(v) || PLACEHOLDER.test(v)) return undefined;
  const format = KEY_FORMATS.find((f) => f.re.test(v));
  if (format && (format.name !== 'Weights & Biases key' || SECRET_NAME.test(name) || /WANDB/i.test(name))) return { kind: format.name, certain: true };
  const url = URL_WITH_PASSWORD.exec(v);
  if (url && !PLACEHOLDER.test(url[1])) return { kind: 'password in a connection URL', certain: true };
  if (!SECRET_NAME.test(name) || REFERENCE_NAME.test(name)) return undefined;
  // A path or a plain URL names where the secret is, it is not the secret.
  if (v.startsWith('/') || v.startsWith('./') || v.startsWith('~/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return undefined;
  if (v.length < 8) return undefined;
  return { kind: 'credential', certain: false };
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0108',
    slug: 'secret-in-env-literal',
    title: 'Credential as a literal environment value',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'cis-k8s', control: '5.4.1' },
      { id: 'nsa-cisa', control: 'secrets' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      'A key written as `env[].value` lives in the manifest: in Git history, in every rendered chart, in the object any reader of Deployments can `get`, and in `kubectl describe` output. Hub tokens (`HF_TOKEN`), provider API keys (`OPENAI_API_KEY`) and database passwords handed to AI workloads this way are among the most common leaks. A value in a recognised key format (or a URL with a password) is high; a long value under a credential-like name is medium. The value is never shown in full.',
    remediation:
      'Store the value in a Secret (ideally synced from a secret manager by External Secrets or the Secrets Store CSI driver) and reference it with `valueFrom.secretKeyRef`, or mount it as a file; rotate the exposed key.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-environment-variables',
      'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: tgi\nspec:\n  containers:\n  - name: tgi\n    image: ghcr.io/huggingface/text-generation-inference:2.4.0\n    env:\n    - name: HF_TOKEN\n      value: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: tgi\nspec:\n  containers:\n  - name: tgi\n    image: ghcr.io/huggingface/text-generation-inference:2.4.0\n    env:\n    - name: HF_TOKEN\n      valueFrom:\n        secretKeyRef:\n          name: hf\n          key: token\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      for (const e of envOf(c)) {
        if (e.value === undefined || e.fromRef) continue;
        const hit = classify(e.name, e.value);
        if (!hit) continue;
        const shown = redact(e.value.trim());
        ctx.report({
          message: hit.certain
            ? `${describe(c)} passes a ${hit.kind} as the literal value of ${e.name} (${shown})`
            : `${describe(c)} passes ${e.name} as a literal value (${shown}) instead of a secretKeyRef`,
          at: [...e.path, 'value'],
          evidence: `${e.name}=${shown}`,
          severity: hit.certain ? 'high' : 'medium',
        });
      }
    }
  },
});
