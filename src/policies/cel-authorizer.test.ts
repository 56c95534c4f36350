import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { scanSync } from '../scan.js';
import { authorizerValue, withAuthorizer } from './cel-authorizer.js';
import { compileExpression, toCel } from './cel.js';
import { RbacAuthorizer } from './rbac-authorizer.js';

/**
 * The CEL authorizer of ValidatingAdmissionPolicy, decided by RBAC over the scan's RBAC objects for a
 * service account the expression names; checks of the requesting user are not evaluated in a scan,
 * and never stop it.
 */

const RBAC = `apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: secret-reader, namespace: ml}
rules:
- {apiGroups: [""], resources: [secrets], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: runner-secrets, namespace: ml}
subjects:
- {kind: ServiceAccount, name: runner}
roleRef: {kind: Role, name: secret-reader, apiGroup: rbac.authorization.k8s.io}
---
`;

const POLICY = (expressions: string[]) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-secret-readers}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
${expressions.map((e) => `  - expression: ${JSON.stringify(e)}\n    message: the service account can read Secrets\n    fieldPath: spec.template.spec.serviceAccountName`).join('\n')}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: no-secret-readers}
spec: {policyName: no-secret-readers, validationActions: [Deny]}
---
`;

const SA_CHECK =
  "!authorizer.serviceAccount(object.metadata.namespace, object.spec.template.spec.serviceAccountName).group('').resource('secrets').namespace(object.metadata.namespace).check('get').allowed()";

const deployment = (sa: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm, namespace: ml}
spec:
  template:
    spec:
      serviceAccountName: ${sa}
      containers: [{name: vllm, image: vllm}]
`;

function scan(text: string, policies: string[] | false = false) {
  const r = scanSync({ targets: ['m.yaml'], files: [new MemorySourceFile('m.yaml', text)], config: false, policies, cwd: dir });
  return {
    errors: r.errors,
    findings: r.findings
      .filter((f) => f.ruleId === 'K8S-0190' || f.ruleId.startsWith('policy:'))
      .map((f) => ({ message: f.message, line: f.location.startLine, severity: f.severity })),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'sanctum-cel-authorizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('authorizer checks of a ValidatingAdmissionPolicy in a scan', () => {
  it('decides a service account’s rights with the RBAC objects of the scan, at the fieldPath', () => {
    expect(scan(RBAC + POLICY([SA_CHECK]) + deployment('runner'))).toEqual({
      errors: [],
      findings: [
        {
          message: 'ValidatingAdmissionPolicy no-secret-readers (binding no-secret-readers, Deny): the service account can read Secrets',
          line: 37,
          severity: 'high',
        },
      ],
    });
    expect(scan(RBAC + POLICY([SA_CHECK]) + deployment('default'))).toEqual({ errors: [], findings: [] });
  });

  it('reports a check of the requesting user once, on the policy, as not evaluated; the other validations still run', () => {
    const requestUser = "authorizer.group('').resource('pods').namespace('ml').check('create').allowed()";
    expect(
      scan(RBAC + POLICY([requestUser, SA_CHECK]) + deployment('runner') + '---\n' + deployment('runner').replace('vllm,', 'tgi,')),
    ).toEqual({
      errors: [],
      findings: [
        {
          message: `ValidatingAdmissionPolicy no-secret-readers (binding no-secret-readers, Deny): ${JSON.stringify(requestUser)} not evaluated: the check is for the requesting user, whom a scan of files does not know (authorizer.serviceAccount(ns, name) checks are evaluated); it neither passes nor fails`,
          line: 17,
          severity: 'info',
        },
        expect.objectContaining({ line: 40, severity: 'high' }),
        expect.objectContaining({ line: 49, severity: 'high' }),
      ],
    });
  });

  it('does not guess without RBAC objects', () => {
    const { findings } = scan(POLICY([SA_CHECK]) + deployment('runner'));
    expect(findings).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('not evaluated: the scan holds no Roles, ClusterRoles or bindings'),
        severity: 'info',
      }),
    ]);
  });
});

