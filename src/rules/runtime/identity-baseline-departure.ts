import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument, BaselineDimension } from '../../parsers/events/event-documents.js';
import { describeActor } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';

const NAMES: Readonly<Record<BaselineDimension, string>> = {
  verb: 'verb',
  resource: 'resource',
  namespace: 'namespace',
  sourceIP: 'source network',
  userAgent: 'client',
  rate: 'request rate',
};

const ci = (time: string, extra: Partial<Parameters<typeof auditEvent>[0]> = {}) =>
  auditEvent({
    verb: 'patch',
    resource: 'deployments',
    apiGroup: 'apps',
    namespace: 'shop',
    name: 'checkout',
    user: 'system:serviceaccount:ci:deployer',
    userAgent: 'argocd-application-controller/v2.12.3',
    sourceIPs: ['10.0.4.21'],
    time,
    ...extra,
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0026',
    slug: 'identity-baseline-departure',
    title: 'Identity departs from its learned behaviour',
    severity: 'medium',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0012' },
      { id: 'nsa-cisa', control: 'audit-logging' },
    ],
    rationale:
      "Each user and service account does the same few things: a CI deployer patches Deployments from its runner network with its one client, a model server's account reads nothing. Sanctum learns, per identity, the verbs, resources, namespaces, source networks (/24, /64), clients (user agent without version) and busiest hour during a warm-up (one hour of event time after the identity is first seen, or `--learn` over past events, kept with `--baselines FILE`). After it, a value the identity never used is reported once, with what the baseline held, and a rate four times its busiest hour too. Stolen credentials used from elsewhere, or for something else, look exactly like this.",
    remediation:
      "Confirm the change with the identity's owner; if expected, it is learned now and will not be reported again (keep the baselines file). If not, revoke the identity's tokens and review what it did.",
    references: ['https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/', 'https://atlas.mitre.org/techniques/AML.T0012'],
    examples: lazyExamples(() => ({
      bad: [
        auditLog(
          ci('2026-03-02T08:00:00.000000Z'),
          ci('2026-03-02T10:30:00.000000Z', {
            verb: 'list',
            resource: 'secrets',
            apiGroup: undefined,
            name: undefined,
            sourceIPs: ['203.0.113.77'],
            userAgent: 'curl/8.5.0',
          }),
        ),
      ],
      good: [auditLog(ci('2026-03-02T08:00:00.000000Z'), ci('2026-03-02T10:30:00.000000Z', { sourceIPs: ['10.0.4.99'] }))],
    })),
  },
  check(doc, ctx) {
    const departures = doc.facts.departures;
    if (!departures?.length) return;
    const parts = departures.map(
      (d) => `${NAMES[d.dimension]} ${d.dimension === 'rate' ? d.value : `'${d.value}'`} (baseline: ${d.baseline.join(', ') || 'none'})`,
    );
    const rateOnly = departures.every((d) => d.dimension === 'rate');
    ctx.report({
      at: ['user', 'username'],
      severity: departures.length >= 3 ? 'high' : rateOnly ? 'low' : 'medium',
      message: `${describeActor(doc)} used a new ${parts.join('; ')}`,
    });
  },
});
