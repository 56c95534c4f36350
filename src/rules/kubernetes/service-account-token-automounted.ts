import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { setValueEdit } from '../../parsers/yaml/yaml-edit.js';
import { acceptsPodFields, identityDecidedHere, podLabel, serviceAccountOf, tokenMount } from './lib/workload.js';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0105',
    slug: 'service-account-token-automounted',
    title: 'Service account token mounted into the pod',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.6' },
      { id: 'nsa-cisa', control: 'service-account-tokens' },
    ],
    rationale:
      "Unless told otherwise, the kubelet mounts an API token of the pod's service account at /var/run/secrets/kubernetes.io/serviceaccount. Model servers, notebooks and agents rarely call the Kubernetes API, but anything that runs code in them (a pickled model, a prompt-injected tool, a vulnerable dependency) can read that file and act with the account's RBAC permissions. The pod's own `automountServiceAccountToken` wins over the ServiceAccount's; this rule reads the ServiceAccount when the scan contains it. Pods running as the namespace's `default` account are reported by K8S-0106 instead.",
    remediation:
      'Set `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount) of every workload that does not call the API. Workloads that do should mount a short-lived, audience-bound projected token only in the container that needs it.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
    ],
    fixable: true,
    examples: {
      bad: [
        {
          path: 'deploy.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\n  namespace: llm\nspec:\n  template:\n    spec:\n      serviceAccountName: vllm\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n',
        },
      ],
      good: [
        {
          path: 'deploy.yaml',
          content:
            'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: vllm\n  namespace: llm\nautomountServiceAccountToken: false\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\n  namespace: llm\nspec:\n  template:\n    spec:\n      serviceAccountName: vllm\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n',
        },
      ],
    },
  },
  check(set, ctx) {
    for (const pod of set.pods) {
      if (!identityDecidedHere(pod)) continue;
      const t = tokenMount(pod, set.objects);
      if (!t.mounted || t.serviceAccount === 'default') continue;
      const field = pod.at('automountServiceAccountToken');
      const edit = acceptsPodFields(pod) && setValueEdit(pod.owner, field, false);
      const fix = edit ? { fix: { description: 'Set automountServiceAccountToken: false in the pod spec', edits: [edit] } } : {};
      if (t.explicit) {
        ctx.report({
          doc: pod,
          message: `${podLabel(pod)} sets automountServiceAccountToken: true for service account '${t.serviceAccount}'`,
          at: t.explicitPath ?? field,
          ...fix,
        });
        continue;
      }
      const why = t.account ? 'neither the pod nor the ServiceAccount disables automounting' : 'the pod does not disable automounting';
      ctx.report({
        doc: pod,
        message: `${podLabel(pod)} gets an API token of service account '${t.serviceAccount}' mounted: ${why}`,
        at: serviceAccountOf(pod).path ?? pod.specPath,
        subject: field,
        ...fix,
      });
    }
  },
});
