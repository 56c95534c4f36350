/** Pod-spec checks of the runtime rules on pods as the API server admitted them. */
import type { AuditEventDocument } from '../../../parsers/events/event-documents.js';
import { actorOf, createdPodSpec, containersAt, type ContainerAt, type Obj } from './audit.js';

/** Image repositories of node agents that need host access by design (GPU operator, CNI, kube-proxy, runtime security). */
export const TRUSTED_NODE_AGENTS: readonly string[] = [
  'nvcr.io/nvidia/k8s-device-plugin',
  'nvcr.io/nvidia/gpu-operator',
  'nvcr.io/nvidia/driver',
  'nvcr.io/nvidia/k8s/container-toolkit',
  'nvcr.io/nvidia/k8s/dcgm-exporter',
  'nvcr.io/nvidia/cloud-native/gpu-operator-validator',
  'registry.k8s.io/kube-proxy',
  'quay.io/cilium/cilium',
  'docker.io/calico/node',
  'falcosecurity/falco',
  'quay.io/cilium/tetragon',
];

export const trustedImagesOption = {
  trustedImages: {
    description: 'Image name prefixes of node agents allowed host access (GPU operator, CNI, kube-proxy)',
    default: TRUSTED_NODE_AGENTS,
  },
};

function trusted(image: unknown, prefixes: readonly string[]): boolean {
  if (typeof image !== 'string') return false;
  const bare = image.replace(/^docker\.io\//, '');
  return prefixes.some((p) => image.startsWith(p) || bare.startsWith(p.replace(/^docker\.io\//, '')));
}

export interface CreatedPod {
  spec: Obj;
  metadata: Obj;
  base: readonly (string | number)[];
  containers: ContainerAt[];
  name: string;
  /** Every container runs a trusted node agent's image. */
  trusted: boolean;
}

/**
 * The pod a successful create request admitted, unless a kubelet created it (a static pod's mirror:
 * the node already runs it) or it runs only trusted node agents.
 */
export function createdPod(doc: AuditEventDocument, options: Readonly<Record<string, unknown>>): CreatedPod | undefined {
  const created = createdPodSpec(doc);
  if (!created || actorOf(doc.audit).startsWith('system:node:')) return undefined;
  const containers = containersAt(created.spec, created.path);
  const prefixes = (options.trustedImages as readonly string[] | undefined) ?? TRUSTED_NODE_AGENTS;
  const isTrusted = containers.length > 0 && containers.every((c) => trusted(c.container.image, prefixes));
  if (isTrusted) return undefined;
  const ns = doc.audit.objectRef?.namespace ?? (typeof created.metadata.namespace === 'string' ? created.metadata.namespace : 'default');
  const name =
    doc.audit.objectRef?.name ??
    (typeof created.metadata.name === 'string'
      ? created.metadata.name
      : typeof created.metadata.generateName === 'string'
        ? `${created.metadata.generateName}…`
        : '?');
  return { spec: created.spec, metadata: created.metadata, base: created.path, containers, name: `${ns}/${name}`, trusted: false };
}
