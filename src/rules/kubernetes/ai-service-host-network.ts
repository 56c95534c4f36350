import { defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/types.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { aiServicesOfPod, describeReach, worstReach, type Reach } from './lib/network.js';
import { podLabel } from './lib/workload.js';

const POD = (net: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ollama\nspec:\n${net}  containers:\n  - name: ollama\n    image: ollama/ollama:0.3.12\n    ports: [{containerPort: 11434}]\n`;

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0153',
    slug: 'ai-service-host-network',
    title: 'AI service listens on the node\u2019s network',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'cis-k8s', control: '5.2.5' },
      { id: 'cis-k8s', control: '5.2.13' },
      { id: 'nsa-cisa', control: 'network-separation' },
      { id: 'mitre-atlas', control: 'AML.T0049' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      'With `hostNetwork: true`, or a `hostPort` on the service\u2019s port, an AI service listens on the node\u2019s own address: NetworkPolicies no longer apply to it and anyone who can reach the node (often the whole VPC, sometimes the internet) reaches the notebook, dashboard or model API directly. Severity follows the service: critical for ports that run code with authentication off, high for model access, medium when authentication is not visible.',
    remediation:
      'Remove `hostNetwork` and `hostPort`; reach the service through a ClusterIP Service, and publish it through an authenticated Ingress or gateway when it must be used from outside. GPU workloads do not need the host network for NCCL on most clusters: use the CNI, or a secondary network (Multus) for RDMA.',
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'https://kubernetes.io/docs/concepts/configuration/overview/#services',
      'https://atlas.mitre.org/techniques/AML.T0049',
    ],
    examples: {
      bad: [{ path: 'ollama.yaml', content: POD('  hostNetwork: true\n') }],
      good: [{ path: 'ollama.yaml', content: POD('  hostNetwork: false\n') }],
    },
  },
  check(pod, ctx) {
    // Recognising services is the costly part: only for pods that listen on the node at all.
    if (pod.spec.hostNetwork !== true && !pod.containers.some((c) => c.group === 'containers' && hasHostPort(c.container.ports))) return;
    const services = aiServicesOfPod(pod);
    if (services.length === 0) return;
    if (pod.spec.hostNetwork === true) {
      const worst = worstReach(services.flatMap((target) => target.service.ports.map((port): Reach => ({ target, port }))));
      if (worst) {
        ctx.report({
          at: pod.at('hostNetwork'),
          severity: worst.severity,
          message: `${podLabel(pod)} runs on the host network: ${describeReach(worst.reach)} listens on the node's address`,
        });
        return;
      }
    }
    for (const target of services) {
      const ports = target.container.container.ports;
      if (!Array.isArray(ports)) continue;
      ports.forEach((p, i) => {
        if (typeof p !== 'object' || p === null || typeof (p as Record<string, unknown>).hostPort !== 'number') return;
        const cp = (p as Record<string, unknown>).containerPort;
        const worst = worstReach(target.service.ports.filter((ap) => ap.port === cp).map((port): Reach => ({ target, port })));
        if (!worst) return;
        const severity: Severity = worst.severity;
        ctx.report({
          at: [...target.container.path, 'ports', i, 'hostPort'],
          severity,
          message: `Container '${target.container.name}' publishes ${describeReach(worst.reach)} on host port ${String((p as Record<string, unknown>).hostPort)}`,
        });
      });
    }
  },
});

function hasHostPort(ports: unknown): boolean {
  return (
    Array.isArray(ports) &&
    ports.some((p) => typeof p === 'object' && p !== null && typeof (p as Record<string, unknown>).hostPort === 'number')
  );
}
