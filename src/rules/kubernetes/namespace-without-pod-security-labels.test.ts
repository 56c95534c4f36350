import { testRule } from '../../testing/rule-tester.js';
import rule from './namespace-without-pod-security-labels.js';

const ns = (name: string, labels = '') => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n${labels}`;

testRule(rule, {
  valid: [
    { name: 'restricted', path: 'ns.yaml', content: ns('llm', '  labels:\n    pod-security.kubernetes.io/enforce: restricted\n') },
    {
      name: 'baseline with warn restricted',
      path: 'ns.yaml',
      content: ns('llm', '  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/warn: restricted\n'),
    },
    { name: 'kube-system runs privileged by design', path: 'ns.yaml', content: ns('kube-system') },
    { name: 'not a Namespace', path: 'cm.yaml', content: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: llm\n' },
  ],
  invalid: [
    {
      name: 'no labels at all',
      path: 'ns.yaml',
      content: ns('notebooks'),
      findings: [
        {
          startLine: 3,
          startColumn: 1,
          endLine: 4,
          endColumn: 18,
          objectPath: '/metadata',
          severity: 'medium',
          message:
            "Namespace 'notebooks' enforces no Pod Security level: its pods are checked only against the cluster default, privileged unless configured",
        },
      ],
    },
    {
      name: 'warn and audit only',
      path: 'ns.yaml',
      content: ns(
        'notebooks',
        '  labels:\n    team: ml\n    pod-security.kubernetes.io/warn: restricted\n    pod-security.kubernetes.io/audit: restricted\n',
      ),
      findings: [
        {
          startLine: 5,
          startColumn: 3,
          endLine: 8,
          endColumn: 49,
          objectPath: '/metadata/labels',
          message:
            "Namespace 'notebooks' enforces no Pod Security level: its pods are checked only against the cluster default, privileged unless configured; its warn and audit labels only report violations",
        },
      ],
    },
    {
      name: 'a misspelt level',
      path: 'ns.yaml',
      content: ns('llm', '  labels:\n    pod-security.kubernetes.io/enforce: strict\n'),
      findings: [
        {
          startLine: 6,
          startColumn: 5,
          endLine: 6,
          endColumn: 47,
          objectPath: '/metadata/labels/pod-security.kubernetes.io~1enforce',
          message:
            "Namespace 'llm' enforces no Pod Security level (its enforce label 'strict' is no level: baseline, restricted or privileged): its pods are checked only against the cluster default, privileged unless configured",
        },
      ],
    },
    {
      name: 'privileged on purpose',
      path: 'ns.yaml',
      content: ns('gpu-operator', '  labels:\n    pod-security.kubernetes.io/enforce: privileged\n'),
      findings: [
        {
          startLine: 6,
          startColumn: 5,
          endLine: 6,
          endColumn: 51,
          severity: 'low',
          message: "Namespace 'gpu-operator' enforces the privileged Pod Security level: no pod it admits is checked",
        },
      ],
    },
  ],
});
