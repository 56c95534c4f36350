import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './exec-granting-role-created.js';
import { auditEvent } from './lib/examples.js';

const role = (resources: string[], verbs: string[]) =>
  auditEvent({
    verb: 'create',
    resource: 'clusterroles',
    apiGroup: 'rbac.authorization.k8s.io',
    name: 'r',
    requestObject: {
      kind: 'ClusterRole',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'r' },
      rules: [{ apiGroups: [''], resources, verbs }],
    },
  });

testRule(rule, {
  valid: [
    validEvents('logs only', [role(['pods/log'], ['get'])]),
    validEvents('list exec is no right to exec', [role(['pods/exec'], ['list'])]),
    validEvents('wildcards are RT-0009', [role(['*'], ['*'])]),
  ],
  invalid: [
    invalidEvents(
      'port-forward',
      [role(['pods/portforward'], ['create'])],
      [
        {
          line: 1,
          objectPath: '/requestObject/rules/0/resources',
          message: "'alice@example.com' wrote ClusterRole 'r' granting create on pods/portforward",
        },
      ],
    ),
  ],
});
