import { isObj, type Obj } from './audit.js';

/** Requests for GPUs of any vendor: `nvidia.com/gpu`, `amd.com/gpu`, `gpu.intel.com/i915`, MIG profiles. */
const GPU_RESOURCE = /^(?:nvidia\.com\/(?:gpu|mig-.+)|amd\.com\/gpu|gpu\.intel\.com\/.+)$/;

/** True when a pod spec asks for a GPU resource (requests or limits above zero). */
export function podRequestsGpu(spec: Obj): boolean {
  for (const key of ['containers', 'initContainers']) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      const res = isObj(c) && isObj(c.resources) ? c.resources : undefined;
      if (!res) continue;
      for (const section of [res.requests, res.limits]) {
        if (!isObj(section)) continue;
        for (const [name, value] of Object.entries(section)) if (GPU_RESOURCE.test(name) && String(value) !== '0') return true;
      }
    }
  }
  return false;
}
