import { defineRule } from '../../core/rule.js';
import type { ObjectPath } from '../../core/types.js';
import type { K8sObjectDocument, K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import {
  ingressBackends,
  isIngress,
  networkIndex,
  reachOfBackend,
  tlsCovers,
  type IngressBackend,
  type NetworkIndex,
} from './lib/network.js';

const INGRESS = (tls: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: shop\nspec:\n  ingressClassName: nginx\n${tls}  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service: {name: shop, port: {number: 80}}\n`;

/** True when K8S-0152 reports this backend already (it reaches an AI service, and says so with more weight). */
function reachesAiService(idx: NetworkIndex, ingress: K8sObjectDocument, b: IngressBackend): boolean {
  return reachOfBackend(idx, ingress, b).some((r) => r.port.impact !== 'info');
}

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0156',
    slug: 'ingress-without-tls',
    title: 'Ingress serves a host without TLS',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [{ id: 'nsa-cisa', control: 'network-separation' }],
    rationale:
      'An Ingress rule whose host no `tls` entry covers is served over plain HTTP: cookies, tokens and whatever the application exchanges cross the network in clear text and can be read or altered on the way. Ingresses whose load balancer holds the certificate (`alb.ingress.kubernetes.io/certificate-arn`, `ingress.gcp.kubernetes.io/pre-shared-cert`, `networking.gke.io/managed-certificates`, `appgw.ingress.kubernetes.io/appgw-ssl-certificate`) are not reported. Hosts that reach an AI service are reported by K8S-0152 with a higher severity instead.',
    remediation:
      'Add a `tls` entry listing the host with a certificate Secret (cert-manager issues and renews one from an `cert-manager.io/cluster-issuer` annotation), and keep the controller\u2019s HTTP-to-HTTPS redirect on.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/ingress/#tls', 'https://cert-manager.io/docs/usage/ingress/'],
    examples: {
      bad: [{ path: 'ingress.yaml', content: INGRESS('') }],
      good: [{ path: 'ingress.yaml', content: INGRESS('  tls:\n  - hosts: [shop.example.com]\n    secretName: shop-tls\n') }],
    },
  },
  check(set, ctx) {
    const idx = networkIndex(set);
    for (const ing of set.ofKind('Ingress')) {
      if (!isIngress(ing)) continue;
      const backends = ingressBackends(ing);
      // One finding per host (or per default backend), not per path.
      const groups = new Map<string, { at: ObjectPath; host: string | undefined; backends: IngressBackend[] }>();
      for (const b of backends) {
        const rule = b.path[1] === 'rules' ? (b.path[2] as number) : undefined;
        const key = rule === undefined ? b.path.join('/') : `rules/${rule}`;
        const at: ObjectPath =
          rule === undefined ? b.path : b.host !== undefined ? ['spec', 'rules', rule, 'host'] : ['spec', 'rules', rule];
        const g = groups.get(key) ?? { at, host: b.host, backends: [] };
        g.backends.push(b);
        groups.set(key, g);
      }
      for (const g of groups.values()) {
        if (tlsCovers(ing, g.host)) continue;
        if (g.backends.some((b) => reachesAiService(idx, ing, b))) continue;
        ctx.report({
          doc: ing,
          at: g.at,
          message: `Ingress '${ing.name}' serves ${g.host !== undefined ? `host ${g.host}` : 'every host'} over plain HTTP: no tls entry covers it`,
        });
      }
    }
  },
});
