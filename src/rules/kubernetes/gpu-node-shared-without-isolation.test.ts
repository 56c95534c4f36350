import { testRule } from '../../testing/rule-tester.js';
import rule from './gpu-node-shared-without-isolation.js';

const node = (labels: string, status = 'status:\n  capacity:\n    nvidia.com/gpu: "8"\n') =>
  `apiVersion: v1\nkind: Node\nmetadata:\n  name: gpu-1\n  labels:\n    kubernetes.io/os: linux\n${labels}${status}`;

/** The GPU operator's time-slicing ConfigMap, as its documentation and the device plugin chart render it. */
const pluginConfig = (key: string, sharing: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: time-slicing-config
  namespace: gpu-operator
data:
  ${key}: |-
    version: v1
    flags:
      migStrategy: none
${sharing}`;

/** Device plugin YAML whose aliases repeat a 500 MB sequence as a key, three times: js-yaml alone took 7 s a key. */
const aliasedKeys =
  `    s: &s ${'x'.repeat(5000)}\n    a: &a [${Array.from({ length: 100_000 }, () => '*s').join(',')}]\n` +
  Array.from({ length: 3 }, (_, i) => `    m${i}:\n      ? *a\n      : 1\n`).join('') +
  '    sharing:\n      timeSlicing:\n        resources:\n        - name: nvidia.com/gpu\n          replicas: 4\n';

testRule(rule, {
  valid: [
    { name: 'a device plugin configuration whose aliases expand past the limit is not read', path: 'cm.yaml', content: pluginConfig('any', aliasedKeys) },
    { name: 'a device plugin configuration without sharing', path: 'cm.yaml', content: pluginConfig('any', '') },
    {
      name: 'a device plugin configuration with one replica',
      path: 'cm.yaml',
      content: pluginConfig(
        'any',
        '    sharing:\n      timeSlicing:\n        resources:\n        - name: nvidia.com/gpu\n          replicas: 1\n',
      ),
    },
    { name: 'whole GPUs', path: 'node.yaml', content: node('    nvidia.com/gpu.sharing-strategy: none\n') },
    { name: 'MIG partitions', path: 'node.yaml', content: node('    nvidia.com/mig.strategy: mixed\n    nvidia.com/gpu.replicas: "1"\n') },
    { name: 'no GPU on the node', path: 'node.yaml', content: node('    nvidia.com/gpu.replicas: "4"\n', '') },
    {
      name: 'a ConfigMap with the labels',
      path: 'cm.yaml',
      content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels:\n    nvidia.com/gpu.sharing-strategy: mps\n',
    },
  ],
  invalid: [
    {
      name: 'time-slicing with replicas',
      path: 'node.yaml',
      content: node('    nvidia.com/gpu.sharing-strategy: time-slicing\n    nvidia.com/gpu.replicas: "4"\n'),
      findings: [
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 50,
          objectPath: '/metadata/labels/nvidia.com~1gpu.sharing-strategy',
          severity: 'medium',
          message:
            "Node 'gpu-1' shares its GPUs between pods by time-slicing (4 pods per GPU): its pods share each GPU\u2019s memory with no isolation: one can read or exhaust what another holds there",
        },
      ],
    },
    {
      name: 'MPS, GPUs seen from feature discovery only',
      path: 'node.yaml',
      content: node('    nvidia.com/gpu.present: "true"\n    nvidia.com/gpu.sharing-strategy: mps\n', ''),
      findings: [
        {
          startLine: 8,
          startColumn: 5,
          endLine: 8,
          endColumn: 41,
          message:
            "Node 'gpu-1' shares its GPUs between pods through MPS: its pods share one MPS server per GPU, and a fault in one stops the others",
        },
      ],
    },
    {
      name: 'an older feature discovery: replicas only',
      path: 'node.yaml',
      content: node('    nvidia.com/gpu.replicas: "2"\n'),
      findings: [{ startLine: 7, startColumn: 5, endLine: 7, endColumn: 33, objectPath: '/metadata/labels/nvidia.com~1gpu.replicas' }],
    },
    {
      name: "the GPU operator's time-slicing ConfigMap (sharing.timeSlicing, 4 replicas), reported at its key",
      path: 'cm.yaml',
      content: pluginConfig(
        'a100-80gb',
        '    sharing:\n      timeSlicing:\n        renameByDefault: false\n        resources:\n        - name: nvidia.com/gpu\n          replicas: 4\n',
      ),
      findings: [
        {
          startLine: 7,
          startColumn: 3,
          endLine: 16,
          endColumn: 22,
          objectPath: '/data/a100-80gb',
          severity: 'medium',
          message:
            "ConfigMap 'time-slicing-config' configures NVIDIA\u2019s device plugin to share each GPU between pods by time-slicing (4 pods per nvidia.com/gpu, key 'a100-80gb'): its pods share each GPU\u2019s memory with no isolation: one can read or exhaust what another holds there on the nodes that use it",
        },
      ],
    },
    {
      name: 'MPS sharing in the device plugin configuration',
      path: 'cm.yaml',
      content: pluginConfig(
        'any',
        '    sharing:\n      mps:\n        resources:\n        - name: nvidia.com/gpu\n          replicas: 10\n',
      ),
      findings: [
        {
          startLine: 7,
          startColumn: 3,
          endLine: 15,
          endColumn: 23,
          objectPath: '/data/any',
          message: /between pods through MPS \(10 pods per nvidia.com\/gpu, key 'any'\): its pods share one MPS server per GPU/,
        },
      ],
    },
  ],
});
