import { testRule } from '../../testing/rule-tester.js';
import rule from './resource-limits-missing.js';

const pod = (resources: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: app
    image: app:1.0
${resources}`;

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('    resources:\n      limits: {cpu: "1", memory: 1Gi}\n') },
    {
      name: 'ephemeral containers cannot have resources',
      path: 'pod.yaml',
      content: pod(
        '    resources:\n      limits: {cpu: "1", memory: 1Gi}\n  ephemeralContainers:\n  - name: debug\n    image: busybox:1.36\n',
      ),
    },
    {
      name: 'KServe model component: resources merged with the runtime',
      path: 'isvc.yaml',
      content: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llama
spec:
  predictor:
    model:
      modelFormat: {name: huggingface}
      storageUri: hf://meta-llama/Llama-3.1-8B-Instruct:0e9e39f249a16976918f6564b8830bc894c89659
`,
    },
    {
      name: 'KServe serving runtime: resources merged with the InferenceService',
      path: 'rt.yaml',
      content:
        'apiVersion: serving.kserve.io/v1alpha1\nkind: ClusterServingRuntime\nmetadata: {name: vllm}\nspec:\n  containers:\n  - name: kserve-container\n    image: vllm/vllm-openai:v0.6.3\n',
    },
  ],
  invalid: [
    {
      name: 'no resources at all',
      path: 'pod.yaml',
      content: pod(''),
      findings: [
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 14,
          message: "Container 'app' has no memory or CPU limit",
          objectPath: '/spec/containers/0/name',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'requests only',
      path: 'pod.yaml',
      content: pod('    resources:\n      requests: {cpu: "1", memory: 1Gi}\n'),
      findings: [
        { startLine: 9, startColumn: 5, endLine: 10, endColumn: 40, objectPath: '/spec/containers/0/resources', severity: 'medium' },
      ],
    },
    {
      name: 'CPU limit missing only: low',
      path: 'pod.yaml',
      content: pod('    resources:\n      limits:\n        memory: 1Gi\n'),
      findings: [
        { startLine: 10, startColumn: 7, endLine: 11, endColumn: 20, message: "Container 'app' has no CPU limit", severity: 'low' },
      ],
    },
    {
      name: 'empty memory limit',
      path: 'pod.yaml',
      content: pod('    resources:\n      limits:\n        cpu: "1"\n        memory: ""\n'),
      findings: [
        { startLine: 10, startColumn: 7, endLine: 12, endColumn: 19, message: "Container 'app' has no memory limit", severity: 'medium' },
      ],
    },
  ],
});
