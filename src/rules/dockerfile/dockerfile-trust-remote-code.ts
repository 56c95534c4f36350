import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import { instructionCommands } from './lib/commands.js';

const FLAG = /^--trust[-_]remote[-_]code(?:=(?:true|1|yes))?$/i;
const KWARG = /trust_remote_code\s*=\s*True\b/;

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0015',
    slug: 'dockerfile-trust-remote-code',
    title: 'Model server started with --trust-remote-code',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      '`--trust-remote-code` (vLLM, TGI, SGLang, lm-eval) and `trust_remote_code=True` (transformers) import and run the Python files shipped in the model repository when the model loads. Whoever can push to that repository, or swap the model the server downloads, runs code in the serving container with its credentials and GPUs.',
    remediation:
      'Serve models whose architecture is supported natively and drop the flag. If custom code is unavoidable, review it, vendor it into the image, and pin the model to a commit (`--revision <sha>`, `--code-revision <sha>`).',
    references: [
      'https://huggingface.co/docs/transformers/models#custom-models',
      'https://docs.vllm.ai/en/latest/configuration/engine_args.html',
    ],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM vllm/vllm-openai:v0.6.3\nUSER 1000\nCMD ["--model", "org/model", "--trust-remote-code"]\n' }],
      good: [{ path: 'Dockerfile', content: 'FROM vllm/vllm-openai:v0.6.3\nUSER 1000\nCMD ["--model", "org/model", "--revision", "0123456789abcdef0123456789abcdef01234567"]\n' }],
    },
  },
  check(doc, ctx) {
    for (const ins of doc.instructions) {
      if (ins.keyword === 'ENV') {
        for (const p of ins.properties)
          if (p.name === 'TRUST_REMOTE_CODE' && p.value && /^(true|1|yes)$/i.test(p.value))
            ctx.report({ message: 'ENV TRUST_REMOTE_CODE makes the model server run code from the model repository', at: p.span });
        continue;
      }
      if (ins.keyword !== 'CMD' && ins.keyword !== 'ENTRYPOINT') continue;
      for (const cmd of instructionCommands(doc, ins)) {
        for (const w of cmd.words) {
          if (FLAG.test(w.value)) ctx.report({ message: `${ins.keyword} passes ${w.value}: the server runs code from the model repository`, at: w.span });
          else if (KWARG.test(w.value)) ctx.report({ message: `${ins.keyword} loads a model with trust_remote_code=True`, at: w.span });
        }
      }
    }
  },
});
