import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import { isModelUrl } from './lib/models.js';

const URL = /^(https?|ftp):\/\//i;

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0005',
    slug: 'dockerfile-add-remote-url',
    title: 'ADD downloads a URL without a checksum',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '4.9' },
      { id: 'cis-docker', control: '4.11' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010' },
    ],
    rationale:
      '`ADD https://…` fetches whatever the server returns at build time, with no integrity check: a compromised or changed download (a tokenizer, a model, a binary) goes straight into the image. Since Dockerfile syntax 1.6, `ADD --checksum=sha256:…` verifies it.',
    remediation:
      'Add `--checksum=sha256:<digest>` to the ADD instruction (model weights and Hugging Face files are reported by DF-0014 instead), or download with `curl -fsSLo file URL && echo "<sha256>  file" | sha256sum -c -` in a RUN. Use COPY for local files.',
    references: [
      'https://docs.docker.com/reference/dockerfile/#add---checksum',
      'https://docs.docker.com/build/building/best-practices/#add-or-copy',
    ],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM python:3.12\nADD https://example.com/tools/jq-linux-amd64 /usr/local/bin/jq\n' }],
      good: [
        {
          path: 'Dockerfile',
          content: `# syntax=docker/dockerfile:1.7\nFROM python:3.12\nADD --checksum=sha256:${'e'.repeat(64)} https://example.com/tools/jq-linux-amd64 /usr/local/bin/jq\n`,
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const ins of doc.byKeyword('ADD')) {
      if (ins.flag('checksum')?.value) continue;
      const sources = ins.args.slice(0, -1);
      for (const src of sources) {
        // Model weights and hub files are reported by DF-0014 (model-download-unverified).
        if (!URL.test(src.value) || /\.git(#.*)?$/i.test(src.value) || isModelUrl(src.value)) continue;
        ctx.report({ message: `ADD downloads ${src.value} without --checksum`, at: src.span });
      }
    }
  },
});
