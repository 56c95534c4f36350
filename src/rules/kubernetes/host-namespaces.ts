import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { PSA_CHECKS, PSS_DOC } from './lib/pss.js';

const NAMESPACES = [
  { field: 'hostPID', what: "the host's process ID namespace: it sees and can signal every process on the node" },
  { field: 'hostIPC', what: "the host's IPC namespace: it can read and write the node's shared memory segments" },
  { field: 'hostNetwork', what: "the host's network namespace: it binds node ports and reaches node-local services" },
] as const;

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0001',
    slug: 'host-namespaces',
    title: 'Pod shares host namespaces',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'hostNamespaces', level: 'baseline' },
      { id: 'cis-k8s', control: '5.2.3' },
      { id: 'cis-k8s', control: '5.2.4' },
      { id: 'cis-k8s', control: '5.2.5' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      "hostPID, hostIPC and hostNetwork remove the isolation between the pod and the node. With hostPID a container sees every process of the node (including other tenants' model servers and their environment), with hostIPC it shares memory segments, and with hostNetwork it listens on node interfaces and reaches the kubelet, the cloud metadata service and node-local daemons that trust localhost. Pod Security Admission rejects all three at baseline.",
    remediation:
      'Remove `hostPID`, `hostIPC` and `hostNetwork` from the pod spec (or set them to `false`). Expose services through a Service or an Ingress instead of the node network, and share data between containers of a pod with volumes (an `emptyDir` with `medium: Memory` for shared memory).',
    references: [`${PSS_DOC}#baseline`, 'https://kubernetes.io/docs/concepts/security/linux-kernel-security-constraints/', PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: trainer\nspec:\n  hostIPC: true\n  containers:\n  - name: trainer\n    image: pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: trainer\nspec:\n  hostIPC: false\n  containers:\n  - name: trainer\n    image: pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime\n    volumeMounts:\n    - name: dshm\n      mountPath: /dev/shm\n  volumes:\n  - name: dshm\n    emptyDir:\n      medium: Memory\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const ns of NAMESPACES) {
      if (pod.spec[ns.field] === true) ctx.report({ message: `Pod shares ${ns.what} (${ns.field}: true)`, at: pod.at(ns.field) });
    }
  },
});
