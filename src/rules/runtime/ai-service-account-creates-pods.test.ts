import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './ai-service-account-creates-pods.js';
import { auditEvent, pod } from './lib/examples.js';

const head = auditEvent({
  verb: 'create',
  resource: 'pods',
  namespace: 'ray',
  name: 'rc-head-abcde',
  user: 'system:serviceaccount:ray-system:kuberay-operator',
  requestObject: pod(
    'rc-head-abcde',
    'ray',
    { serviceAccountName: 'rc-head', containers: [{ name: 'ray-head', image: 'rayproject/ray:2.34.0' }] },
    { 'ray.io/node-type': 'head' },
  ),
});
const create = (labels: Record<string, string>, resource = 'pods') =>
  auditEvent({
    verb: 'create',
    resource,
    namespace: 'ray',
    name: 'w',
    user: 'system:serviceaccount:ray:rc-head',
    requestObject: pod('w', 'ray', { containers: [{ name: 'w', image: 'rayproject/ray:2.34.0' }] }, labels),
  });

testRule(rule, {
  valid: [validEvents('Ray autoscaler adds a worker', [head, create({ 'ray.io/cluster': 'rc', 'ray.io/node-type': 'worker' })])],
  invalid: [
    invalidEvents(
      'Ray head creates an unrelated pod',
      [head, create({ app: 'x' })],
      [{ line: 2, severity: 'high', objectPath: '/user/username', message: 'service account ray/rc-head of a Ray head created pod ray/w' }],
    ),
  ],
});
