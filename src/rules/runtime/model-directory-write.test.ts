import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './model-directory-write.js';
import { falcoAlert, tetragonKprobe } from './lib/examples.js';

const falco = (path: string, extra: Record<string, unknown> = {}) =>
  falcoAlert('Write below model directory', {
    'evt.type': 'openat',
    'evt.is_open_write': true,
    'fd.name': path,
    'proc.name': 'python3',
    'proc.exepath': '/usr/bin/python3',
    'k8s.pod.name': 'kserve-predictor-0',
    ...extra,
  });

testRule(rule, {
  valid: [
    validEvents('read of a model', [falco('/mnt/models/model.safetensors', { 'evt.is_open_write': false })], 'falco.json'),
    validEvents(
      'hub client download',
      [falco('/root/.cache/huggingface/hub/models--x/blobs/abc', { 'proc.exepath': '/usr/local/bin/huggingface-cli' })],
      'falco.json',
    ),
    validEvents('log write', [falco('/var/log/app.log')], 'falco.json'),
  ],
  invalid: [
    invalidEvents(
      'Falco write of a pickle',
      [falco('/srv/app/classifier.pkl')],
      [
        {
          line: 1,
          objectPath: '/output_fields/fd.name',
          message: 'python3 in pod llm/kserve-predictor-0 (model server) wrote /srv/app/classifier.pkl',
        },
      ],
      'falco.json',
    ),
    invalidEvents(
      'Tetragon write permission',
      [
        tetragonKprobe({ binary: '/bin/cp' }, 'security_file_permission', [
          { file_arg: { path: '/models/llama/model.gguf' } },
          { int_arg: 2 },
        ]),
      ],
      [
        {
          line: 1,
          objectPath: '/process_kprobe/args',
          message: 'cp in pod llm/vllm-6c9f7d5b8-q2w3e (vLLM model server) wrote /models/llama/model.gguf',
        },
      ],
      'tetragon.json',
    ),
  ],
});
