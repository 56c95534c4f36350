import type { ContainerView } from '../../../parsers/k8s/pod-specs.js';
import type { PodSpecDocument } from '../../../parsers/k8s/k8s-documents.js';
import { asList, asMapping, envValue } from './workload.js';

/** Extended resources handed out by NVIDIA's device plugin: `nvidia.com/gpu`, MIG slices, shared GPUs. */
export function isNvidiaResource(name: string): boolean {
  return name === 'nvidia.com/gpu' || name.startsWith('nvidia.com/gpu.') || name.startsWith('nvidia.com/mig-');
}

/** GPU resources a container asks for, from its limits and requests. */
export function gpuResources(c: ContainerView): Array<{ section: 'requests' | 'limits'; name: string; value: unknown }> {
  const out: Array<{ section: 'requests' | 'limits'; name: string; value: unknown }> = [];
  const res = asMapping(c.container.resources);
  for (const section of ['limits', 'requests'] as const)
    for (const [name, value] of Object.entries(asMapping(res[section]))) if (isNvidiaResource(name) && !isZero(value)) out.push({ section, name, value });
  return out;
}

function isZero(v: unknown): boolean {
  return v === 0 || v === '0';
}

/** True when the container gets GPUs through the scheduler: a device-plugin resource or a DRA claim. */
export function requestsGpu(c: ContainerView): boolean {
  return gpuResources(c).length > 0 || asList(asMapping(c.container.resources).claims).length > 0;
}

/** GPU runtime classes (the NVIDIA and CDI runtime handlers GPU Operator installs). */
export function hasGpuRuntimeClass(pod: PodSpecDocument): boolean {
  const rc = pod.spec.runtimeClassName;
  return typeof rc === 'string' && /nvidia/i.test(rc);
}

/**
 * A container that runs with NVIDIA's container runtime hooks: it asks for a GPU, names the
 * visible devices itself, or runs under an NVIDIA runtime class.
 */
export function isGpuContainer(pod: PodSpecDocument, c: ContainerView): boolean {
  if (requestsGpu(c)) return true;
  const visible = envValue(c, 'NVIDIA_VISIBLE_DEVICES');
  if (visible?.value !== undefined && !['void', ''].includes(visible.value.trim().toLowerCase())) return true;
  return hasGpuRuntimeClass(pod);
}
