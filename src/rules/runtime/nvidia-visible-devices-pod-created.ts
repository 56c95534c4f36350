import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { asList, describeActor, isObj } from './lib/audit.js';
import { auditEvent, auditLog, pod } from './lib/examples.js';
import { podRequestsGpu } from './lib/gpu.js';
import { createdPod, trustedImagesOption } from './lib/pods.js';

/** Values that hand no device over. */
const NO_DEVICES = new Set(['', 'void', 'none']);

const create = (env: Array<Record<string, string>>, resources: Record<string, unknown> = {}) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'team-a',
    name: 'inference',
    requestObject: pod('inference', 'team-a', { containers: [{ name: 'app', image: 'nvcr.io/nvidia/pytorch:24.08-py3', env, resources }] }),
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0020',
    slug: 'nvidia-visible-devices-pod-created',
    title: 'Pod created that takes GPUs through NVIDIA_VISIBLE_DEVICES',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0034' },
      { id: 'nsa-cisa', control: 'resource-policies' },
    ],
    options: trustedImagesOption,
    rationale:
      "With the NVIDIA container runtime as the default, a container that sets `NVIDIA_VISIBLE_DEVICES=all` (or device indexes) gets the node's GPUs without requesting `nvidia.com/gpu`: the scheduler, quotas and other tenants' allocations never see it, and it reads their GPU memory. The API server admitted such a pod; the static rule (K8S) catches it in manifests, this one catches the pod that actually ran. The device plugin and GPU operator set it by design (option `trustedImages`).",
    remediation:
      'Delete the pod and request GPUs as a resource; configure the NVIDIA runtime to ignore the variable for unprivileged containers (`accept-nvidia-visible-devices-envvar-when-unprivileged = false`) and use CDI or volume-mount device lists.',
    references: [
      'https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/gpu-operator-rdma.html',
      'https://github.com/NVIDIA/k8s-device-plugin#with-cdi',
    ],
    examples: lazyExamples(() => ({
      bad: [auditLog(create([{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }]))],
      good: [auditLog(create([{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }], { limits: { 'nvidia.com/gpu': '1' } }))],
    })),
  },
  check(doc, ctx) {
    const created = createdPod(doc, ctx.options);
    if (!created) return;
    for (const c of created.containers) {
      if (podRequestsGpu({ containers: [c.container] })) continue;
      asList(c.container.env).forEach((e, i) => {
        if (!isObj(e) || e.name !== 'NVIDIA_VISIBLE_DEVICES' || typeof e.value !== 'string' || NO_DEVICES.has(e.value.trim().toLowerCase()))
          return;
        ctx.report({
          at: [...c.path, 'env', i, 'value'],
          message: `${describeActor(doc)} created pod ${created.name} whose container '${c.name}' takes GPUs '${e.value}' through NVIDIA_VISIBLE_DEVICES without requesting any`,
        });
      });
    }
  },
});
