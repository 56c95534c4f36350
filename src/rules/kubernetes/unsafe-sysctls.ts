import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { mapping, podSecurityContext, podSecurityContextPath, reportsPodLevel, PSA_CHECKS, PSS_DOC, str } from './lib/pss.js';

/** Namespaced sysctls isolated from other pods: the baseline's safe set at the latest policy version (v1.37). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0011',
    slug: 'unsafe-sysctls',
    title: 'Pod sets an unsafe sysctl',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'sysctls', level: 'baseline' },
      { id: 'nsa-cisa', control: 'hardening-container-environments' },
    ],
    rationale:
      'Only a handful of sysctls are known to be both namespaced and isolated between pods. The others a pod can set (the IPC limits `kernel.shm*`, `kernel.msg*`, `kernel.sem`, `fs.mqueue.*`, and most `net.*` parameters) can exhaust kernel memory shared with the node and its other pods, or change network behaviour the node does not account for; the kubelet refuses them unless an administrator allowed them with `--allowed-unsafe-sysctls`. Pod Security Admission accepts only the safe set, by exact name, at baseline.',
    remediation:
      'Remove the sysctl from `spec.securityContext.sysctls`. Tune node-wide kernel parameters in the node image or with a node tuning operator, where cluster administrators control them, not from a workload.',
    references: [`${PSS_DOC}#baseline`, 'https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/', PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: trainer\nspec:\n  securityContext:\n    sysctls:\n    - name: kernel.shmmax\n      value: "68719476736"\n  containers:\n  - name: trainer\n    image: nvcr.io/nvidia/pytorch:24.09-py3\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: trainer\nspec:\n  securityContext:\n    sysctls:\n    - name: net.ipv4.tcp_keepalive_time\n      value: "600"\n  containers:\n  - name: trainer\n    image: nvcr.io/nvidia/pytorch:24.09-py3\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    const sysctls = podSecurityContext(pod)?.sysctls;
    if (!Array.isArray(sysctls) || !reportsPodLevel(pod)) return;
    sysctls.forEach((s, i) => {
      const name = str(mapping(s)?.name);
      if (SAFE_SYSCTLS.has(name)) return;
      ctx.report({
        message: `Pod sets sysctl '${name}', outside the safe set`,
        at: [...podSecurityContextPath(pod), 'sysctls', i, 'name'],
      });
    });
  },
});
