import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './ai-workload-interactive-access.js';
import { auditEvent, pod } from './lib/examples.js';

const created = (name: string, containers: Array<Record<string, unknown>>, labels: Record<string, string> = {}) =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    namespace: 'ml',
    name,
    user: 'system:serviceaccount:kube-system:replicaset-controller',
    requestObject: pod(name, 'ml', { containers }, labels),
  });
const access = (sub: string, name: string, query = '') =>
  auditEvent({
    verb: 'create',
    resource: 'pods',
    subresource: sub,
    namespace: 'ml',
    name,
    code: 101,
    requestURI: `/api/v1/namespaces/ml/pods/${name}/${sub}${query}`,
  });

testRule(rule, {
  valid: [
    validEvents('exec into an ordinary pod', [
      created('web-0', [{ name: 'web', image: 'nginx:1.27' }]),
      access('exec', 'web-0', '?command=sh'),
    ]),
    validEvents('exec into a Ray worker', [
      created('rc-worker-abcde', [{ name: 'ray', image: 'rayproject/ray:2.34.0' }], { 'ray.io/node-type': 'worker' }),
      access('exec', 'rc-worker-abcde'),
    ]),
  ],
  invalid: [
    invalidEvents(
      'port-forward to a notebook of a StatefulSet',
      [
        created('jupyter-alice-0', [{ name: 'nb', image: 'quay.io/jupyter/scipy-notebook:2024-10-07', ports: [{ containerPort: 8888 }] }]),
        access('portforward', 'jupyter-alice-0', '?ports=8888'),
      ],
      [
        {
          line: 2,
          severity: 'high',
          objectPath: '/objectRef',
          message: /^'alice@example.com' opened port-forward to port 8888 of Jupyter notebook pod ml\/jupyter-alice-0 \(recognised by /,
        },
      ],
    ),
    invalidEvents(
      'exec into a Ray head known by its label',
      [
        created('rc-head-abcde', [{ name: 'ray-head', image: 'registry.example.com/ml/ray-custom:1' }], { 'ray.io/node-type': 'head' }),
        access('exec', 'rc-head-abcde', '?command=bash'),
      ],
      [
        {
          line: 2,
          message: "'alice@example.com' opened exec 'bash' of Ray head pod ml/rc-head-abcde (recognised by label 'ray.io/node-type: head')",
        },
      ],
    ),
    invalidEvents(
      'model server recognised by its name alone',
      [access('portforward', 'vllm-7d4b9c6f8-x2k4q', '?ports=8000')],
      [
        {
          line: 1,
          severity: 'medium',
          message: /model server pod ml\/vllm-7d4b9c6f8-x2k4q \(recognised by name 'vllm-7d4b9c6f8-x2k4q'\)$/,
        },
      ],
    ),
  ],
});
