import { defineRule } from '../../core/rule.js';
import type { K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import {
  ingressBackends,
  isGatewayRoute,
  isIngress,
  networkIndex,
  reachOfBackend,
  reachOfRouteBackend,
  reachOwner,
  routeBackends,
  routeListeners,
  tlsCovers,
  type Reach,
} from './lib/network.js';

const DEPLOY =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\nspec:\n  selector:\n    matchLabels: {app: vllm}\n  template:\n    metadata:\n      labels: {app: vllm}\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n        args: [--model, meta-llama/Llama-3.1-8B-Instruct, --api-key, $(VLLM_KEY)]\n        env: [{name: VLLM_KEY, valueFrom: {secretKeyRef: {name: vllm, key: key}}}]\n        ports: [{containerPort: 8000, name: http}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: vllm\nspec:\n  selector: {app: vllm}\n  ports:\n  - {port: 8000, targetPort: http}\n---\n';
const INGRESS = (tls: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: vllm\nspec:\n${tls}  rules:\n  - host: llm.example.com\n    http:\n      paths:\n      - path: /v1\n        pathType: Prefix\n        backend:\n          service: {name: vllm, port: {number: 8000}}\n`;

function describeTarget(r: Reach): string {
  return `${r.target.service.label} ${r.port.role} on port ${r.port.port} of ${reachOwner(r)}`;
}

function carriesSecrets(r: Reach): boolean {
  return r.target.service.auth !== 'off' && r.port.impact !== 'info';
}

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0152',
    slug: 'ai-service-ingress-without-tls',
    title: 'Ingress or HTTPRoute publishes an AI service without TLS',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'nsa-cisa', control: 'network-separation' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
      { id: 'owasp-llm-2025', control: 'LLM02' },
    ],
    rationale:
      'Without a `tls` entry for its host, an Ingress serves plain HTTP (as does an HTTPRoute whose Gateway listeners, in the scan, are all `protocol: HTTP`): API keys, notebook tokens and session cookies, prompts and completions, and uploaded datasets or models cross the network in clear text and can be read or altered on the way. The rule follows each backend to the Service and its pods and only reports hosts that reach an AI service. High when the service authenticates (its credentials travel in clear text), medium otherwise.',
    remediation:
      'Add a `tls` entry covering the host with a certificate Secret (for example issued by cert-manager), and redirect HTTP to HTTPS (ingress-nginx does so by default once TLS is configured). For the Gateway API, attach the route to an `HTTPS` listener with `tls.certificateRefs`.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
      'https://cert-manager.io/docs/usage/ingress/',
      'https://gateway-api.sigs.k8s.io/guides/tls/',
      'https://genai.owasp.org/llmrisk/llm022025-sensitive-information-disclosure/',
    ],
    examples: {
      bad: [{ path: 'vllm.yaml', content: DEPLOY + INGRESS('') }],
      good: [{ path: 'vllm.yaml', content: DEPLOY + INGRESS('  tls:\n  - hosts: [llm.example.com]\n    secretName: llm-tls\n') }],
    },
  },
  check(set, ctx) {
    const idx = networkIndex(set);
    for (const ing of set.ofKind('Ingress')) {
      if (!isIngress(ing)) continue;
      for (const b of ingressBackends(ing)) {
        if (tlsCovers(ing, b.host)) continue;
        const reaches = reachOfBackend(idx, ing, b).filter((r) => r.port.impact !== 'info');
        if (reaches.length === 0) continue;
        const r = reaches.find(carriesSecrets) ?? reaches[0];
        const secrets = carriesSecrets(r);
        ctx.report({
          doc: ing,
          at: b.path,
          severity: secrets ? 'high' : 'medium',
          message: `Ingress '${ing.name}' serves ${b.host ? `host ${b.host}` : 'every host'} without TLS in front of ${describeTarget(r)}${secrets ? '; its credentials travel in clear text' : ''}`,
        });
      }
    }
    for (const route of set.ofKind('HTTPRoute')) {
      if (!isGatewayRoute(route) || route.resource.kind !== 'HTTPRoute') continue;
      const listeners = routeListeners(idx, route);
      if (!listeners || listeners.some((l) => l.protocol !== 'HTTP')) continue;
      for (const b of routeBackends(route)) {
        const reaches = reachOfRouteBackend(idx, b).filter((r) => r.port.impact !== 'info');
        if (reaches.length === 0) continue;
        const r = reaches.find(carriesSecrets) ?? reaches[0];
        const secrets = carriesSecrets(r);
        const via = [...new Set(listeners.map((l) => `listener '${l.name}' of Gateway '${l.gateway}'`))].join(', ');
        ctx.report({
          doc: route,
          at: b.path,
          severity: secrets ? 'high' : 'medium',
          message: `HTTPRoute '${route.name}' serves ${describeTarget(r)} over plain HTTP (${via})${secrets ? '; its credentials travel in clear text' : ''}`,
        });
      }
    }
  },
});
