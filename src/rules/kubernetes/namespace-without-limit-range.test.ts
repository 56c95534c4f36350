import { testRule } from '../../testing/rule-tester.js';
import rule from './namespace-without-limit-range.js';

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nb\n  namespace: notebooks\nspec:\n  containers:\n  - name: nb\n    image: quay.io/jupyter/base-notebook:2024-10-07\n';
const LR = (ns: string) =>
  `---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: lr\n  namespace: ${ns}\nspec:\n  limits: [{type: Container, default: {memory: 4Gi}}]\n`;

testRule(rule, {
  valid: [{ name: 'LimitRange in the namespace', path: 'a.yaml', content: POD + LR('notebooks') }],
  invalid: [
    {
      name: 'no LimitRange',
      path: 'a.yaml',
      content: POD,
      findings: [
        {
          startLine: 5,
          startColumn: 3,
          endLine: 5,
          endColumn: 23,
          severity: 'low',
          message: "Namespace 'notebooks' (of Pod 'nb') runs workloads without a LimitRange",
        },
      ],
    },
    {
      name: 'LimitRange elsewhere',
      path: 'a.yaml',
      content: POD + LR('other'),
      findings: [{ startLine: 5, startColumn: 3, endLine: 5, endColumn: 23 }],
    },
  ],
});
