import { defineRule } from '../../core/rule.js';

/** Reported by the engine itself when an inline comment or annotation suppresses without a reason. */
export default defineRule({
  meta: {
    id: 'SAN-0001',
    slug: 'suppression-without-reason',
    title: 'Suppression without a reason',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: [],
    frameworks: [],
    rationale:
      'A suppression hides a finding from every later reader. Without a reason nobody can tell whether the risk was accepted on purpose, or whether it still holds.',
    remediation: 'Add `reason="…"` to the `sanctum:ignore` comment, or `ID: reason` to the `sanctum.dev/ignore` annotation.',
    references: ['docs/suppression.md'],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      # sanctum:ignore K8S-0003\n      privileged: true\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      # sanctum:ignore K8S-0003 reason="the GPU operator needs it"\n      privileged: true\n',
        },
      ],
    },
  },
  check() {},
});
