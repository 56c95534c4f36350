import { testRule } from '../../testing/rule-tester.js';
import rule from './ingress-without-tls.js';

const ingress = (spec: string, annotations = '') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
${annotations}spec:
${spec}`;
const rule0 = (host: string) => `  - host: ${host}
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: web, port: {number: 80}}
      - path: /api
        pathType: Prefix
        backend:
          service: {name: api, port: {number: 80}}
`;
const vllm = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm
spec:
  selector: {matchLabels: {app: llm}}
  template:
    metadata: {labels: {app: llm}}
    spec:
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.6.3
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: llm}
  ports:
  - {port: 80, targetPort: 8000}
---
`;

testRule(rule, {
  valid: [
    {
      name: 'tls covers the host',
      path: 'ing.yaml',
      content: ingress(`  tls:\n  - hosts: [shop.example.com]\n    secretName: t\n  rules:\n${rule0('shop.example.com')}`),
    },
    {
      name: 'a wildcard certificate',
      path: 'ing.yaml',
      content: ingress(`  tls:\n  - hosts: ['*.example.com']\n  rules:\n${rule0('shop.example.com')}`),
    },
    {
      name: 'a tls entry without hosts covers every host',
      path: 'ing.yaml',
      content: ingress(`  tls:\n  - secretName: t\n  rules:\n${rule0('shop.example.com')}`),
    },
    {
      name: 'the ALB terminates TLS',
      path: 'ing.yaml',
      content: ingress(
        `  rules:\n${rule0('shop.example.com')}`,
        '  annotations:\n    alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:1:certificate/x\n',
      ),
    },
    {
      name: 'an AI service is K8S-0152\u2019s finding',
      path: 'ing.yaml',
      content: vllm + ingress(`  rules:\n${rule0('llm.example.com')}`),
    },
  ],
  invalid: [
    {
      name: 'one finding per host, on the host',
      path: 'ing.yaml',
      content: ingress(`  rules:\n${rule0('shop.example.com')}`),
      findings: [
        {
          startLine: 7,
          startColumn: 5,
          endLine: 7,
          endColumn: 27,
          message: "Ingress 'web' serves host shop.example.com over plain HTTP: no tls entry covers it",
          objectPath: '/spec/rules/0/host',
          severity: 'low',
        },
      ],
    },
    {
      name: 'a host outside the certificate, and a rule without host',
      path: 'ing.yaml',
      content: ingress(
        `  tls:\n  - hosts: [a.example.com]\n  rules:\n${rule0('a.example.com')}${rule0('b.example.com')}  - http:\n      paths:\n      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}\n`,
      ),
      findings: [
        { startLine: 20, startColumn: 5, endLine: 20, endColumn: 24, message: /host b\.example\.com over plain HTTP/ },
        {
          startLine: 31,
          startColumn: 5,
          endLine: 33,
          endColumn: 89,
          message: "Ingress 'web' serves every host over plain HTTP: no tls entry covers it",
          objectPath: '/spec/rules/2',
        },
      ],
    },
    {
      name: 'a default backend',
      path: 'ing.yaml',
      content: ingress('  defaultBackend:\n    service: {name: web, port: {number: 80}}\n'),
      findings: [{ startLine: 6, startColumn: 3, endLine: 7, endColumn: 45, objectPath: '/spec/defaultBackend' }],
    },
  ],
});
