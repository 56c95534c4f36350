import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { classifySecret, describe, envOf, redact, withArticle } from './lib/workload.js';
import { SECRET_VALUE_RULE_IDS } from '../secrets/lib/value-rules.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0108',
    slug: 'secret-in-env-literal',
    title: 'Credential as a literal environment value',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod', 'k8s-container-override'],
    frameworks: [
      { id: 'cis-k8s', control: '5.4.1' },
      { id: 'nsa-cisa', control: 'secrets' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      'A key written as `env[].value` lives in the manifest: in Git history, in every rendered chart, in the object any reader of Deployments can `get`, and in `kubectl describe` output. Hub tokens (`HF_TOKEN`), provider API keys (`OPENAI_API_KEY`) and database passwords handed to AI workloads this way are among the most common leaks. A value in a recognised key format (or a URL with a password) is high; a long value under a credential-like name is medium. The value is never shown in full.',
    remediation:
      'Store the value in a Secret (ideally synced from a secret manager by External Secrets or the Secrets Store CSI driver) and reference it with `valueFrom.secretKeyRef`, or mount it as a file; rotate the exposed key.',
    supersedes: SECRET_VALUE_RULE_IDS,
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
        const hit = classifySecret(e.name, e.value);
        if (!hit) continue;
        const shown = redact(e.value.trim());
        ctx.report({
          message: hit.certain
            ? `${describe(c)} passes ${withArticle(hit.kind)} as the literal value of ${e.name} (${shown})`
            : `${describe(c)} passes ${e.name} as a literal value (${shown}) instead of a secretKeyRef`,
          at: [...e.path, 'value'],
          evidence: `${e.name}=${shown}`,
          severity: hit.certain ? 'high' : 'medium',
        });
      }
    }
  },
});
