import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-model-download-unverified.js';

const sha = '0e9e39f249a16976918f6564b8830bc894c89659';

testRule(rule, {
  valid: [
    {
      name: 'pinned revisions, verified downloads and non-model files',
      path: 'Dockerfile',
      content: `FROM python:3.12
RUN hf download org/m --revision ${sha} --local-dir /m
RUN curl -fsSLo /m/model.safetensors https://x.example/model.safetensors \\
 && echo "${'a'.repeat(64)}  /m/model.safetensors" | sha256sum -c -
RUN wget https://huggingface.co/org/m/resolve/${sha}/config.json
RUN curl -fsSL https://x.example/tool.tar.gz -o /tmp/t.tgz
RUN git clone https://huggingface.co/org/m /m && git -C /m checkout ${sha} && git -C /m lfs pull
ADD --checksum=sha256:${'d'.repeat(64)} https://x.example/m.gguf /m.gguf
ADD https://huggingface.co/org/m/resolve/${sha}/model.safetensors /m/
RUN python -c "from huggingface_hub import snapshot_download; snapshot_download('org/m', revision='${sha}')"
`,
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content: `FROM python:3.12
RUN huggingface-cli download meta-llama/Llama-3.1-8B --local-dir /models
RUN hf download org/m --revision main
RUN wget -q https://x.example/weights/llama.gguf?download=1 -O /m.gguf
RUN curl -L https://huggingface.co/org/m/resolve/main/tokenizer.json -o /t.json
RUN git clone https://huggingface.co/org/m /m && cd /m && git lfs pull
RUN python3 -c "from transformers import AutoModel; AutoModel.from_pretrained('org/m')"
ADD https://huggingface.co/org/m/resolve/v1.0/config.json https://x.example/w.bin /m/
`,
      findings: [
        {
          startLine: 2,
          startColumn: 5,
          endLine: 2,
          endColumn: 73,
          message: 'huggingface-cli download of meta-llama/Llama-3.1-8B has no --revision; pin a commit',
        },
        {
          startLine: 3,
          startColumn: 5,
          endLine: 3,
          endColumn: 38,
          message: "hf download of org/m uses the mutable revision 'main'; pin a commit",
        },
        {
          startLine: 4,
          startColumn: 5,
          endLine: 4,
          endColumn: 71,
          message: 'wget downloads model weights from https://x.example/weights/llama.gguf without verifying a checksum',
        },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 80 },
        {
          startLine: 6,
          startColumn: 5,
          endLine: 6,
          endColumn: 46,
          message: 'git clone fetches model files without checking out a pinned commit',
        },
        {
          startLine: 6,
          startColumn: 59,
          endLine: 6,
          endColumn: 71,
          message: 'git lfs pull fetches model files without checking out a pinned commit',
        },
        { startLine: 7, startColumn: 5, endLine: 7, endColumn: 88, message: 'python3 downloads a hub model without a pinned revision' },
        {
          startLine: 8,
          startColumn: 5,
          endLine: 8,
          endColumn: 58,
          message: 'ADD downloads model files from https://huggingface.co/org/m/resolve/v1.0/config.json without --checksum',
        },
        {
          startLine: 8,
          startColumn: 59,
          endLine: 8,
          endColumn: 82,
          message: 'ADD downloads model files from https://x.example/w.bin without --checksum',
        },
      ],
    },
  ],
});
