import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-pip-insecure-source.js';

testRule(rule, {
  valid: [
    {
      path: 'Dockerfile',
      content: `FROM python:3.12
RUN pip install --no-cache-dir --index-url https://pypi.internal/simple --extra-index-url https://download.pytorch.org/whl/cu121 torch==2.4.0
RUN pip install "flash-attn @ https://x.example/flash_attn-2.6.3.whl#sha256=${'b'.repeat(64)}" git+https://github.com/org/pkg@${'c'.repeat(40)}
RUN pip install --require-hashes -r requirements.txt
ENV PIP_INDEX_URL=https://pypi.internal/simple
`,
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content: `FROM python:3.12
RUN pip3 install --trusted-host pypi.internal -i http://pypi.internal/simple vllm
RUN python -m pip install https://x.example/pkg.whl git+https://github.com/org/pkg@main
ENV PIP_TRUSTED_HOST=pypi.internal PIP_EXTRA_INDEX_URL=http://mirror/simple
`,
      findings: [
        {
          startLine: 2,
          startColumn: 18,
          endLine: 2,
          endColumn: 46,
          severity: 'high',
          message: 'pip install --trusted-host pypi.internal turns off TLS verification for that host',
        },
        {
          startLine: 2,
          startColumn: 47,
          endLine: 2,
          endColumn: 77,
          severity: 'high',
          message: 'pip install -i http://pypi.internal/simple fetches packages over plain HTTP',
        },
        {
          startLine: 3,
          startColumn: 27,
          endLine: 3,
          endColumn: 52,
          severity: 'medium',
          message: 'pip install https://x.example/pkg.whl installs from a URL without a hash or pinned commit',
        },
        { startLine: 3, startColumn: 53, endLine: 3, endColumn: 88, severity: 'medium' },
        {
          startLine: 4,
          startColumn: 5,
          endLine: 4,
          endColumn: 35,
          message: 'ENV PIP_TRUSTED_HOST turns off TLS verification for pypi.internal',
        },
        { startLine: 4, startColumn: 36, endLine: 4, endColumn: 76, message: 'ENV PIP_EXTRA_INDEX_URL points pip at a plain-HTTP index' },
      ],
    },
    // In a here-document body the shell joins a line continued inside double quotes: \ and the line break go.
    {
      path: 'Dockerfile',
      content: 'FROM python:3.12\nRUN <<EOF\npip install --extra-index-url "http://mirror.internal/\\\nsimple" vllm\nEOF\n',
      findings: [
        {
          startLine: 3,
          startColumn: 13,
          endLine: 4,
          endColumn: 8,
          message: 'pip install --extra-index-url http://mirror.internal/simple fetches packages over plain HTTP',
        },
      ],
    },
  ],
});
