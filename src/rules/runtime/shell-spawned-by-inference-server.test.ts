import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './shell-spawned-by-inference-server.js';
import { falcoAlert, tetragonExec } from './lib/examples.js';

testRule(rule, {
  valid: [
    validEvents(
      'shell in an ordinary pod',
      [tetragonExec({ binary: '/bin/bash', pod: 'web-0', namespace: 'shop', image: 'nginx:1.27' })],
      'tetragon.json',
    ),
    validEvents(
      'torch compile worker',
      [tetragonExec({ binary: '/usr/bin/python3', args: '-m torch._inductor.compile_worker --workers=8' })],
      'tetragon.json',
    ),
    validEvents('a non-shell program', [tetragonExec({ binary: '/usr/bin/nvidia-smi' })], 'tetragon.json'),
  ],
  invalid: [
    invalidEvents(
      'reverse shell from vLLM (Tetragon)',
      [tetragonExec({ binary: '/bin/bash', args: '-i', parent: '/usr/bin/python3' })],
      [
        {
          line: 1,
          objectPath: '/process_exec/process/binary',
          evidence: '/bin/bash -i',
          message: 'bash started in pod llm/vllm-6c9f7d5b8-q2w3e (vLLM model server) by python3: /bin/bash -i',
        },
      ],
      'tetragon.json',
    ),
    invalidEvents(
      'Falco: Triton starts sh',
      [
        falcoAlert('Terminal shell in container', {
          'evt.type': 'execve',
          'proc.name': 'sh',
          'proc.exepath': '/bin/sh',
          'proc.cmdline': 'sh -c id',
          'proc.pname': 'tritonserver',
          'k8s.pod.name': 'triton-0',
          'container.image.repository': 'nvcr.io/nvidia/tritonserver',
          'container.image.tag': '24.08-py3',
        }),
      ],
      [
        {
          line: 1,
          objectPath: '/output_fields/proc.exepath',
          message: /^sh started in pod llm\/triton-0 \(Triton.*\) by tritonserver: \/bin\/sh -c id$/,
        },
      ],
      'falco.json',
    ),
  ],
});
