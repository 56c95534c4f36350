import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { describeReach, ingressAuth, ingressBackends, isIngress, networkIndex, reachOfBackend, worstReach } from './lib/network.js';

const DEPLOY =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: mlflow\nspec:\n  selector:\n    matchLabels: {app: mlflow}\n  template:\n    metadata:\n      labels: {app: mlflow}\n    spec:\n      containers:\n      - name: mlflow\n        image: ghcr.io/mlflow/mlflow:v2.16.2\n        command: [mlflow, server, --host, 0.0.0.0, --port, '5000']\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: mlflow\nspec:\n  selector: {app: mlflow}\n  ports:\n  - {name: http, port: 80, targetPort: 5000}\n---\n";
const INGRESS = (annotations: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: mlflow\n${annotations}spec:\n  ingressClassName: nginx\n  tls: [{hosts: [mlflow.example.com], secretName: mlflow-tls}]\n  rules:\n  - host: mlflow.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: mlflow, port: {name: http}}\n`;

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0151',
    slug: 'ai-service-ingress-without-auth',
    title: 'Ingress publishes an AI service without authentication',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'nsa-cisa', control: 'authentication-authorization' },
      { id: 'mitre-atlas', control: 'AML.T0049' },
      { id: 'mitre-atlas', control: 'AML.T0040' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      'An Ingress publishes a Service on the controller\u2019s public address. When the backend is an AI service whose own authentication is off (Jupyter without a token, MLflow without basic-auth, Ray, Ollama, a model server without `--api-key`) and the Ingress adds none, anyone on the internet can run code, read experiments and artifacts, or spend the GPUs. The rule follows each backend (service name and port) to the Service and its pods, and accepts authentication from the ingress controller (nginx `auth-url`/`auth-type`, oauth2-proxy, Traefik middlewares, Kong plugins, ALB Cognito/OIDC, client certificates, Istio RequestAuthentication) or from the service itself.',
    remediation:
      'Put authentication in front of the service: with ingress-nginx, `nginx.ingress.kubernetes.io/auth-url` and `auth-signin` pointing at oauth2-proxy (or `auth-type: basic` with `auth-secret`); with Traefik a ForwardAuth middleware; with Istio a RequestAuthentication and an AuthorizationPolicy. Enable the service\u2019s own authentication too (`--api-key`, a Jupyter token, `--app-name basic-auth`).',
    references: [
      'https://kubernetes.github.io/ingress-nginx/examples/auth/oauth-external-auth/',
      'https://oauth2-proxy.github.io/oauth2-proxy/configuration/integrations/nginx',
      'https://doc.traefik.io/traefik/middlewares/http/forwardauth/',
      'https://mlflow.org/docs/latest/self-hosting/security/basic-http-auth',
      'https://atlas.mitre.org/techniques/AML.T0049',
    ],
    examples: {
      bad: [{ path: 'mlflow.yaml', content: DEPLOY + INGRESS('') }],
      good: [
        {
          path: 'mlflow.yaml',
          content:
            DEPLOY +
            INGRESS(
              '  annotations:\n    nginx.ingress.kubernetes.io/auth-url: "https://oauth2.example.com/oauth2/auth"\n    nginx.ingress.kubernetes.io/auth-signin: "https://oauth2.example.com/oauth2/start?rd=$escaped_request_uri"\n',
            ),
        },
      ],
    },
  },
  check(set, ctx) {
    const idx = networkIndex(set);
    for (const ing of set.ofKind('Ingress')) {
      if (!isIngress(ing) || ingressAuth(idx, ing)) continue;
      for (const b of ingressBackends(ing)) {
        const worst = worstReach(reachOfBackend(idx, ing, b));
        if (!worst) continue;
        ctx.report({
          doc: ing,
          at: b.path,
          severity: worst.severity,
          message: `Ingress '${ing.name}'${b.host ? ` (host ${b.host})` : ''} publishes ${describeReach(worst.reach)} with no authentication annotation`,
        });
      }
    }
  },
});
