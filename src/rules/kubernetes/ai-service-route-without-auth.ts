import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import {
  describeReach,
  isGatewayRoute,
  lower,
  networkIndex,
  reachOfRouteBackend,
  routeAuth,
  routeBackends,
  routeOnInternalGateways,
  worstReach,
} from './lib/network.js';

const BACKEND =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ollama\n  namespace: llm\nspec:\n  selector:\n    matchLabels: {app: ollama}\n  template:\n    metadata:\n      labels: {app: ollama}\n    spec:\n      containers:\n      - name: ollama\n        image: ollama/ollama:0.3.12\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: ollama\n  namespace: llm\nspec:\n  selector: {app: ollama}\n  ports:\n  - {port: 11434}\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ollama\n  namespace: llm\nspec:\n  parentRefs: [{name: public, namespace: gateway}]\n  hostnames: [llm.example.com]\n  rules:\n  - backendRefs:\n    - {name: ollama, port: 11434}\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0155',
    slug: 'ai-service-route-without-auth',
    title: 'Gateway API route publishes an AI service without authentication',
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
      'An HTTPRoute or GRPCRoute attached to a Gateway publishes a Service the way an Ingress does, and inference gateways increasingly use the Gateway API. When the backend is an AI service whose own authentication is off and nothing on the route authenticates, anyone who reaches the Gateway can run code, use the model or read its data. The rule follows each backendRef to the Service and its pods, or to an InferencePool of the Gateway API Inference Extension and the model servers its selector picks (a pool whose model servers are not in the scan is still an inference API, with authentication not visible); a Service whose pods are not in the scan is recognised from the Service itself. Routes whose Gateways are all internal (an internal class such as `gke-l7-rilb`, or an internal load balancer annotation) are one level lower. It it accepts an Envoy Gateway SecurityPolicy (basicAuth, jwt, oidc, extAuth, apiKeyAuth) targeting the route or its Gateway, an ExtensionRef filter on the rule (Traefik middlewares, Kong plugins and similar), the `konghq.com/plugins` annotation, or Istio request authentication in the scan.',
    remediation:
      'Attach authentication to the route or its Gateway (an Envoy Gateway SecurityPolicy with oidc or extAuth through oauth2-proxy, an Istio RequestAuthentication with an AuthorizationPolicy, your gateway\u2019s auth filter), and enable the service\u2019s own authentication (`--api-key`, a Jupyter token, `--app-name basic-auth`).',
    references: [
      'https://gateway-api.sigs.k8s.io/api-types/httproute/',
      'https://gateway.envoyproxy.io/docs/tasks/security/oidc/',
      'https://atlas.mitre.org/techniques/AML.T0049',
    ],
    examples: {
      bad: [{ path: 'ollama.yaml', content: BACKEND }],
      good: [
        {
          path: 'ollama.yaml',
          content:
            BACKEND +
            '---\napiVersion: gateway.envoyproxy.io/v1alpha1\nkind: SecurityPolicy\nmetadata:\n  name: oidc\n  namespace: llm\nspec:\n  targetRefs: [{group: gateway.networking.k8s.io, kind: HTTPRoute, name: ollama}]\n  oidc:\n    provider: {issuer: "https://id.example.com"}\n    clientID: ollama\n    clientSecret: {name: ollama-oidc}\n',
        },
      ],
    },
  },
  check(set, ctx) {
    const idx = networkIndex(set);
    for (const route of set.ofKind('HTTPRoute', 'GRPCRoute')) {
      if (!isGatewayRoute(route)) continue;
      for (const b of routeBackends(route)) {
        if (routeAuth(idx, route, b.rule)) continue;
        const worst = worstReach(reachOfRouteBackend(idx, b));
        if (!worst) continue;
        const internal = routeOnInternalGateways(idx, route);
        ctx.report({
          doc: route,
          at: b.path,
          severity: internal ? lower(worst.severity) : worst.severity,
          message: `${route.resource.kind} '${route.name}' publishes ${describeReach(worst.reach)} with no authentication on the route or its Gateway${internal ? ' (internal Gateway)' : ''}`,
        });
      }
    }
  },
});
