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

testRule(rule, {
  valid: [
    { name: 'SecurityPolicy on the route', path: 'a.yaml', content: backend(VLLM) + route() + securityPolicy('{group: gateway.networking.k8s.io, kind: HTTPRoute, name: llm}') },
    { name: 'SecurityPolicy on the Gateway', path: 'a.yaml', content: backend(VLLM) + route() + securityPolicy('{group: gateway.networking.k8s.io, kind: Gateway, name: public}') },
    { name: 'ExtensionRef filter', path: 'a.yaml', content: backend(VLLM) + route('    filters:\n    - type: ExtensionRef\n      extensionRef: {group: traefik.io, kind: Middleware, name: forward-auth}\n') },
    { name: 'Kong plugins', path: 'a.yaml', content: backend(VLLM) + route('', '  annotations:\n    konghq.com/plugins: oidc\n') },
    { name: 'vLLM with an API key', path: 'a.yaml', content: backend(VLLM + '    args: [--api-key, $(KEY)]\n') + route() },
    { name: 'backend that is not a Service', path: 'a.yaml', content: backend(VLLM) + route().replace('{name: ai, port: 80}', '{group: inference.networking.x-k8s.io, kind: InferencePool, name: ai}') },
  ],
  invalid: [
    {
      name: 'vLLM without an API key, no auth on the route',
      path: 'a.yaml',
      content: backend(VLLM) + route(),
      findings: [
        {
          startLine: 28, startColumn: 7, endLine: 28, endColumn: 27,
          severity: 'high',
          objectPath: '/spec/rules/0/backendRefs/0',
          message: /^HTTPRoute 'llm' publishes vLLM OpenAI-compatible inference API on port 8000 of Pod 'app' \(authentication off: .*\) with no authentication on the route or its Gateway$/,
        },
      ],
    },
    {
      name: 'SecurityPolicy without an authentication method, on another route',
      path: 'a.yaml',
      content: backend(VLLM) + route() + securityPolicy('{group: gateway.networking.k8s.io, kind: HTTPRoute, name: other}') + '---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: SecurityPolicy\nmetadata:\n  name: cors\nspec:\n  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: llm}]\n  cors: {allowOrigins: ["*"]}\n',
      findings: [{ startLine: 28, startColumn: 7, endLine: 28, endColumn: 27 }],
    },
    {
      name: 'GRPCRoute to Triton',
      path: 'a.yaml',
      content: backend('  - name: triton\n    image: nvcr.io/nvidia/tritonserver:24.08-py3\n    args: [tritonserver, --grpc-port=8000, --http-port=8080]\n') + route('', '', 'GRPCRoute'),
      findings: [{ startLine: 29, startColumn: 7, endLine: 29, endColumn: 27, severity: 'high', message: /^GRPCRoute 'llm' publishes Triton Inference Server gRPC API on port 8000/ }],
    },
  ],
});
