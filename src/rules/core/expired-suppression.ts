import { defineRule } from '../../core/rule.js';

/** Reported by the engine itself when a suppression's `expires` date has passed. */
export default defineRule({
  meta: {
    id: 'SAN-0002',
    slug: 'expired-suppression',
    title: 'Expired suppression',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: [],
    frameworks: [],
    rationale:
      'An accepted risk is accepted for a time. Once the date has passed the finding is reported again, and the stale suppression is reported so that it is renewed or removed.',
    remediation: 'Fix the finding and remove the suppression, or set a new `expires=` date with a reason.',
    references: ['docs/suppression.md'],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      # sanctum:ignore K8S-0003 reason="temporary" expires=2020-01-31\n      privileged: true\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      # sanctum:ignore K8S-0003 reason="temporary" expires=2999-01-31\n      privileged: true\n',
        },
      ],
    },
  },
  check() {},
});
