import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './wildcard-role-created.js';
import { auditEvent } from './lib/examples.js';

const role = (rules: Array<Record<string, unknown>>, user = 'alice@example.com') =>
  auditEvent({
    verb: 'create',
    resource: 'roles',
    apiGroup: 'rbac.authorization.k8s.io',
    namespace: 'ml',
    name: 'r',
    user,
    requestObject: { kind: 'Role', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'r' }, rules },
  });

testRule(rule, {
  valid: [
    validEvents('explicit', [role([{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }])]),
    validEvents('bootstrap', [role([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], 'system:apiserver')]),
  ],
  invalid: [
    invalidEvents(
      'wildcard resources in the second rule',
      [
        role([
          { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
          { apiGroups: [''], resources: ['*'], verbs: ['get', 'list'] },
        ]),
      ],
      [
        {
          line: 1,
          objectPath: '/requestObject/rules/1/resources',
          message: "'alice@example.com' wrote Role ml/r granting get, list on every resource",
        },
      ],
    ),
  ],
});
