import { testRule } from '../../testing/rule-tester.js';
import rule from './gpu-node-shared-without-isolation.js';

const node = (labels: string, status = 'status:\n  capacity:\n    nvidia.com/gpu: "8"\n') =>
  `apiVersion: v1\nkind: Node\nmetadata:\n  name: gpu-1\n  labels:\n    kubernetes.io/os: linux\n${labels}${status}`;

testRule(rule, {
  valid: [
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
  ],
});
