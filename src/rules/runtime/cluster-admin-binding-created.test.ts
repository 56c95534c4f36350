import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './cluster-admin-binding-created.js';
import { auditEvent } from './lib/examples.js';

const bind = (resource: string, role: string, user = 'alice@example.com', verb = 'create') =>
  auditEvent({
    verb,
    resource,
    apiGroup: 'rbac.authorization.k8s.io',
    namespace: resource === 'rolebindings' ? 'ml' : undefined,
    name: 'b',
    user,
    requestObject: {
      kind: 'RoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'b' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'User', name: 'eve@example.com' }],
    },
  });

testRule(rule, {
  valid: [
    validEvents('edit role', [bind('rolebindings', 'edit')]),
    validEvents('API server bootstrap', [bind('clusterrolebindings', 'cluster-admin', 'system:apiserver')]),
  ],
  invalid: [
    invalidEvents(
      'namespaced binding of cluster-admin',
      [bind('rolebindings', 'cluster-admin', 'alice@example.com', 'update')],
      [
        {
          line: 1,
          objectPath: '/requestObject/roleRef/name',
          message: "'alice@example.com' bound cluster-admin to User eve@example.com (RoleBinding ml/b)",
        },
      ],
    ),
  ],
});
