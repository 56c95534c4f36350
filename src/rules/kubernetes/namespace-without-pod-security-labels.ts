import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';

const PREFIX = 'pod-security.kubernetes.io/';
const LEVELS = ['privileged', 'baseline', 'restricted'];
/** Namespaces of the control plane and the node agents: they run privileged pods by design. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

const ns = (labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: llm-serving\n${labels}`;

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'K8S-0201',
    slug: 'namespace-without-pod-security-labels',
    title: 'Namespace without a Pod Security Admission level',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'nsa-cisa', control: 'pod-security' },
      { id: 'cis-k8s', control: '5.2.1' },
    ],
    rationale:
      'Pod Security Admission, built into every API server since Kubernetes 1.25, checks each pod against the Pod Security Standards level that its namespace names in the label `pod-security.kubernetes.io/enforce`. A namespace without that label gets the cluster default, which is `privileged` (nothing is checked) unless the API server was given an admission configuration: any pod the namespace\u2019s users create may then run privileged, share the host\u2019s namespaces or mount its filesystem. `warn` and `audit` labels alone report violations but admit the pod. On AI platforms, namespaces are handed to teams and notebooks; the enforce label is the guard that holds whatever they deploy. `enforce: privileged` is reported (low) as an explicit choice to check nothing. The namespaces of the control plane (`kube-system`, `kube-public`, `kube-node-lease`) are not reported: their components run privileged by design.',
    remediation:
      'Label every namespace with the level its workloads need, `restricted` where possible and `baseline` at least: `kubectl label namespace NAME pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest`. Try a level first with `warn` and `audit` labels, or with `kubectl label --dry-run=server`, which lists the pods that would be refused. Set a cluster-wide default in the API server\u2019s PodSecurity admission configuration.',
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    ],
    examples: {
      bad: [{ path: 'namespace.yaml', content: ns('  labels:\n    pod-security.kubernetes.io/warn: restricted\n') }],
      good: [{ path: 'namespace.yaml', content: ns('  labels:\n    pod-security.kubernetes.io/enforce: restricted\n') }],
    },
  },
  check(doc, ctx) {
    if (doc.object.kind !== 'Namespace' || doc.object.apiVersion !== 'v1' || SYSTEM_NAMESPACES.has(doc.name)) return;
    const labels = doc.labels;
    const enforce = labels[`${PREFIX}enforce`];
    if (typeof enforce === 'string' && LEVELS.includes(enforce)) {
      if (enforce === 'privileged')
        ctx.report({
          at: ['metadata', 'labels', `${PREFIX}enforce`],
          severity: 'low',
          message: `Namespace '${doc.name}' enforces the privileged Pod Security level: no pod it admits is checked`,
        });
      return;
    }
    const others = ['warn', 'audit'].filter((m) => typeof labels[`${PREFIX}${m}`] === 'string');
    const invalid = typeof enforce === 'string' ? ` (its enforce label '${enforce}' is no level: baseline, restricted or privileged)` : '';
    const only = others.length
      ? `; its ${others.join(' and ')} label${others.length > 1 ? 's' : ''} only report${others.length > 1 ? '' : 's'} violations`
      : '';
    ctx.report({
      at:
        typeof enforce === 'string'
          ? ['metadata', 'labels', `${PREFIX}enforce`]
          : doc.get(['metadata', 'labels'])
            ? ['metadata', 'labels']
            : ['metadata'],
      message: `Namespace '${doc.name}' enforces no Pod Security level${invalid}: its pods are checked only against the cluster default, privileged unless configured${only}`,
    });
  },
});
