import { testRule } from '../../testing/rule-tester.js';
import rule from './ai-service-ingress-without-tls.js';

const backend = (container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: llm
  labels: {app: llm}
spec:
  containers:
${container}---
apiVersion: v1
kind: Service
metadata:
  name: llm
spec:
  selector: {app: llm}
  ports:
  - {port: 8000}
---
`;
const vllm = (args: string) => `  - name: vllm
    image: vllm/vllm-openai:v0.6.3
    args: [${args}]
`;
const ingress = (tls: string, host = 'llm.example.com') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: llm
spec:
${tls}  rules:
  - host: ${host}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: llm, port: {number: 8000}}
`;

const gateway = (protocol: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: public
spec:
  gatewayClassName: eg
  listeners:
  - {name: web, protocol: ${protocol}, port: 80}
---
`;
const route = () => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: llm
spec:
  parentRefs: [{name: public}]
  rules:
  - backendRefs: [{name: llm, port: 8000}]
`;

testRule(rule, {
  valid: [
    {
      name: 'TLS for the host',
      path: 'a.yaml',
      content: backend(vllm('--api-key, k')) + ingress('  tls:\n  - hosts: [llm.example.com]\n    secretName: llm-tls\n'),
    },
    {
      name: 'TLS by wildcard',
      path: 'a.yaml',
      content: backend(vllm('--api-key, k')) + ingress('  tls:\n  - hosts: ["*.example.com"]\n    secretName: wild\n'),
    },
    {
      name: 'TLS entry without hosts',
      path: 'a.yaml',
      content: backend(vllm('--api-key, k')) + ingress('  tls:\n  - secretName: default\n'),
    },
    {
      name: 'plain web app',
      path: 'a.yaml',
      content: backend('  - name: web\n    image: nginx:1.27\n    ports: [{containerPort: 8000}]\n') + ingress(''),
    },
    { name: 'HTTPRoute on an HTTPS listener', path: 'a.yaml', content: backend(vllm('--api-key, k')) + gateway('HTTPS') + route() },
    { name: 'HTTPRoute whose Gateway is not in the scan', path: 'a.yaml', content: backend(vllm('--api-key, k')) + route() },
    {
      name: 'HTTPRoute on a Gateway with both listeners, no section',
      path: 'a.yaml',
      content:
        backend(vllm('--api-key, k')) +
        gateway('HTTP').replace('  listeners:\n', '  listeners:\n  - {name: https, protocol: HTTPS, port: 443}\n') +
        route(),
    },
  ],
  invalid: [
    {
      name: "an Ingress without TLS to zero-to-jupyterhub's proxy-public alone (a Service selecting the chart's proxy, its pods not in the scan): the JupyterHub proxy on 8000, taken to authenticate",
      path: 'jhub.yaml',
      content: `apiVersion: v1
kind: Service
metadata: {name: proxy-public, namespace: jhub}
spec:
  type: ClusterIP
  selector: {component: proxy, app: jupyterhub, release: jhub}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: jupyterhub, namespace: jhub}
spec:
  rules:
  - host: hub.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: proxy-public, port: {name: http}}
`,
      findings: [
        {
          startLine: 19,
          startColumn: 9,
          endLine: 20,
          endColumn: 60,
          message:
            "Ingress 'jupyterhub' serves host hub.example.com without TLS in front of JupyterHub proxy (the hub login, then notebook servers that run code) on port 8000 of zero-to-jupyterhub's proxy pods behind Service 'proxy-public' (not in the scan; recognised by selector component: proxy); its credentials travel in clear text",
        },
      ],
    },
    {
      name: 'vLLM with an API key over plain HTTP',
      path: 'a.yaml',
      content: backend(vllm('--api-key, k')) + ingress(''),
      findings: [
        {
          startLine: 32,
          startColumn: 9,
          endLine: 33,
          endColumn: 53,
          severity: 'high',
          message:
            "Ingress 'llm' serves host llm.example.com without TLS in front of vLLM OpenAI-compatible inference API on port 8000 of Pod 'llm'; its credentials travel in clear text",
        },
      ],
    },
    {
      name: 'wildcard does not cover a deeper host',
      path: 'a.yaml',
      content: backend(vllm('--model, m')) + ingress('  tls:\n  - hosts: ["*.example.com"]\n    secretName: wild\n', 'a.llm.example.com'),
      findings: [
        {
          startLine: 35,
          startColumn: 9,
          endLine: 36,
          endColumn: 53,
          severity: 'medium',
          message: /serves host a\.llm\.example\.com without TLS in front of vLLM/,
        },
      ],
    },
    {
      name: 'HTTPRoute on a plain HTTP listener',
      path: 'a.yaml',
      content: backend(vllm('--api-key, k')) + gateway('HTTP') + route(),
      findings: [
        {
          startLine: 37,
          startColumn: 19,
          endLine: 37,
          endColumn: 42,
          severity: 'high',
          message:
            "HTTPRoute 'llm' serves vLLM OpenAI-compatible inference API on port 8000 of Pod 'llm' over plain HTTP (listener 'web' of Gateway 'public'); its credentials travel in clear text",
        },
      ],
    },
    {
      name: 'default backend, no TLS',
      path: 'a.yaml',
      content:
        backend(vllm('--model, m')) +
        'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: llm\nspec:\n  defaultBackend:\n    service: {name: llm, port: {number: 8000}}\n',
      findings: [
        {
          startLine: 26,
          startColumn: 3,
          endLine: 27,
          endColumn: 47,
          severity: 'medium',
          message: /^Ingress 'llm' serves every host without TLS in front of vLLM/,
        },
      ],
    },
  ],
});
