import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './ai-service-account-reads-secrets.js';
import { auditEvent, pod } from './lib/examples.js';

const server = auditEvent({
  verb: 'create',
  resource: 'pods',
  namespace: 'llm',
  name: 'vllm-7d4b9c6f8-x2k4q',
  user: 'system:serviceaccount:kube-system:replicaset-controller',
  requestObject: pod('vllm-7d4b9c6f8-x2k4q', 'llm', {
    serviceAccountName: 'vllm-sa',
    containers: [{ name: 'vllm', image: 'vllm/vllm-openai:v0.6.3' }],
  }),
});
const read = (verb: string, user = 'system:serviceaccount:llm:vllm-sa', name?: string) =>
  auditEvent({ verb, resource: 'secrets', namespace: 'llm', name, user });

testRule(rule, {
  valid: [
    validEvents('another account', [server, read('list', 'system:serviceaccount:llm:operator')]),
    validEvents('the model server reads a configmap', [
      server,
      auditEvent({ verb: 'get', resource: 'configmaps', namespace: 'llm', name: 'c', user: 'system:serviceaccount:llm:vllm-sa' }),
    ]),
  ],
  invalid: [
    invalidEvents(
      'model server account reads one secret',
      [server, read('get', undefined, 'hf-token')],
      [
        {
          line: 2,
          severity: 'high',
          objectPath: '/user/username',
          message: 'service account llm/vllm-sa of a vLLM model server read secret llm/hf-token',
        },
      ],
    ),
    invalidEvents(
      'watch',
      [server, read('watch')],
      [
        {
          line: 2,
          severity: 'critical',
          message: 'service account llm/vllm-sa of a vLLM model server watched the secrets of namespace llm',
        },
      ],
    ),
  ],
});
