import { describe, expect, it } from 'vitest';
import { applyFixes } from '../../core/apply-fixes.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './default-service-account.js';

const pod = (spec: string, ns = 'research') => `apiVersion: v1
kind: Pod
metadata:
  name: nb
  namespace: ${ns}
spec:
${spec}  containers:
  - name: jupyter
    image: quay.io/jupyter/base-notebook:2024-10-07
`;
const binding = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: default-edit
  namespace: research
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects:
- kind: ServiceAccount
  name: default
---
`;

const workflow = (spec: string) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  name: train
  namespace: research
spec:
${spec}  entrypoint: main
  templates:
  - name: main
    container:
      image: ghcr.io/acme/train:1.0
`;
/** An AppWrapper in namespace research wrapping `object` (a manifest at column 1). */
const wrapped = (object: string) =>
  `apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: aw, namespace: research}
spec:
  components:
  - template:
` + object.replace(/^(?=.)/gm, '      ');

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod('  automountServiceAccountToken: false\n') },
    { name: 'own service account: K8S-0105', path: 'pod.yaml', content: pod('  serviceAccountName: notebook\n') },
    {
      name: 'default ServiceAccount opts out',
      path: 'pod.yaml',
      content:
        'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: research}\nautomountServiceAccountToken: false\n---\n' +
        pod(''),
    },
    {
      name: 'a ServingRuntime runs under the InferenceService account',
      path: 'rt.yaml',
      content:
        'apiVersion: serving.kserve.io/v1alpha1\nkind: ServingRuntime\nmetadata: {name: vllm}\nspec:\n  containers:\n  - name: kserve-container\n    image: vllm/vllm-openai:v0.6.3\n',
    },
    {
      name: 'a WorkflowTemplate gets its account when submitted',
      path: 'wft.yaml',
      content: workflow('').replace('kind: Workflow', 'kind: WorkflowTemplate'),
    },
    { name: 'Argo templates inherit the workflow service account', path: 'wf.yaml', content: workflow('  serviceAccountName: trainer\n') },
    {
      name: 'the templates of an Argo workflow an AppWrapper wraps inherit its service account',
      path: 'aw.yaml',
      content: wrapped(workflow('  serviceAccountName: trainer\n')),
    },
    {
      name: 'Argo templates inherit automountServiceAccountToken',
      path: 'wf.yaml',
      content: workflow('  automountServiceAccountToken: false\n'),
    },
  ],
  invalid: [
    {
      name: 'an Argo workflow an AppWrapper wraps without a service account: the message names the workflow and the AppWrapper',
      path: 'aw.yaml',
      content: wrapped(workflow('')),
      findings: [
        {
          startLine: 15,
          startColumn: 11,
          endLine: 17,
          endColumn: 42,
          message:
            "Workflow 'train' (template 'main') in AppWrapper 'aw' runs as the default service account of namespace 'research' with its API token mounted",
          objectPath: '/spec/components/0/template/spec/templates/0',
        },
      ],
    },
    {
      name: 'an Argo workflow without a service account',
      path: 'wf.yaml',
      content: workflow(''),
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 11,
          endColumn: 36,
          message:
            "Workflow 'train' (template 'main') runs as the default service account of namespace 'research' with its API token mounted",
          objectPath: '/spec/templates/0',
        },
      ],
    },
    {
      path: 'pod.yaml',
      content: pod(''),
      findings: [
        {
          startLine: 6,
          startColumn: 1,
          endLine: 9,
          endColumn: 52,
          message: "Pod 'nb' runs as the default service account of namespace 'research' with its API token mounted",
          objectPath: '/spec',
          severity: 'low',
        },
      ],
    },
    {
      name: 'explicit default, and a binding grants it a role: medium',
      path: 'pod.yaml',
      content: binding + pod('  serviceAccountName: default\n'),
      findings: [
        {
          startLine: 17,
          startColumn: 3,
          endLine: 17,
          endColumn: 30,
          message:
            "Pod 'nb' runs as the default service account of namespace 'research' with its API token mounted, and that account is granted roles by RoleBinding 'default-edit' (edit)",
          objectPath: '/spec/serviceAccountName',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'a cluster-wide grant to the default account: high',
      path: 'pod.yaml',
      content:
        binding
          .replace('kind: RoleBinding', 'kind: ClusterRoleBinding')
          .replace('  name: default\n', '  name: default\n  namespace: research\n') + pod(''),
      findings: [
        {
          startLine: 17,
          startColumn: 1,
          endLine: 20,
          endColumn: 52,
          severity: 'high',
          message: /granted roles by ClusterRoleBinding 'default-edit' \(edit\)$/,
        },
      ],
    },
    {
      name: 'a binding in another namespace does not raise the severity',
      path: 'pod.yaml',
      content: binding + pod('', 'other'),
      findings: [{ startLine: 16, startColumn: 1, endLine: 19, endColumn: 52, severity: 'low' }],
    },
  ],
});

describe('K8S-0106 fix', () => {
  it('disables the token of the default account in the pod', () => {
    const content = pod('');
    const { findings } = runRule(rule, { path: 'pod.yaml', content });
    const out = applyFixes(content, [{ tag: 0, edits: findings[0].fix!.edits }]).text;
    expect(runRule(rule, { path: 'pod.yaml', content: out }).findings).toEqual([]);
    expect(out).toContain('automountServiceAccountToken: false');
  });
});

describe('K8S-0106 on custom resources found by search', () => {
  it('reports but writes no pod field into an unknown schema', () => {
    const content =
      'apiVersion: example.com/v1\nkind: ModelDeployment\nmetadata: {name: m, namespace: ml}\nspec:\n  containers:\n  - name: server\n    image: acme/server:1.0\n';
    const { findings } = runRule(rule, { path: 'cr.yaml', content });
    expect(findings).toHaveLength(1);
    expect(findings[0].fix).toBeUndefined();
  });
});

describe('K8S-0106 fix in an AppWrapper', () => {
  it('disables the token of the default account in a wrapped Job as in one of its own', () => {
    const content =
      binding +
      `apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: aw, namespace: research}
spec:
  components:
  - template:
      apiVersion: batch/v1
      kind: Job
      metadata: {name: train}
      spec:
        template:
          spec:
            restartPolicy: Never
            containers:
            - name: train
              image: ghcr.io/acme/train:1.0
`;
    const { findings } = runRule(rule, { path: 'aw.yaml', content });
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toBe(
      "Job 'train' in AppWrapper 'aw' runs as the default service account of namespace 'research' with its API token mounted, and that account is granted roles by RoleBinding 'default-edit' (edit)",
    );
    const out = applyFixes(content, [{ tag: 0, edits: findings[0].fix!.edits }]).text;
    expect(out).toContain('            automountServiceAccountToken: false\n');
    expect(runRule(rule, { path: 'aw.yaml', content: out }).findings).toEqual([]);
  });
});
