import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { aiServicesOfPod, networkIndex, type PodAiService } from './lib/network.js';
import { allowAllReason, podsSelectedByPolicy, policyTypes, selectsAll, type Direction } from './lib/tenancy.js';
import { objectLabel } from './lib/workload.js';

const POLICY = (rule: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ingress\n  namespace: llm\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n  ingress:\n${rule}`;

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0165',
    slug: 'network-policy-allows-all',
    title: 'NetworkPolicy allows all traffic',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'cis-k8s', control: '5.3.2' },
      { id: 'nsa-cisa', control: 'network-separation' },
    ],
    rationale:
      'A NetworkPolicy rule without peers and ports (`- {}`), with `ipBlock 0.0.0.0/0`, or with `namespaceSelector: {}` on every port lets everything through, and since policies are additive it cancels the namespace\u2019s default deny for the pods it selects. It is reported when it selects every pod of the namespace (`podSelector: {}`), or pods that run an AI service; allow-all egress for the whole namespace is reported at low severity.',
    remediation:
      'Replace the rule with the peers and ports the workload needs: the ingress controller\u2019s namespace and pods for ingress, kube-dns and the specific services for egress. Select only the pods that need the exception.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic',
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors',
    ],
    examples: {
      bad: [{ path: 'np.yaml', content: POLICY('  - {}\n') }],
      good: [
        {
          path: 'np.yaml',
          content: POLICY(
            '  - from:\n    - namespaceSelector:\n        matchLabels: {kubernetes.io/metadata.name: ingress-nginx}\n    ports: [{port: 8000}]\n',
          ),
        },
      ],
    },
  },
  check(set, ctx) {
    const idx = networkIndex(set);
    for (const np of set.ofKind('NetworkPolicy')) {
      if (np.resource.kind !== 'NetworkPolicy' || !np.resource.apiVersion?.startsWith('networking.k8s.io/')) continue;
      const all = selectsAll(np.get(['spec', 'podSelector']));
      const types = policyTypes(np);
      for (const d of ['Ingress', 'Egress'] as Direction[]) {
        if (!types.has(d)) continue;
        const field = d === 'Ingress' ? 'ingress' : 'egress';
        const rules = np.get(['spec', field]);
        if (!Array.isArray(rules)) continue;
        rules.forEach((r, i) => {
          const reason = allowAllReason(r, d);
          if (!reason) return;
          if (all) {
            ctx.report({
              doc: np,
              at: ['spec', field, i],
              severity: d === 'Ingress' ? 'medium' : 'low',
              message: `NetworkPolicy '${np.name}' allows all ${field} for every pod of namespace '${np.namespace}': ${reason}`,
            });
            return;
          }
          if (d === 'Egress') return;
          let ai: PodAiService | undefined;
          for (const p of podsSelectedByPolicy(idx, np)) {
            ai = aiServicesOfPod(p).find((s) => s.service.auth === 'off');
            if (ai) break;
          }
          if (!ai) return;
          ctx.report({
            doc: np,
            at: ['spec', field, i],
            message: `NetworkPolicy '${np.name}' allows all ingress to pods running ${ai.service.label} (${objectLabel(ai.pod)}): ${reason}`,
          });
        });
      }
    }
  },
});
