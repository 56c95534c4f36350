import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './nodeport-service-created.js';
import { auditEvent } from './lib/examples.js';

const svc = (type: string, verb = 'create') =>
  auditEvent({
    verb,
    resource: 'services',
    namespace: 'ml',
    name: 'mlflow',
    requestObject: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'mlflow' },
      spec: { type, ports: [{ port: 5000, nodePort: 30500 }] },
    },
  });

testRule(rule, {
  valid: [validEvents('LoadBalancer is another matter', [svc('LoadBalancer')]), validEvents('ClusterIP', [svc('ClusterIP')])],
  invalid: [
    invalidEvents(
      'update to NodePort',
      [svc('NodePort', 'update')],
      [
        {
          line: 1,
          objectPath: '/requestObject/spec/type',
          message: "'alice@example.com' published Service ml/mlflow on every node (NodePort, ports 5000→node 30500)",
        },
      ],
    ),
  ],
});
