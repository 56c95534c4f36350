import { describe, expect, it } from 'vitest';
import { applyFixes } from '../../core/apply-fixes.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './service-account-token-automounted.js';

const deploy = (podSpec: string, ns = 'llm') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
  namespace: ${ns}
spec:
  template:
    spec:
${podSpec}      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.6.3
`;
const sa = (extra: string, ns = 'llm') => `apiVersion: v1
kind: ServiceAccount
metadata:
  name: vllm
  namespace: ${ns}
${extra}---
`;

testRule(rule, {
  valid: [
    { path: 'deploy.yaml', content: deploy('      serviceAccountName: vllm\n      automountServiceAccountToken: false\n') },
    {
      name: 'the ServiceAccount opts out',
      path: 'deploy.yaml',
      content: sa('automountServiceAccountToken: false\n') + deploy('      serviceAccountName: vllm\n'),
    },
    { name: 'default service account: K8S-0106', path: 'deploy.yaml', content: deploy('') },
    {
      name: 'pod opts out although the account does not',
      path: 'deploy.yaml',
      content:
        sa('automountServiceAccountToken: true\n') + deploy('      serviceAccountName: vllm\n      automountServiceAccountToken: false\n'),
    },
  ],
  invalid: [
    {
      path: 'deploy.yaml',
      content: deploy('      serviceAccountName: vllm\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 7,
          endLine: 9,
          endColumn: 31,
          message: "Deployment 'vllm' gets an API token of service account 'vllm' mounted: the pod does not disable automounting",
          objectPath: '/spec/template/spec/serviceAccountName',
          severity: 'low',
        },
      ],
    },
    {
      name: 'an Argo template inherits the workflow service account',
      path: 'wf.yaml',
      content:
        'apiVersion: argoproj.io/v1alpha1\nkind: CronWorkflow\nmetadata: {name: nightly}\nspec:\n  workflowSpec:\n    serviceAccountName: trainer\n    templates:\n    - name: main\n      container: {image: "ghcr.io/acme/train:1.0"}\n',
      findings: [
        {
          startLine: 6,
          startColumn: 5,
          endLine: 6,
          endColumn: 32,
          message:
            "CronWorkflow 'nightly' (template 'main') gets an API token of service account 'trainer' mounted: the pod does not disable automounting",
          objectPath: '/spec/workflowSpec/serviceAccountName',
        },
      ],
    },
    {
      name: 'a ServiceAccount of another namespace does not count',
      path: 'deploy.yaml',
      content: sa('automountServiceAccountToken: false\n', 'other') + deploy('      serviceAccountName: vllm\n'),
      findings: [{ startLine: 16, startColumn: 7, endLine: 16, endColumn: 31 }],
    },
    {
      name: 'the pod overrides the ServiceAccount',
      path: 'deploy.yaml',
      content:
        sa('automountServiceAccountToken: false\n') + deploy('      serviceAccountName: vllm\n      automountServiceAccountToken: true\n'),
      findings: [
        {
          startLine: 17,
          startColumn: 7,
          endLine: 17,
          endColumn: 41,
          message: "Deployment 'vllm' sets automountServiceAccountToken: true for service account 'vllm'",
          objectPath: '/spec/template/spec/automountServiceAccountToken',
        },
      ],
    },
    {
      name: 'ServiceAccount in the scan without opt-out, deprecated serviceAccount field',
      path: 'deploy.yaml',
      content: sa('') + deploy('      serviceAccount: vllm\n'),
      findings: [
        {
          startLine: 15,
          startColumn: 7,
          endLine: 15,
          endColumn: 27,
          message: /neither the pod nor the ServiceAccount disables automounting$/,
        },
      ],
    },
  ],
});

describe('K8S-0105 fix', () => {
  it('sets automountServiceAccountToken: false in the pod template', () => {
    const content = deploy('      serviceAccountName: vllm # the model server\n');
    const { findings } = runRule(rule, { path: 'deploy.yaml', content });
    const out = applyFixes(content, [{ tag: 0, edits: findings[0].fix!.edits }]).text;
    expect(out).toContain('      serviceAccountName: vllm # the model server\n');
    expect(out).toContain('      automountServiceAccountToken: false\n');
    expect(runRule(rule, { path: 'deploy.yaml', content: out }).findings).toEqual([]);
  });
  it('turns an explicit true into false', () => {
    const content = deploy('      serviceAccountName: vllm\n      automountServiceAccountToken: true\n');
    const { findings } = runRule(rule, { path: 'deploy.yaml', content });
    expect(applyFixes(content, [{ tag: 0, edits: findings[0].fix!.edits }]).text).toContain('automountServiceAccountToken: false\n');
  });
});

describe('K8S-0105 fix in an AppWrapper', () => {
  it('sets automountServiceAccountToken: false in a wrapped Deployment as in one of its own', () => {
    const content = `apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: aw, namespace: llm}
spec:
  components:
  - template:
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: vllm}
      spec:
        template:
          spec:
            serviceAccountName: vllm
            containers:
            - name: vllm
              image: vllm/vllm-openai:v0.6.3
`;
    const { findings } = runRule(rule, { path: 'aw.yaml', content });
    expect(findings.map((f) => [f.location.startLine, f.location.objectPath])).toEqual([
      [13, '/spec/components/0/template/spec/template/spec/serviceAccountName'],
    ]);
    const out = applyFixes(content, [{ tag: 0, edits: findings[0].fix!.edits }]).text;
    expect(out).toContain('\n            automountServiceAccountToken: false\n');
    expect(runRule(rule, { path: 'aw.yaml', content: out }).findings).toEqual([]);
  });
});
