import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { containerLabel, mapping, PSA_CHECKS, PSS_DOC } from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0006',
    slug: 'host-port',
    title: 'Container binds a host port',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'hostPorts', level: 'baseline' },
      { id: 'cis-k8s', control: '5.2.13' },
      { id: 'nsa-cisa', control: 'network-separation' },
    ],
    rationale:
      "A hostPort publishes the container on the node's own address, outside Services and NetworkPolicies: an inference API or a notebook becomes reachable by anything that can reach the node, and the port is taken on the node for every other workload. Pod Security Admission rejects any non-zero hostPort at baseline.",
    remediation:
      "Remove `hostPort` from the container's `ports` and expose the workload through a Service (ClusterIP behind an Ingress or a Gateway, or a LoadBalancer when it must be public), protected by a NetworkPolicy.",
    references: [`${PSS_DOC}#baseline`, 'https://kubernetes.io/docs/concepts/configuration/overview/#services', PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: jupyter\nspec:\n  containers:\n  - name: jupyter\n    image: quay.io/jupyter/pytorch-notebook:2024-10-07\n    ports:\n    - containerPort: 8888\n      hostPort: 8888\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: jupyter\nspec:\n  containers:\n  - name: jupyter\n    image: quay.io/jupyter/pytorch-notebook:2024-10-07\n    ports:\n    - containerPort: 8888\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      const ports = c.container.ports;
      if (!Array.isArray(ports)) continue;
      ports.forEach((p, i) => {
        const hostPort = mapping(p)?.hostPort;
        if (typeof hostPort === 'number' && hostPort !== 0) {
          ctx.report({ message: `${containerLabel(c)} binds host port ${hostPort}`, at: [...c.path, 'ports', i, 'hostPort'] });
        }
      });
    }
  },
});
