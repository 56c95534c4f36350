import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-ld-preload.js';

testRule(rule, {
  valid: [
    {
      path: 'Dockerfile',
      content:
        'FROM nvcr.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04\nENV LD_LIBRARY_PATH=/usr/local/cuda/lib64 LD_PRELOAD=\nRUN rm -f /etc/ld.so.preload && cat /etc/ld.so.preload || true\n',
    },
  ],
  invalid: [
    {
      name: 'a quoted $ is shown as written, not escaped',
      path: 'Dockerfile',
      content: "FROM python:3.12\nENV LD_PRELOAD='$ORIGIN/lib.so'\n",
      findings: [
        {
          startLine: 2,
          startColumn: 5,
          endLine: 2,
          endColumn: 32,
          message: /^ENV LD_PRELOAD=\$ORIGIN\/lib\.so preloads/,
        },
      ],
    },
    {
      path: 'Dockerfile',
      content:
        'FROM nvcr.io/nvidia/cuda:12.4.1-runtime-ubuntu22.04\nENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2\nRUN echo /opt/hook.so | tee /etc/ld.so.preload\n',
      findings: [
        {
          startLine: 2,
          startColumn: 5,
          endLine: 2,
          endColumn: 58,
          message: /^ENV LD_PRELOAD=\/usr\/lib\/x86_64-linux-gnu\/libjemalloc.so.2 preloads/,
        },
        {
          startLine: 3,
          startColumn: 25,
          endLine: 3,
          endColumn: 47,
          message: 'RUN writes /etc/ld.so.preload: a library is preloaded into every process',
        },
      ],
    },
  ],
});
