import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { auditEvent, auditLog } from './lib/examples.js';

/** Endpoints the API server serves to anyone by design (health and version probes). */
const PUBLIC_PATHS = /^\/(?:healthz|livez|readyz|version)(?:[/?]|$)|^\/\.well-known\/openid-configuration$|^\/openid\/v1\/jwks$/;

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0001',
    slug: 'anonymous-request-allowed',
    title: 'Anonymous request allowed by the API server',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.8' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
      { id: 'mitre-atlas', control: 'AML.T0049' },
    ],
    rationale:
      'A request from `system:anonymous` that the authorizer allowed means some RBAC binding grants rights to unauthenticated callers (a binding to `system:anonymous` or `system:unauthenticated`), so anyone who reaches the API server has them. Health and version endpoints (`/healthz`, `/livez`, `/readyz`, `/version`, OIDC discovery) are public by design and not reported; a request that was denied is the authorizer doing its job.',
    remediation:
      'Find the RoleBinding or ClusterRoleBinding whose subjects include `system:anonymous` or `system:unauthenticated` (`kubectl get clusterrolebindings -o wide`) and remove it; run the API server with `--anonymous-auth=false` or, on 1.32+, an authentication configuration that allows anonymous access only to health endpoints.',
    references: [
      'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests',
      'https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/',
    ],
    examples: lazyExamples(() => ({
      bad: [
        auditLog(
          auditEvent({
            verb: 'list',
            resource: 'pods',
            user: 'system:anonymous',
            groups: ['system:unauthenticated'],
            userAgent: 'curl/8.5.0',
          }),
        ),
      ],
      good: [
        auditLog(
          auditEvent({
            verb: 'get',
            user: 'system:anonymous',
            groups: ['system:unauthenticated'],
            requestURI: '/healthz',
            userAgent: 'kube-probe/1.30',
          }),
        ),
      ],
    })),
  },
  check(doc, ctx) {
    const ev = doc.audit;
    const anonymous = ev.user.username === 'system:anonymous' || (ev.user.groups ?? []).includes('system:unauthenticated');
    if (!anonymous || ev.annotations?.['authorization.k8s.io/decision'] !== 'allow') return;
    const uri = ev.requestURI ?? '';
    if (PUBLIC_PATHS.test(uri)) return;
    ctx.report({
      at: ['user', 'username'],
      message: `Unauthenticated request allowed: ${ev.verb} ${uri} from ${(ev.sourceIPs ?? []).join(', ') || 'an unknown address'}`,
      evidence: `${ev.verb} ${uri}`,
    });
  },
});