describe('authorizer checks of a custom policy', () => {
  it('never stop the scan: one entry in errors, and the other validations are reported', () => {
    const policy = join(dir, 'authz.yaml');
    writeFileSync(
      policy,
      `apiVersion: policies.sanctum.dev/v1
kind: SanctumPolicy
metadata: {name: authz}
spec:
  validations:
  - expression: ${JSON.stringify(SA_CHECK)}
  - expression: "object.metadata.name != 'vllm'"
    message: renamed
`,
    );
    const r = scan(deployment('runner') + '---\n' + deployment('runner').replace('vllm,', 'tgi,'), [policy]);
    expect(r.errors).toEqual([
      {
        path: 'm.yaml',
        message: `rule policy:authz (authz) failed: policy authz: ${JSON.stringify(SA_CHECK)} not evaluated: a custom policy runs on one object at a time, without the scan's RBAC objects; it neither passes nor fails`,
      },
    ]);
    expect(r.findings).toEqual([{ message: 'renamed', line: 3, severity: 'medium' }]);
  });
});

describe('the authorizer library', () => {
  const rbac = new RbacAuthorizer([
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'scaler' },
      rules: [
        { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['update'] },
        { nonResourceURLs: ['/metrics'], verbs: ['get'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'autoscaler' },
      subjects: [{ kind: 'ServiceAccount', name: 'keda', namespace: 'keda' }],
      roleRef: { kind: 'ClusterRole', name: 'scaler', apiGroup: 'rbac.authorization.k8s.io' },
    },
  ]);
  const evaluate = (expression: string): unknown =>
    withAuthorizer({ rbac }, () =>
      compileExpression(expression, ['object', 'authorizer']).evaluate(
        { object: toCel({}), authorizer: authorizerValue() } as never,
        1,
        1e6,
      ),
    );
  const sa = "authorizer.serviceAccount('keda', 'keda')";

  it('answers allowed(), reason(), errored() and error() as the API server does', () => {
    expect(
      evaluate(`${sa}.group('apps').resource('deployments').subresource('scale').name('vllm').namespace('ml').check('update').allowed()`),
    ).toBe(true);
    expect(evaluate(`${sa}.group('apps').resource('deployments').namespace('ml').check('update').allowed()`)).toBe(false);
    expect(evaluate(`${sa}.group('apps').resource('deployments').subresource('scale').check('update').reason()`)).toBe(
      'RBAC: allowed by ClusterRoleBinding "autoscaler" of ClusterRole "scaler" to ServiceAccount "keda/keda"',
    );
    expect(evaluate(`${sa}.path('/metrics').check('get').allowed() && ${sa}.path('metrics').check('get').allowed()`)).toBe(true);
    expect(evaluate(`${sa}.path('/metrics').check('post').allowed()`)).toBe(false);
    expect(
      evaluate(`${sa}.group('').resource('pods').labelSelector('app=x').fieldSelector('spec.nodeName=n').check('list').errored()`),
    ).toBe(false);
    expect(evaluate(`${sa}.group('').resource('pods').check('list').error()`)).toBe('');
  });

  it('refuses empty paths and resources and invalid service account names', () => {
    expect(() => evaluate(`${sa}.path(' ').check('get').allowed()`)).toThrow('path must not be empty');
    expect(() => evaluate(`${sa}.group('').resource('').check('get').allowed()`)).toThrow('resource must not be empty');
    expect(() => evaluate("authorizer.serviceAccount('not@a#valid!namespace', 'x').path('/').check('get').allowed()")).toThrow(
      "'not@a#valid!namespace' is not a valid namespace name",
    );
  });

  it('a check it cannot decide is not evaluated, unless the result is decided without it', () => {
    expect(() => evaluate("authorizer.path('/metrics').check('get').allowed()")).toThrow(/requesting user/);
    expect(evaluate(`${sa}.path('/metrics').check('get').allowed() || authorizer.path('/metrics').check('get').allowed()`)).toBe(true);
  });
});
