import { testRule } from '../../testing/rule-tester.js';
import { trainJobWithTrainer } from '../../testing/kubeflow-trainer.js';
import rule from './image-tag-mutable.js';

const pod = (image: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: ${image}
`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('vllm/vllm-openai:v0.6.3') },
    { name: 'registry with a port and a tag', path: 'pod.yaml', content: pod('registry.local:5000/ml/vllm:v0.6.3') },
    {
      name: 'latest pinned by digest',
      path: 'pod.yaml',
      content: pod('ollama/ollama:latest@sha256:0a7f0e5c6a3f2b1d9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e'),
    },
    {
      name: 'digest without a tag',
      path: 'pod.yaml',
      content: pod('ollama/ollama@sha256:0a7f0e5c6a3f2b1d9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e'),
    },
    { name: 'unrendered template value', path: 'pod.yaml', content: pod('"$(IMAGE)"') },
    {
      name: 'KServe model component without an image',
      path: 'isvc.yaml',
      content: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llama
spec:
  predictor:
    model:
      modelFormat: {name: huggingface}
      storageUri: hf://meta-llama/Llama-3.1-8B-Instruct
`,
    },
    {
      name: "a TrainJob whose trainer sets no image (its runtime's) or a pinned one",
      path: 'trainjob.yaml',
      content:
        trainJobWithTrainer('    numNodes: 2\n') + '---\n' + trainJobWithTrainer('    image: docker.io/kubeflow/pytorch-llama:v2.1\n'),
    },
  ],
  invalid: [
    {
      name: "a TrainJob's trainer image (it replaces the runtime's trainer image)",
      path: 'trainjob.yaml',
      content: trainJobWithTrainer('    image: docker.io/kubeflow/pytorch-llama:latest\n    numNodes: 2\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 9,
          endColumn: 51,
          message: "Container 'trainer' uses the mutable tag ':latest' of image 'docker.io/kubeflow/pytorch-llama'",
          objectPath: '/spec/trainer/image',
        },
      ],
    },
    {
      path: 'pod.yaml',
      content: pod('ollama/ollama:latest'),
      findings: [
        {
          startLine: 8,
          startColumn: 5,
          endLine: 8,
          endColumn: 32,
          message: "Container 'app' uses the mutable tag ':latest' of image 'ollama/ollama'",
          objectPath: '/spec/containers/0/image',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'no tag, registry with a port',
      path: 'pod.yaml',
      content: pod('registry.local:5000/ml/vllm'),
      findings: [
        {
          startLine: 8,
          startColumn: 5,
          endLine: 8,
          endColumn: 39,
          message: "Container 'app' uses image 'registry.local:5000/ml/vllm' without a tag, so it runs whatever ':latest' is at pull time",
        },
      ],
    },
    {
      name: 'init container of a RayCluster worker group',
      path: 'ray.yaml',
      content: `apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: rc
spec:
  workerGroupSpecs:
  - groupName: gpu
    template:
      spec:
        initContainers:
        - name: wait
          image: busybox
        containers:
        - name: worker
          image: rayproject/ray:2.38.0-gpu
`,
      findings: [
        {
          startLine: 12,
          startColumn: 11,
          endLine: 12,
          endColumn: 25,
          message: /^Init container 'wait' uses image 'busybox' without a tag/,
          objectPath: '/spec/workerGroupSpecs/0/template/spec/initContainers/0/image',
        },
      ],
    },
  ],
});
