import { testRule } from '../../testing/rule-tester.js';
import rule from './ai-service-ingress-without-auth.js';

const backend = (container: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  template:
    metadata:
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
  - {name: web, port: 80, targetPort: 8888}
---
`;
const jupyter = `      - name: nb
        image: quay.io/jupyter/base-notebook:2024-10-07
        args: [start-notebook.py, "--ServerApp.token=''"]
`;
const ingress = (annotations: string, backendYaml = '          service: {name: ai, port: {name: web}}') => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: nb
${annotations}spec:
  tls: [{hosts: [nb.example.com], secretName: nb-tls}]
  rules:
  - host: nb.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
${backendYaml}
`;

testRule(rule, {
  valid: [
    {
      name: 'an Ingress alone, to an ordinary Service outside the scan',
      path: 'a.yaml',
      content: ingress('', '          service: {name: shop, port: {number: 80}}'),
    },
    {
      name: 'an Ingress to a Service outside the scan named like a KServe transformer (csv-transformer): the name alone is no KServe mark',
      path: 'a.yaml',
      content: ingress('', '          service: {name: csv-transformer, port: {number: 80}}'),
    },
    {
      name: 'oauth2-proxy through nginx auth-url',
      path: 'a.yaml',
      content:
        backend(jupyter) + ingress('  annotations:\n    nginx.ingress.kubernetes.io/auth-url: "https://oauth2.example.com/oauth2/auth"\n'),
    },
    {
      name: 'basic auth',
      path: 'a.yaml',
      content:
        backend(jupyter) +
        ingress(
          '  annotations:\n    nginx.ingress.kubernetes.io/auth-type: basic\n    nginx.ingress.kubernetes.io/auth-secret: nb-users\n',
        ),
    },
    {
      name: 'Traefik middleware',
      path: 'a.yaml',
      content:
        backend(jupyter) + ingress('  annotations:\n    traefik.ingress.kubernetes.io/router.middlewares: auth-forward@kubernetescrd\n'),
    },
    {
      name: 'Jupyter with a token',
      path: 'a.yaml',
      content: backend(jupyter.replace("--ServerApp.token=''", '--ServerApp.token=$(TOKEN)')) + ingress(''),
    },
    {
      name: 'backend Service not in the scan',
      path: 'a.yaml',
      content: backend(jupyter) + ingress('', '          service: {name: other, port: {number: 80}}'),
    },
    {
      name: 'ALB with Cognito',
      path: 'a.yaml',
      content: backend(jupyter) + ingress('  annotations:\n    alb.ingress.kubernetes.io/auth-type: cognito\n'),
    },
    {
      name: 'Istio ingress class with RequestAuthentication',
      path: 'a.yaml',
      content:
        backend(jupyter) +
        ingress('  annotations:\n    kubernetes.io/ingress.class: istio\n') +
        '---\napiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: jwt\nspec:\n  jwtRules: [{issuer: "https://id.example.com"}]\n',
    },
    { name: 'a plain web app', path: 'a.yaml', content: backend('      - name: web\n        image: nginx:1.27\n') + ingress('') },
  ],
  invalid: [
    {
      name: "zero-to-jupyterhub's ingress to proxy-public, the hub Secret's values.yaml setting authenticator_class dummy without a password",
      path: 'jhub.yaml',
      content: `apiVersion: v1
kind: Secret
metadata: {name: hub, namespace: jhub}
data:
  values.yaml: ${Buffer.from('hub:\n  config:\n    JupyterHub:\n      authenticator_class: dummy\n').toString('base64')}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: proxy, namespace: jhub}
spec:
  template:
    metadata:
      labels: {component: proxy}
    spec:
      containers:
      - name: chp
        image: quay.io/jupyterhub/configurable-http-proxy:4.6.3
        command: [configurable-http-proxy, --port=8000, --api-port=8001]
        ports: [{containerPort: 8000, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: proxy-public, namespace: jhub}
spec:
  selector: {component: proxy}
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
          startLine: 38,
          startColumn: 9,
          endLine: 39,
          endColumn: 60,
          severity: 'critical',
          message: /JupyterHub proxy .*authentication off/,
        },
      ],
    },
    {
      name: 'an Ingress alone, to an Ollama Service the scan does not hold',
      path: 'a.yaml',
      content: ingress('', '          service: {name: ollama, port: {number: 11434}}'),
      findings: [
        {
          startLine: 13,
          startColumn: 9,
          endLine: 14,
          endColumn: 57,
          severity: 'critical',
          message:
            "Ingress 'nb' (host nb.example.com) publishes Ollama API (pull, create and delete models) on port 11434 of the pods behind Service 'ollama' (not in the scan; recognised by port 11434) (authentication off: Ollama has no authentication) with no authentication annotation",
        },
      ],
    },
    {
      name: 'a Service whose MLflow pods come from another chart',
      path: 'a.yaml',
      content:
        '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: tracking\nspec:\n  selector: {app.kubernetes.io/name: mlflow}\n  ports:\n  - {name: web, port: 80, targetPort: 5000}\n---\n' +
        ingress('', '          service: {name: tracking, port: {name: web}}'),
      findings: [
        {
          startLine: 23,
          startColumn: 9,
          endLine: 24,
          endColumn: 55,
          severity: 'medium',
          message:
            /MLflow tracking server and model registry on port 5000 of the pods behind Service 'tracking' \(not in the scan; recognised by selector app.kubernetes.io\/name: mlflow\)/,
        },
      ],
    },
    {
      name: 'Jupyter without a token, port by name',
      path: 'a.yaml',
      content: backend(jupyter) + ingress(''),
      findings: [
        {
          startLine: 36,
          startColumn: 9,
          endLine: 37,
          endColumn: 49,
          severity: 'critical',
          objectPath: '/spec/rules/0/http/paths/0/backend',
          message:
            "Ingress 'nb' (host nb.example.com) publishes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: --ServerApp.token='' disables the token and no password is set) with no authentication annotation",
        },
      ],
    },
    {
      name: 'old extensions/v1beta1 default backend to Ollama',
      path: 'a.yaml',
      content:
        backend('      - name: ollama\n        image: ollama/ollama:0.3.12\n').replace('targetPort: 8888', 'targetPort: 11434') +
        'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: ollama\nspec:\n  backend:\n    serviceName: ai\n    servicePort: 80\n',
      findings: [
        {
          startLine: 28,
          startColumn: 3,
          endLine: 30,
          endColumn: 20,
          severity: 'critical',
          objectPath: '/spec/backend',
          message: /^Ingress 'ollama' publishes Ollama API/,
        },
      ],
    },
    {
      name: 'Istio ingress class without any Istio authentication',
      path: 'a.yaml',
      content: backend(jupyter) + ingress('  annotations:\n    kubernetes.io/ingress.class: istio\n'),
      findings: [{ startLine: 38, startColumn: 9, endLine: 39, endColumn: 49, severity: 'critical' }],
    },
    {
      name: 'ALB with an auth type that is not authentication',
      path: 'a.yaml',
      content: backend(jupyter) + ingress('  annotations:\n    alb.ingress.kubernetes.io/auth-type: none\n'),
      findings: [{ startLine: 38, startColumn: 9, endLine: 39, endColumn: 49, severity: 'critical' }],
    },
    {
      name: 'Gradio app whose auth is not visible',
      path: 'a.yaml',
      content:
        backend(
          '      - name: demo\n        image: myorg/demo:1\n        env: [{name: GRADIO_SERVER_NAME, value: 0.0.0.0}, {name: GRADIO_SERVER_PORT, value: "8888"}]\n',
        ) + ingress(''),
      findings: [
        {
          startLine: 36,
          startColumn: 9,
          endLine: 37,
          endColumn: 49,
          severity: 'medium',
          message: /Gradio app on port 8888 .*authentication not visible/,
        },
      ],
    },
  ],
});
