import { defineRule } from '../../core/rule.js';
import type { ObjectPath } from '../../core/types.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import { loadEmbeddedYaml, member as field } from './lib/embedded-yaml.js';
import { GPU_NODE_LABELS, gpuNode } from './lib/gpu.js';

const SHARING = GPU_NODE_LABELS.sharing;
const REPLICAS = GPU_NODE_LABELS.replicas;
const PRODUCT = GPU_NODE_LABELS.product;

const node = (labels: string) =>
  `apiVersion: v1\nkind: Node\nmetadata:\n  name: gpu-a100-1\n  labels:\n    nvidia.com/gpu.present: "true"\n    nvidia.com/gpu.product: NVIDIA-A100-SXM4-80GB\n${labels}status:\n  capacity:\n    nvidia.com/gpu: "8"\n`;

const pluginConfig = (sharing: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: device-plugin-config\n  namespace: gpu-operator\ndata:\n  any: |-\n    version: v1\n    flags:\n      migStrategy: none\n${sharing}`;

const RISK = {
  mps: 'its pods share one MPS server per GPU, and a fault in one stops the others',
  'time-slicing': 'its pods share each GPU\u2019s memory with no isolation: one can read or exhaust what another holds there',
} as const;

/**
 * The sharing a configuration file of NVIDIA's device plugin asks for (`sharing.timeSlicing` or
 * `sharing.mps`, a resource with `replicas` above 1), as the GPU operator's time-slicing ConfigMap
 * and the device plugin chart's `config.map` hold it; undefined for any other text. Only a text that
 * names both `sharing` and a strategy is parsed.
 */
function deviceSharing(text: string): { strategy: 'time-slicing' | 'mps'; replicas: number; resource: string } | undefined {
  if (!text.includes('sharing') || !(text.includes('timeSlicing') || text.includes('mps'))) return undefined;
  const loaded = loadEmbeddedYaml(text);
  if (!loaded.ok) return undefined;
  const sharing = field(loaded.value, 'sharing');
  for (const [key, strategy] of [
    ['timeSlicing', 'time-slicing'],
    ['mps', 'mps'],
  ] as const) {
    const resources = field(field(sharing, key), 'resources');
    if (!Array.isArray(resources)) continue;
    for (const r of resources) {
      const replicas = Number(field(r, 'replicas'));
      const name = field(r, 'name');
      if (replicas > 1) return { strategy, replicas, resource: typeof name === 'string' ? name : 'GPU' };
    }
  }
  return undefined;
}

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'K8S-0202',
    slug: 'gpu-node-shared-without-isolation',
    title: 'GPU node shares its GPUs between pods without isolation',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'nsa-cisa', control: 'hardening-container-environments' },
      { id: 'mitre-atlas', control: 'AML.T0025' },
      { id: 'mitre-atlas', control: 'AML.T0029' },
    ],
    rationale:
      'NVIDIA\u2019s device plugin can advertise each GPU several times (`replicas`) and hand the replicas to different pods, by time-slicing or through MPS; GPU feature discovery labels the node with the strategy (`nvidia.com/gpu.sharing-strategy`, `nvidia.com/gpu.replicas`, a `-SHARED` product name). Time-sliced pods share the GPU\u2019s memory with no isolation between them: one can read what another left in device memory (model weights, prompts, activations; LeftoverLocals, CVE-2023-4969, showed how), fill the memory so that the other fails, or crash the GPU under it. MPS clients share one server: memory limits are enforced, but a fault in one client stops every other. Neither fits pods of different teams or tenants. MIG partitions (`nvidia.com/mig.strategy`) are isolated in hardware and are not reported. A cluster scan reads the labels from the live Node objects; in manifests, every key of every ConfigMap holding a configuration of the device plugin that asks for `sharing.timeSlicing` or `sharing.mps` with `replicas` above 1 is reported, whether or not a ClusterPolicy\u2019s `devicePlugin.config` or the device plugin chart\u2019s `config` in the scan names it (the GPU operator and the chart read such ConfigMaps; one that nothing uses is reported too).',
    remediation:
      'Give tenants that must not see each other whole GPUs or MIG instances (set `sharing` to none in the device plugin configuration and use MIG profiles on A100/H100-class GPUs). Where sharing is wanted, keep it to the pods of one team: a node pool with a taint that only that team\u2019s workloads tolerate (`kubectl taint nodes NAME nvidia.com/gpu=shared:NoSchedule`) and a node selector on the shared product label.',
    references: [
      'https://github.com/NVIDIA/k8s-device-plugin#shared-access-to-gpus',
      'https://docs.nvidia.com/datacenter/cloud-native/gpu-operator/latest/gpu-sharing.html',
      'https://docs.nvidia.com/datacenter/tesla/mig-user-guide/',
      'https://nvd.nist.gov/vuln/detail/CVE-2023-4969',
    ],
    examples: {
      bad: [
        { path: 'node.yaml', content: node(`    ${SHARING}: time-slicing\n    ${REPLICAS}: "4"\n`) },
        {
          path: 'time-slicing.yaml',
          content: pluginConfig(
            '    sharing:\n      timeSlicing:\n        resources:\n        - name: nvidia.com/gpu\n          replicas: 4\n',
          ),
        },
      ],
      good: [
        { path: 'node.yaml', content: node('    nvidia.com/mig.strategy: single\n') },
        { path: 'time-slicing.yaml', content: pluginConfig('') },
      ],
    },
  },
  check(doc, ctx) {
    if (doc.resource.kind === 'ConfigMap' && doc.resource.apiVersion === 'v1') {
      const data = doc.get(['data']);
      if (typeof data !== 'object' || data === null) return;
      for (const key in data) {
        const value = (data as Record<string, unknown>)[key];
        const shared = typeof value === 'string' && value.includes('sharing') ? deviceSharing(value) : undefined;
        if (!shared) continue;
        const how = shared.strategy === 'mps' ? 'through MPS' : 'by time-slicing';
        ctx.report({
          at: ['data', key],
          message: `ConfigMap '${doc.name}' configures NVIDIA\u2019s device plugin to share each GPU between pods ${how} (${shared.replicas} pods per ${shared.resource}, key '${key}'): ${RISK[shared.strategy]} on the nodes that use it`,
        });
      }
      return;
    }
    if (!gpuNode(doc)) return;
    const labels = doc.labels;
    const strategy = labels[SHARING];
    const replicas = Number(labels[REPLICAS]);
    const shared = typeof labels[PRODUCT] === 'string' && labels[PRODUCT].endsWith('-SHARED');
    let how: string;
    let at: ObjectPath;
    if (strategy === 'time-slicing' || strategy === 'mps') {
      how = strategy === 'mps' ? 'through MPS' : 'by time-slicing';
      at = ['metadata', 'labels', SHARING];
    } else if (strategy === undefined && (replicas > 1 || shared)) {
      how = 'by time-slicing';
      at = ['metadata', 'labels', replicas > 1 ? REPLICAS : PRODUCT];
    } else return;
    const count = replicas > 1 ? ` (${replicas} pods per GPU)` : '';
    const risk = RISK[strategy === 'mps' ? 'mps' : 'time-slicing'];
    ctx.report({ at, message: `Node '${doc.name}' shares its GPUs between pods ${how}${count}: ${risk}` });
  },
});
