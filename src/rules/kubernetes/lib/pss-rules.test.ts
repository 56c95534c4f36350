import { describe, expect, it } from 'vitest';
import { allRules } from '../../index.js';
import { runRule } from '../../../testing/rule-tester.js';

/** The Pod Security Standards rules: K8S-0001…0019, one per Pod Security Admission check. */
const PSS_RULES = allRules.filter((r) => /^K8S-00(0\d|1\d)$/.test(r.meta.id));

describe('Pod Security Standards rules', () => {
  it('are the 19 checks, one rule each', () => {
    expect(PSS_RULES.map((r) => r.meta.id).sort()).toEqual(Array.from({ length: 19 }, (_, i) => `K8S-${String(i + 1).padStart(4, '0')}`));
    const controls = PSS_RULES.map((r) => r.meta.frameworks.filter((f) => f.id === 'pss'));
    expect(controls.every((c) => c.length === 1)).toBe(true);
    expect(new Set(controls.map((c) => c[0].control)).size).toBe(19);
  });

  it('take malformed pod specs without throwing', () => {
    const specs = [
      'containers: "app"\nvolumes: 3\nsecurityContext: []\nos: windows',
      'containers:\n- null\n- 42\n- name: a\n  securityContext: "x"\n  ports: [null, 1, {hostPort: "80"}]\n  lifecycle: []\n  livenessProbe: {httpGet: []}',
      'containers:\n- name: a\n  securityContext:\n    capabilities: {add: SYS_ADMIN, drop: ALL}\n    seLinuxOptions: []\n    seccompProfile: RuntimeDefault\n    appArmorProfile: 3\n    windowsOptions: []\nsecurityContext:\n  sysctls: [null, {name: [1]}]\n  seccompProfile: []\nvolumes: [null, {hostPath: null}, {nfs: {}}]\nhostUsers: "false"',
    ];
    for (const spec of specs) {
      const content = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: [1]\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
      for (const rule of PSS_RULES) expect(runRule(rule, { path: 'pod.yaml', content }).errors, `${rule.meta.id} on ${spec}`).toEqual([]);
    }
  });

  for (const rule of PSS_RULES) {
    describe(`${rule.meta.id} ${rule.meta.slug}`, () => {
      it('applies to every pod spec', () => {
        expect(rule.meta.appliesTo).toEqual(['k8s-pod']);
        expect(rule.meta.references.every((u) => u.startsWith('https://'))).toBe(true);
      });

      it('reports its bad examples and not its good ones', () => {
        for (const ex of rule.meta.examples.bad) {
          const { findings, errors } = runRule(rule, ex);
          expect(errors).toEqual([]);
          expect(findings.length).toBeGreaterThan(0);
          if (rule.meta.fixable) expect(findings.every((f) => f.fix && f.fix.edits.length > 0)).toBe(true);
        }
        for (const ex of rule.meta.examples.good) expect(runRule(rule, ex).findings).toEqual([]);
      });
    });
  }
});
