import { defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/types.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { isSet, mapping, PSA_CHECKS, PSS_DOC, str } from './lib/pss.js';

/** Host paths that hand over the node: its configuration, kernel interfaces, container runtime or kubelet. */
const SENSITIVE = [
  '/etc',
  '/root',
  '/boot',
  '/proc',
  '/sys',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd',
  '/run/containerd',
  '/var/run/crio',
  '/run/crio',
  '/var/run/cri-dockerd.sock',
  '/run/cri-dockerd.sock',
];

function normalizePath(p: string): string {
  const squeezed = p.replace(/\/+/g, '/');
  return squeezed.length > 1 && squeezed.endsWith('/') ? squeezed.slice(0, -1) : squeezed;
}

function severityOf(path: string): Severity {
  const p = normalizePath(path);
  if (p === '/' || p === '/dev') return 'critical';
  for (const s of SENSITIVE) if (p === s || s.startsWith(p + '/') || p.startsWith(s + '/')) return 'critical';
  return 'high';
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0005',
    slug: 'host-path-volume',
    title: 'Pod mounts a hostPath volume',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'hostPathVolumes', level: 'baseline' },
      { id: 'cis-k8s', control: '5.2.12' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      "A hostPath volume mounts a directory of the node into the pod. The container runtime socket, the kubelet's directory, `/etc`, `/proc` or `/` are a direct path to root on the node and to every other pod's secrets; even a harmless-looking data directory lets one workload read or poison another's files (model weights, caches) and survives the pod. Pod Security Admission rejects any hostPath volume at baseline.",
    remediation:
      'Replace the hostPath volume: model weights and datasets belong in a PersistentVolumeClaim (or a read-only `image` volume), scratch space in an `emptyDir`, configuration in a ConfigMap or Secret. Node agents that need host files belong in a dedicated namespace with a privileged Pod Security level.',
    references: [`${PSS_DOC}#baseline`, 'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath', PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\nspec:\n  containers:\n  - name: llm\n    image: ghcr.io/ggerganov/llama.cpp:server\n    volumeMounts:\n    - name: models\n      mountPath: /models\n  volumes:\n  - name: models\n    hostPath:\n      path: /data/models\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: llm\nspec:\n  containers:\n  - name: llm\n    image: ghcr.io/ggerganov/llama.cpp:server\n    volumeMounts:\n    - name: models\n      mountPath: /models\n      readOnly: true\n  volumes:\n  - name: models\n    persistentVolumeClaim:\n      claimName: models\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    const volumes = pod.spec.volumes;
    if (!Array.isArray(volumes)) return;
    volumes.forEach((v, i) => {
      const vol = mapping(v);
      if (!vol || !isSet(vol.hostPath)) return;
      const path = str(mapping(vol.hostPath)?.path);
      const name = str(vol.name) || String(i);
      ctx.report({
        message: path ? `Volume '${name}' mounts the node's ${path} (hostPath)` : `Volume '${name}' is a hostPath volume`,
        at: pod.at('volumes', i, 'hostPath'),
        severity: path ? severityOf(path) : 'high',
        evidence: path ? `hostPath: ${path}` : 'hostPath',
      });
    });
  },
});
