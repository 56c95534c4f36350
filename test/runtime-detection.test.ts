import { describe, expect, it } from 'vitest';
import { auditScenario } from '../bench/audit-corpus.mjs';
import type { Finding } from '../src/core/types.js';
import { AuditSession } from '../src/runtime/session.js';

/**
 * Detection quality on a generated multi-hour audit log of an AI platform: kubelets, controllers,
 * the scheduler, CI, people, model servers, notebooks and a gateway at work, with thirteen attacks
 * embedded after the warm-up. Alerts are findings at high or critical.
 */
describe('detections on a six-hour audit log with attacks embedded', () => {
  const { lines, attacks } = auditScenario({ hours: 6, seed: 11, eventsPerHour: 4000 });
  const findings: Finding[] = [];
  const session = new AuditSession({ config: false, onFinding: (f) => findings.push(f) });
  session.lines(
    lines.map((text, i) => ({ text, number: i + 1 })),
    'audit.log',
  );
  const isAttack = (f: Finding) => attacks.has(f.location.event!.auditID);
  const alerts = findings.filter((f) => f.severity === 'high' || f.severity === 'critical');
  const caught = [...attacks.keys()].filter((id) => findings.some((f) => f.location.event!.auditID === id));
  const recall = caught.length / attacks.size;
  const precision = alerts.filter(isAttack).length / alerts.length;
  const precisionAll = findings.filter(isAttack).length / findings.length;

  it('judges every event, with nothing malformed', () => {
    expect(lines.length).toBeGreaterThan(24_000);
    expect(session.stats).toMatchObject({ lines: lines.length, malformed: 0, ruleErrors: 0 });
  });

  it(`catches every attack (recall ${recall.toFixed(2)}), each with the rules expected`, () => {
    for (const [id, rules] of attacks) {
      const got = findings.filter((f) => f.location.event!.auditID === id).map((f) => f.ruleId);
      for (const rule of rules) expect({ id, got }).toEqual({ id, got: expect.arrayContaining([rule]) });
    }
    expect(recall).toBe(1);
  });

  it(`raises few false alerts (precision ${precision.toFixed(3)} at high and above, ${precisionAll.toFixed(3)} at any severity)`, () => {
    // The benign traffic includes work worth a look (an SRE's shell, a port-forward to one's own notebook,
    // a pod deleted for the first time, a secret read by hand): those are the false alerts.
    const falseAlerts = alerts.filter((f) => !isAttack(f)).map((f) => f.ruleId);
    expect(new Set(falseAlerts)).toEqual(new Set(['RT-0015']));
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(precisionAll).toBeGreaterThanOrEqual(0.5);
  });
});
