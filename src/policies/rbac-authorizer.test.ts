import { describe, expect, it } from 'vitest';
import { RbacAuthorizer, serviceAccountUser } from './rbac-authorizer.js';

/** RBAC decisions as Kubernetes' RBAC authorizer makes them (docs: Using RBAC Authorization). */

const rbac = 'rbac.authorization.k8s.io/v1';
const objects = [
  {
    apiVersion: rbac,
    kind: 'Role',
    metadata: { name: 'pod-reader', namespace: 'ml' },
    rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list'] }],
  },
  {
    apiVersion: rbac,
    kind: 'RoleBinding',
    metadata: { name: 'read-pods', namespace: 'ml' },
    subjects: [{ kind: 'ServiceAccount', name: 'runner' }],
    roleRef: { kind: 'Role', name: 'pod-reader', apiGroup: 'rbac.authorization.k8s.io' },
  },
  {
    apiVersion: rbac,
    kind: 'ClusterRole',
    metadata: { name: 'model-config' },
    rules: [
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['model-a'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['*/scale'], verbs: ['update'] },
      { nonResourceURLs: ['/metrics', '/debug/*'], verbs: ['get'] },
    ],
  },
  {
    apiVersion: rbac,
    kind: 'ClusterRoleBinding',
    metadata: { name: 'model-config' },
    subjects: [{ kind: 'Group', name: 'ml-team' }],
    roleRef: { kind: 'ClusterRole', name: 'model-config', apiGroup: 'rbac.authorization.k8s.io' },
  },
  {
    apiVersion: rbac,
    kind: 'ClusterRole',
    metadata: { name: 'monitoring' },
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } }] },
    rules: [],
  },
  {
    apiVersion: rbac,
    kind: 'ClusterRole',
    metadata: { name: 'monitoring-endpoints', labels: { 'rbac.example.com/aggregate-to-monitoring': 'true' } },
    rules: [{ apiGroups: [''], resources: ['endpoints'], verbs: ['list'] }],
  },
  {
    apiVersion: rbac,
    kind: 'RoleBinding',
    metadata: { name: 'monitor', namespace: 'obs' },
    subjects: [{ kind: 'User', name: 'alice' }],
    roleRef: { kind: 'ClusterRole', name: 'monitoring', apiGroup: 'rbac.authorization.k8s.io' },
  },
  {
    apiVersion: rbac,
    kind: 'RoleBinding',
    metadata: { name: 'edit', namespace: 'dev' },
    subjects: [{ kind: 'User', name: 'bob' }],
    roleRef: { kind: 'ClusterRole', name: 'edit', apiGroup: 'rbac.authorization.k8s.io' },
  },
];
const authz = new RbacAuthorizer(objects);
const runner = serviceAccountUser('ml', 'runner');
const alice = { name: 'alice', groups: ['ml-team', 'system:authenticated'] };

describe('the RBAC authorizer over the objects of a scan', () => {
  it('allows what a RoleBinding grants in its namespace only, with the reason RBAC gives', () => {
    expect(authz.authorize(runner, { verb: 'get', group: '', resource: 'pods', namespace: 'ml' })).toEqual({
      decision: 'allow',
      reason: 'RBAC: allowed by RoleBinding "read-pods/ml" of Role "pod-reader" to ServiceAccount "runner/ml"',
    });
    expect(authz.authorize(runner, { verb: 'get', group: '', resource: 'pods', namespace: 'prod' }).decision).toBe('no-opinion');
    expect(authz.authorize(runner, { verb: 'get', group: '', resource: 'pods' }).decision).toBe('no-opinion');
    expect(authz.authorize(runner, { verb: 'delete', group: '', resource: 'pods', namespace: 'ml' }).decision).toBe('no-opinion');
    expect(authz.authorize(serviceAccountUser('ml', 'other'), { verb: 'get', group: '', resource: 'pods', namespace: 'ml' }).decision).toBe(
      'no-opinion',
    );
  });

  it('matches subresources exactly or through */subresource, and resource names', () => {
    expect(authz.authorize(runner, { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'ml' }).decision).toBe(
      'allow',
    );
    expect(authz.authorize(runner, { verb: 'get', group: '', resource: 'pods', subresource: 'exec', namespace: 'ml' }).decision).toBe(
      'no-opinion',
    );
    expect(
      authz.authorize(alice, { verb: 'update', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'x' }).decision,
    ).toBe('allow');
    expect(authz.authorize(alice, { verb: 'update', group: 'apps', resource: 'deployments', namespace: 'x' }).decision).toBe('no-opinion');
    expect(authz.authorize(alice, { verb: 'get', group: '', resource: 'configmaps', namespace: 'x', name: 'model-a' }).decision).toBe(
      'allow',
    );
    expect(authz.authorize(alice, { verb: 'get', group: '', resource: 'configmaps', namespace: 'x', name: 'model-b' }).decision).toBe(
      'no-opinion',
    );
    // A rule with resourceNames never covers a request without a name (a list).
    expect(authz.authorize(alice, { verb: 'get', group: '', resource: 'configmaps', namespace: 'x' }).decision).toBe('no-opinion');
  });

  it('matches non-resource URLs exactly or by a trailing *, through ClusterRoleBindings', () => {
    expect(authz.authorize(alice, { verb: 'get', path: '/metrics' }).decision).toBe('allow');
    expect(authz.authorize(alice, { verb: 'get', path: '/debug/pprof/heap' }).decision).toBe('allow');
    expect(authz.authorize(alice, { verb: 'get', path: '/metricsx' }).decision).toBe('no-opinion');
    // Every authenticated user has the bootstrap discovery roles.
    expect(authz.authorize(runner, { verb: 'get', path: '/version' })).toEqual({
      decision: 'allow',
      reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"',
    });
  });

  it('aggregates ClusterRoles by their labels', () => {
    expect(
      authz.authorize({ name: 'alice', groups: [] }, { verb: 'list', group: '', resource: 'endpoints', namespace: 'obs' }).decision,
    ).toBe('allow');
  });

  it('does not guess what a role the scan does not define would allow', () => {
    const d = authz.authorize({ name: 'bob', groups: [] }, { verb: 'create', group: 'apps', resource: 'deployments', namespace: 'dev' });
    expect(d).toEqual({ decision: 'unknown', reason: 'the scan does not define ClusterRole "edit" (bound by RoleBinding "edit")' });
    // system:masters holds the bootstrap cluster-admin.
    expect(authz.authorize({ name: 'root', groups: ['system:masters'] }, { verb: 'delete', group: '', resource: 'nodes' }).decision).toBe(
      'allow',
    );
  });
});
