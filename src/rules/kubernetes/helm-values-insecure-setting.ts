import { defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/types.js';
import type { HelmValuesDocument } from '../../parsers/helm/helm-values.js';

const DANGEROUS_CAPABILITIES = new Set([
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_PTRACE',
  'SYS_MODULE',
  'DAC_READ_SEARCH',
  'BPF',
  'PERFMON',
  'SYS_RAWIO',
]);
const EXPOSED_SERVICE_TYPES = new Set(['LoadBalancer', 'NodePort']);

interface Check {
  key: string;
  when(value: unknown, parentKey: string | undefined): boolean;
  severity: Severity;
  what: string;
}

const CHECKS: Check[] = [
  { key: 'privileged', when: (v) => v === true, severity: 'critical', what: 'run containers privileged' },
  { key: 'allowPrivilegeEscalation', when: (v) => v === true, severity: 'medium', what: 'allow privilege escalation' },
  { key: 'hostNetwork', when: (v) => v === true, severity: 'high', what: "put pods on the host's network" },
  { key: 'hostPID', when: (v) => v === true, severity: 'high', what: "share the host's process namespace" },
  { key: 'hostIPC', when: (v) => v === true, severity: 'high', what: "share the host's IPC namespace" },
  { key: 'runAsUser', when: (v) => v === 0, severity: 'medium', what: 'run as root (runAsUser: 0)' },
  { key: 'runAsNonRoot', when: (v) => v === false, severity: 'medium', what: 'allow running as root (runAsNonRoot: false)' },
  { key: 'type', when: (v, parent) => v === 'Unconfined' && parent === 'seccompProfile', severity: 'medium', what: 'turn seccomp off' },
  {
    key: 'type',
    when: (v, parent) => typeof v === 'string' && EXPOSED_SERVICE_TYPES.has(v) && /service$/i.test(parent ?? ''),
    severity: 'medium',
    what: 'expose a Service outside the cluster',
  },
];

export default defineRule<HelmValuesDocument>({
  meta: {
    id: 'K8S-0199',
    slug: 'helm-values-insecure-setting',
    title: 'Helm values set an insecure pod or Service setting',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['helm-values'],
    frameworks: [{ id: 'nsa-cisa', control: 'pod-security' }],
    rationale:
      "Charts pass `securityContext`, `podSecurityContext`, `hostNetwork` and `service.type` from their values to their templates unchanged. When a chart is not rendered (no `helm` on the machine, or `helm template` failed) or a values file is installed with a chart from elsewhere, its templates cannot be judged, but what the values set explicitly is what the cluster gets: a privileged container, the host's namespaces, root, added capabilities, seccomp off, a LoadBalancer or NodePort in front of a model server. Values of a chart that was rendered are judged in the rendered objects instead.",
    remediation:
      'Remove the setting or set it to the safe value (`privileged: false`, `allowPrivilegeEscalation: false`, `runAsNonRoot: true`, `seccompProfile: {type: RuntimeDefault}`, `service.type: ClusterIP` behind an authenticated Ingress), and install `helm` so the rendered chart is scanned as a whole.',
    references: [
      'https://helm.sh/docs/chart_template_guide/values_files/',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    ],
    examples: {
      bad: [
        {
          path: 'charts/ollama/values.yaml',
          content:
            'image:\n  repository: ollama/ollama\nsecurityContext:\n  privileged: true\nservice:\n  type: LoadBalancer\n  port: 11434\n',
        },
      ],
      good: [
        {
          path: 'charts/ollama/values.yaml',
          content:
            'image:\n  repository: ollama/ollama\nsecurityContext:\n  privileged: false\n  runAsNonRoot: true\n  allowPrivilegeEscalation: false\nservice:\n  type: ClusterIP\n  port: 11434\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const entry of doc.entries()) {
      const parent = entry.path.length >= 2 ? entry.path[entry.path.length - 2] : undefined;
      const parentKey = typeof parent === 'string' ? parent : undefined;
      for (const c of CHECKS) {
        if (c.key !== entry.key || !c.when(entry.value, parentKey)) continue;
        ctx.report({
          message: `Chart values ${c.what}: ${entry.path.join('.')}: ${String(entry.value)}`,
          at: entry.path,
          severity: c.severity,
        });
      }
      if (entry.key === 'add' && parentKey === 'capabilities' && Array.isArray(entry.value)) {
        entry.value.forEach((cap, i) => {
          if (typeof cap === 'string' && DANGEROUS_CAPABILITIES.has(cap.toUpperCase().replace(/^CAP_/, '')))
            ctx.report({
              message: `Chart values add the ${cap} capability: ${entry.path.join('.')}`,
              at: [...entry.path, i],
              severity: 'high',
            });
        });
      }
    }
  },
});
