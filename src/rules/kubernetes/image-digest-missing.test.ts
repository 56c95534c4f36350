import { trainJobWithTrainer } from '../../testing/kubeflow-trainer.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './image-digest-missing.js';

const pod = (image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: ${image}
`;
const DIGEST = 'sha256:0a7f0e5c6a3f2b1d9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e';

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod(`vllm/vllm-openai:v0.6.3@${DIGEST}`) },
    { name: 'untagged and :latest are K8S-0100 findings', path: 'pod.yaml', content: pod('vllm/vllm-openai') },
    { path: 'pod.yaml', content: pod('vllm/vllm-openai:latest') },
    {
      name: "a TrainJob whose trainer sets no image (its runtime's) or one pinned by digest",
      path: 'trainjob.yaml',
      content:
        trainJobWithTrainer('    numNodes: 2\n') +
        '---\n' +
        trainJobWithTrainer(`    image: docker.io/kubeflow/pytorch-llama:v2.1@${DIGEST}\n`),
    },
  ],
  invalid: [
    {
      name: "a TrainJob's trainer image by tag (it replaces the runtime's trainer image)",
      path: 'trainjob.yaml',
      content: trainJobWithTrainer('    image: docker.io/kubeflow/pytorch-llama:v2.1\n    numNodes: 2\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 9,
          endColumn: 49,
          message: "Container 'trainer' uses image 'docker.io/kubeflow/pytorch-llama:v2.1' by tag, not by digest",
          objectPath: '/spec/trainer/image',
        },
      ],
    },
    {
      path: 'pod.yaml',
      content: pod('vllm/vllm-openai:v0.6.3'),
      findings: [
        {
          startLine: 8,
          startColumn: 5,
          endLine: 8,
          endColumn: 35,
          message: "Container 'app' uses image 'vllm/vllm-openai:v0.6.3' by tag, not by digest",
          severity: 'low',
          evidence: 'image: vllm/vllm-openai:v0.6.3',
        },
      ],
    },
  ],
});
