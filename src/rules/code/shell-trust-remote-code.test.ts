import { testRule } from '../../testing/rule-tester.js';
import rule from './shell-trust-remote-code.js';

testRule(rule, {
  valid: [
    {
      name: 'pinned, no flag',
      path: 'serve.sh',
      content: '#!/bin/bash\nvllm serve org/model --revision 0123456789abcdef0123456789abcdef01234567\n',
    },
    {
      name: 'switched off, printed, in a comment',
      path: 'scripts/start.sh',
      content:
        '#!/bin/sh\n# vllm serve m --trust-remote-code\necho "add --trust-remote-code for custom models"\nvllm serve m --trust-remote-code=false\nexport TRUST_REMOTE_CODE=false\npython -c "AutoModel.from_pretrained(\'m\', trust_remote_code=False)"\n',
    },
    { name: 'a heredoc body is data', path: 'run.sh', content: 'cat > README <<EOF\nrun vllm serve m --trust-remote-code\nEOF\n' },
  ],
  invalid: [
    {
      name: 'flag on a continued line, inline Python, TGI environment switch',
      path: 'serve.sh',
      content:
        '#!/usr/bin/env bash\nset -euo pipefail\nvllm serve "$MODEL" \\\n  --port 8000 \\\n  --trust-remote-code\npython -c "from transformers import AutoModel; AutoModel.from_pretrained(\'x\', trust_remote_code=True)"\nexport TRUST_REMOTE_CODE=true\nHF_DATASETS_TRUST_REMOTE_CODE=1 python prep.py\n',
      findings: [
        {
          startLine: 5,
          startColumn: 3,
          endLine: 5,
          endColumn: 22,
          message: 'vllm is given --trust-remote-code: the server runs code from the model repository',
        },
        {
          startLine: 6,
          startColumn: 79,
          endLine: 6,
          endColumn: 101,
          message: 'python loads a model with trust_remote_code=True: code from the model repository runs',
        },
        {
          startLine: 7,
          startColumn: 8,
          endLine: 7,
          endColumn: 30,
          message: 'TRUST_REMOTE_CODE is switched on: the model server runs code from the model repository',
        },
        {
          startLine: 8,
          startColumn: 1,
          endLine: 8,
          endColumn: 32,
          message: 'HF_DATASETS_TRUST_REMOTE_CODE is switched on: the model server runs code from the model repository',
        },
      ],
    },
    {
      name: 'a script without an extension, named by its #! line; a start script written with a redirect',
      path: 'docker/entrypoint',
      content:
        '#!/bin/sh\nprintf \'exec python -m sglang.launch_server --trust-remote-code\\n\' > /start.sh\nbash -c "lm_eval --model hf --trust_remote_code"\n',
      findings: [
        { startLine: 2, startColumn: 45, endLine: 2, endColumn: 64 },
        { startLine: 3, startColumn: 29, endLine: 3, endColumn: 48 },
      ],
    },
  ],
});
