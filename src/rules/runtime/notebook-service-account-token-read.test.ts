import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './notebook-service-account-token-read.js';
import { tetragonKprobe } from './lib/examples.js';

const open = (path: string, pod: string, image: string) =>
  tetragonKprobe({ binary: '/usr/bin/cat', pod, namespace: 'ml', container: 'c', image }, 'security_file_permission', [
    { file_arg: { path } },
    { int_arg: 4 },
  ]);

testRule(rule, {
  valid: [
    validEvents(
      'token read in a model server',
      [open('/var/run/secrets/kubernetes.io/serviceaccount/token', 'vllm-0', 'vllm/vllm-openai:v0.6.3')],
      'tetragon.json',
    ),
    validEvents(
      'namespace file in a notebook',
      [open('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'jupyter-bob-0', 'quay.io/jupyter/base-notebook:latest')],
      'tetragon.json',
    ),
  ],
  invalid: [
    invalidEvents(
      'EKS web identity token in a notebook',
      [open('/var/run/secrets/eks.amazonaws.com/serviceaccount/token', 'jupyter-bob-0', 'quay.io/jupyter/base-notebook:latest')],
      [
        {
          line: 1,
          objectPath: '/process_kprobe/args',
          message:
            'cat in pod ml/jupyter-bob-0 (Jupyter) read the service account token /var/run/secrets/eks.amazonaws.com/serviceaccount/token',
        },
      ],
      'tetragon.json',
    ),
  ],
});
