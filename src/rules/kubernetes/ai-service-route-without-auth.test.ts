import { testRule } from '../../testing/rule-tester.js';
import rule from './ai-service-route-without-auth.js';

const backend = (container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: app
  labels: {app: ai}
spec:
  containers:
${container}---
apiVersion: v1
kind: Service
metadata:
  name: ai
spec:
  selector: {app: ai}
  ports:
  - {name: http, port: 80, targetPort: 8000}
---
`;
const VLLM = '  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n';
const route = (extra = '', annotations = '', kind = 'HTTPRoute') => `apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata:
  name: llm
${annotations}spec:
  parentRefs: [{name: public}]
  rules:
  - backendRefs:
    - {name: ai, port: 80}
${extra}`;
const securityPolicy = (target: string, auth = '  jwt:\n    providers: [{name: id, remoteJWKS: {uri: "https://id.example.com/jwks"}}]\n') =>
  `---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: SecurityPolicy\nmetadata:\n  name: auth\nspec:\n  targetRefs: [${target}]\n${auth}`;

const POOL = `apiVersion: inference.networking.k8s.io/v1
kind: InferencePool
metadata:
  name: ai
spec:
  selector:
    matchLabels: {app: ai}
  targetPorts: [{number: 8000}]
  endpointPickerRef: {name: ai-epp, port: {number: 9002}}
---
`;
const GATEWAY = (cls: string) =>
  `---\napiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata:\n  name: public\nspec:\n  gatewayClassName: ${cls}\n  listeners: [{name: http, protocol: HTTP, port: 80}]\n`;

testRule(rule, {
  valid: [
    {
      name: 'SecurityPolicy on the route',
      path: 'a.yaml',
      content: backend(VLLM) + route() + securityPolicy('{group: gateway.networking.k8s.io, kind: HTTPRoute, name: llm}'),
    },
    {
      name: 'SecurityPolicy on the Gateway',
      path: 'a.yaml',
      content: backend(VLLM) + route() + securityPolicy('{group: gateway.networking.k8s.io, kind: Gateway, name: public}'),
    },
    {
      name: 'ExtensionRef filter',
      path: 'a.yaml',
      content:
        backend(VLLM) +
        route('    filters:\n    - type: ExtensionRef\n      extensionRef: {group: traefik.io, kind: Middleware, name: forward-auth}\n'),
    },
    { name: 'Kong plugins', path: 'a.yaml', content: backend(VLLM) + route('', '  annotations:\n    konghq.com/plugins: oidc\n') },
    { name: 'vLLM with an API key', path: 'a.yaml', content: backend(VLLM + '    args: [--api-key, $(KEY)]\n') + route() },
    {
      name: 'backend that is neither a Service nor an InferencePool',
      path: 'a.yaml',
      content: backend(VLLM) + route().replace('{name: ai, port: 80}', '{group: gateway.envoyproxy.io, kind: Backend, name: ai}'),
    },
    {
      name: 'an InferencePool whose model servers require an API key',
      path: 'a.yaml',
      content:
        backend(VLLM + '    args: [--api-key, $(KEY)]\n') +
        POOL +
        route().replace('{name: ai, port: 80}', '{group: inference.networking.k8s.io, kind: InferencePool, name: ai}'),
    },
  ],
  invalid: [
    {
      name: 'an InferencePool of vLLM servers without an API key',
      path: 'a.yaml',
      content:
        backend(VLLM) +
        POOL +
        route().replace('{name: ai, port: 80}', '{group: inference.networking.k8s.io, kind: InferencePool, name: ai}'),
      findings: [
        {
          startLine: 38,
          startColumn: 7,
          endLine: 38,
          endColumn: 74,
          severity: 'high',
          message:
            /^HTTPRoute 'llm' publishes vLLM OpenAI-compatible inference API on port 8000 of Pod 'app' \(authentication off: .*\) with no authentication on the route or its Gateway$/,
        },
      ],
    },
    {
      name: 'an InferencePool the scan does not hold (alpha API)',
      path: 'a.yaml',
      content: route().replace('{name: ai, port: 80}', '{group: inference.networking.x-k8s.io, kind: InferencePool, name: llama}'),
      findings: [
        {
          startLine: 9,
          startColumn: 7,
          endLine: 9,
          endColumn: 79,
          severity: 'medium',
          message:
            "HTTPRoute 'llm' publishes model servers inference API on port 8000 of InferencePool 'llama' (authentication not visible: model servers run without an API key unless one is configured; the InferencePool is not in the scan) with no authentication on the route or its Gateway",
        },
      ],
    },
    {
      name: 'on an internal Gateway one level lower',
      path: 'a.yaml',
      content: backend(VLLM) + route() + GATEWAY('gke-l7-rilb'),
      findings: [{ startLine: 28, startColumn: 7, endLine: 28, endColumn: 27, severity: 'medium', message: /\(internal Gateway\)$/ }],
    },
    {
      name: 'vLLM without an API key, no auth on the route',
      path: 'a.yaml',
      content: backend(VLLM) + route(),
      findings: [
        {
          startLine: 28,
          startColumn: 7,
          endLine: 28,
          endColumn: 27,
          severity: 'high',
          objectPath: '/spec/rules/0/backendRefs/0',
          message:
            /^HTTPRoute 'llm' publishes vLLM OpenAI-compatible inference API on port 8000 of Pod 'app' \(authentication off: .*\) with no authentication on the route or its Gateway$/,
        },
      ],
    },
    {
      name: 'SecurityPolicy without an authentication method, on another route',
      path: 'a.yaml',
      content:
        backend(VLLM) +
        route() +
        securityPolicy('{group: gateway.networking.k8s.io, kind: HTTPRoute, name: other}') +
        '---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: SecurityPolicy\nmetadata:\n  name: cors\nspec:\n  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: llm}]\n  cors: {allowOrigins: ["*"]}\n',
      findings: [{ startLine: 28, startColumn: 7, endLine: 28, endColumn: 27 }],
    },
    {
      name: 'GRPCRoute to Triton',
      path: 'a.yaml',
      content:
        backend(
          '  - name: triton\n    image: nvcr.io/nvidia/tritonserver:24.08-py3\n    args: [tritonserver, --grpc-port=8000, --http-port=8080]\n',
        ) + route('', '', 'GRPCRoute'),
      findings: [
        {
          startLine: 29,
          startColumn: 7,
          endLine: 29,
          endColumn: 27,
          severity: 'high',
          message: /^GRPCRoute 'llm' publishes Triton Inference Server gRPC API on port 8000/,
        },
      ],
    },
  ],
});
