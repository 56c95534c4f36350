import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { asMapping, mountsOf, volumesOf } from './lib/workload.js';

/** Sockets of container runtimes and engines, where their packages put them. */
const RUNTIME_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/run/k3s/containerd/containerd.sock',
  '/var/snap/microk8s/common/run/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
  '/run/cri-dockerd.sock',
  '/var/run/dockershim.sock',
  '/run/podman/podman.sock',
  '/var/run/podman/podman.sock',
];
const SOCKET_NAMES = new Set(['docker.sock', 'containerd.sock', 'crio.sock', 'cri-dockerd.sock', 'dockershim.sock', 'podman.sock']);

function normalize(p: string): string {
  let s = p.trim().replace(/\/{2,}/g, '/');
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1);
  return s;
}

/** Named pipes of Docker and containerd on Windows nodes. */
const WINDOWS_PIPES = new Set(['\\\\.\\pipe\\docker_engine', '\\\\.\\pipe\\containerd-containerd']);

/** The runtime socket a host path is or contains, if any. */
function socketAt(hostPath: string): { socket: string; directory: boolean } | undefined {
  if (WINDOWS_PIPES.has(hostPath.trim().toLowerCase())) return { socket: hostPath.trim(), directory: false };
  const p = normalize(hostPath);
  const base = p.slice(p.lastIndexOf('/') + 1);
  if (SOCKET_NAMES.has(base) || RUNTIME_SOCKETS.includes(p)) return { socket: p, directory: false };
  const prefix = p === '/' ? '/' : p + '/';
  const inside = RUNTIME_SOCKETS.find((s) => s.startsWith(prefix));
  return inside ? { socket: inside, directory: true } : undefined;
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0107',
    slug: 'container-runtime-socket-mount',
    title: 'Container runtime socket mounted into a pod',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'cis-k8s', control: '5.2.12' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    // The generic hostPath finding on the same volume folds into this one.
    supersedes: ['K8S-0005'],
    rationale:
      'Whoever can talk to the Docker, containerd or CRI-O socket can start a privileged container with the host filesystem mounted: it is root on the node, outside every admission control and audit log of the cluster, and it sees the GPUs, model caches and secrets of every other pod there. Mounting the socket read-only does not help, since connecting to a socket is not a write to the filesystem. Mounting a directory that holds the socket (`/var/run`, `/run`, `/`) is reported as high.',
    remediation:
      'Remove the hostPath volume. Build images with a daemonless builder (BuildKit rootless, Kaniko, Buildah) and read container metadata from the Kubernetes API instead of the runtime; node agents that truly need the socket belong in a dedicated, tightly controlled namespace, suppressed here with a reason.',
    references: [
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
      'https://docs.docker.com/engine/security/#docker-daemon-attack-surface',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n  - name: build\n    image: docker:27.3-cli\n    volumeMounts:\n    - name: docker\n      mountPath: /var/run/docker.sock\n  volumes:\n  - name: docker\n    hostPath:\n      path: /var/run/docker.sock\n      type: Socket\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: builder\nspec:\n  containers:\n  - name: build\n    image: moby/buildkit:v0.17.0-rootless\n    volumeMounts:\n    - name: cache\n      mountPath: /home/user/.local/share/buildkit\n  volumes:\n  - name: cache\n    emptyDir: {}\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const v of volumesOf(pod)) {
      const hp = asMapping(v.volume.hostPath);
      if (typeof hp.path !== 'string') continue;
      const hit = socketAt(hp.path);
      if (!hit) continue;
      const users = [...new Set(mountsOf(pod, v.name).map((m) => m.container.name))];
      const by = users.length > 0 ? ` into ${users.map((u) => `'${u}'`).join(', ')}` : '';
      ctx.report({
        message: hit.directory
          ? `Volume '${v.name}' mounts host directory '${hp.path}'${by}, which holds the container runtime socket ${hit.socket}`
          : `Volume '${v.name}' mounts the container runtime socket '${hp.path}'${by}`,
        at: [...v.path, 'hostPath', 'path'],
        severity: hit.directory ? 'high' : 'critical',
      });
    }
  },
});
