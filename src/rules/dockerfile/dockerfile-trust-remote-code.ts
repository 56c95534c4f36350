import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import type { TextSpan } from '../../core/document.js';
import { instructionCommands } from './lib/commands.js';
import { commandHits, findTrustRemoteCode, type TrustRemoteCodeHit } from './lib/trust-remote-code.js';

const FLAG = /^--trust[-_]remote[-_]code(?:=(?:true|1|yes))?$/i;

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
      bad: [
        { path: 'Dockerfile', content: 'FROM vllm/vllm-openai:v0.6.3\nUSER 1000\nCMD ["--model", "org/model", "--trust-remote-code"]\n' },
      ],
      good: [
        {
          path: 'Dockerfile',
          content:
            'FROM vllm/vllm-openai:v0.6.3\nUSER 1000\nCMD ["--model", "org/model", "--revision", "0123456789abcdef0123456789abcdef01234567"]\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    const text = doc.file.text();
    /**
     * The hit's own span: the word as written may hold line continuations (`bash -c "…\\` lines), so
     * the hit is found as the same occurrence of its text in the file; the word's span when it is not there.
     */
    const spanOf = (word: { raw: string; span: TextSpan }, hit: TrustRemoteCodeHit): TextSpan => {
      const nth = occurrences(word.raw.slice(0, hit.start), hit.text);
      const written = text.slice(word.span.start, word.span.end);
      let at = -1;
      for (let k = 0; k <= nth; k++) {
        at = written.indexOf(hit.text, at + 1);
        if (at < 0) return word.span;
      }
      return { start: word.span.start + at, end: word.span.start + at + hit.text.length };
    };
    for (const ins of doc.instructions) {
      if (ins.keyword === 'ENV') {
        for (const p of ins.properties) {
          if (!p.value) continue;
          if (p.name === 'TRUST_REMOTE_CODE' && /^(true|1|yes)$/i.test(p.value)) {
            ctx.report({ message: 'ENV TRUST_REMOTE_CODE makes the model server run code from the model repository', at: p.span });
            continue;
          }
          const hit = findTrustRemoteCode(p.value)[0];
          if (!hit) continue;
          const at =
            p.valueSpan && text.slice(p.valueSpan.start, p.valueSpan.end).includes(hit.text)
              ? spanInside(text, p.valueSpan, hit.text)
              : p.span;
          ctx.report({
            message: `ENV ${p.name} carries ${hit.text} into the command that expands it: the server runs code from the model repository`,
            at,
          });
        }
        continue;
      }
      if (ins.keyword !== 'CMD' && ins.keyword !== 'ENTRYPOINT' && ins.keyword !== 'RUN') continue;
      for (const cmd of instructionCommands(doc, ins)) {
        for (const { word, hit } of commandHits(cmd)) {
          const kwarg = !hit.text.startsWith('--');
          const message = kwarg
            ? `${ins.keyword} loads a model with trust_remote_code=True`
            : FLAG.test(word.value)
              ? `${ins.keyword} passes ${word.value}: the server runs code from the model repository`
              : `${ins.keyword} runs a script that passes ${hit.text}: the server runs code from the model repository`;
          ctx.report({ message, at: spanOf(word, hit) });
        }
      }
    }
  },
});

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}

/** The span of `needle` inside `span` of the text. */
function spanInside(text: string, span: TextSpan, needle: string): TextSpan {
  const i = text.slice(span.start, span.end).indexOf(needle);
  return { start: span.start + i, end: span.start + i + needle.length };
}
