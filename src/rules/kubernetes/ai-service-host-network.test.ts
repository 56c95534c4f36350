import { testRule } from '../../testing/rule-tester.js';
import rule from './ai-service-host-network.js';

const pod = (spec: string, container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
${spec}  containers:
${container}`;
const jupyter = `  - name: nb
    image: quay.io/jupyter/base-notebook:2024-10-07
    args: [start-notebook.py, "--ServerApp.token=''"]
`;

testRule(rule, {
  valid: [
    { name: 'same pod without hostNetwork', path: 'p.yaml', content: pod('', jupyter) },
    { name: 'hostNetwork false', path: 'p.yaml', content: pod('  hostNetwork: false\n', jupyter) },
    {
      name: 'an Istio ingress gateway on the host network is not an AI service',
      path: 'p.yaml',
      content: pod(
        '  hostNetwork: true\n',
        '  - name: istio-proxy\n    image: docker.io/istio/proxyv2:1.22.1\n    args: [proxy, router]\n',
      ),
    },
    {
      name: 'host network for a non-AI container',
      path: 'p.yaml',
      content: pod('  hostNetwork: true\n', '  - name: dns\n    image: coredns/coredns:1.11.1\n'),
    },
    {
      name: 'vLLM with an API key on the host network',
      path: 'p.yaml',
      content: pod('  hostNetwork: true\n', '  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    args: [--api-key, k]\n'),
    },
    {
      name: 'hostPort on a non-AI port',
      path: 'p.yaml',
      content: pod('', jupyter + '    ports: [{containerPort: 9100, hostPort: 9100}]\n'),
    },
  ],
  invalid: [
    {
      name: 'Jupyter without a token on the host network',
      path: 'p.yaml',
      content: pod('  hostNetwork: true\n', jupyter),
      findings: [
        {
          startLine: 6,
          startColumn: 3,
          endLine: 6,
          endColumn: 20,
          severity: 'critical',
          objectPath: '/spec/hostNetwork',
          message:
            "Pod 'p' runs on the host network: Jupyter notebook server (runs code) on port 8888 of Pod 'p' (authentication off: --ServerApp.token='' disables the token and no password is set) listens on the node's address",
        },
      ],
    },
    {
      name: 'hostPort on the vLLM port',
      path: 'p.yaml',
      content: pod('', '  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    ports:\n    - {containerPort: 8000, hostPort: 80}\n'),
      findings: [
        {
          startLine: 10,
          startColumn: 29,
          endLine: 10,
          endColumn: 41,
          severity: 'high',
          objectPath: '/spec/containers/0/ports/0/hostPort',
          message: /^Container 'vllm' publishes vLLM OpenAI-compatible inference API on port 8000 .* on host port 80$/,
        },
      ],
    },
    {
      name: 'KubeRay head group on the host network',
      path: 'ray.yaml',
      content:
        'apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: rc\nspec:\n  headGroupSpec:\n    template:\n      spec:\n        hostNetwork: true\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.9.0\n',
      findings: [
        {
          startLine: 9,
          startColumn: 9,
          endLine: 9,
          endColumn: 26,
          severity: 'critical',
          message: /^RayCluster 'rc' \(head group\) runs on the host network: Ray dashboard and Jobs API/,
        },
      ],
    },
    {
      name: 'a Deployment an AppWrapper wraps, named as itself and its wrapper',
      path: 'aw.yaml',
      content: `apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: aw}
spec:
  components:
  - template:
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: vllm}
      spec:
        template:
          spec:
            hostNetwork: true
            containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.3
`,
      findings: [
        {
          startLine: 13,
          startColumn: 13,
          endLine: 13,
          endColumn: 30,
          severity: 'high',
          objectPath: '/spec/components/0/template/spec/template/spec/hostNetwork',
          message:
            "Deployment 'vllm' in AppWrapper 'aw' runs on the host network: vLLM OpenAI-compatible inference API on port 8000 of Deployment 'vllm' in AppWrapper 'aw' (authentication off: started without --api-key or VLLM_API_KEY: anyone who reaches the port can use the model) listens on the node's address",
        },
      ],
    },
  ],
});
