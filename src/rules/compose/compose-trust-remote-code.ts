import type { At } from '../../core/document.js';
import { defineRule } from '../../core/rule.js';
import type { ObjectPath } from '../../core/types.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';
import { findTrustRemoteCode, type TrustRemoteCodeHit } from '../dockerfile/lib/trust-remote-code.js';

const ON = new Set(['true', '1', 'yes', 'on']);
/** TGI reads its flags from the environment too; the datasets library has its own switch. */
const SWITCHES = new Set(['TRUST_REMOTE_CODE', 'HF_DATASETS_TRUST_REMOTE_CODE']);

/** The value when the hit is all of it; else the hit itself when its text can be found in the value as written. */
function hitAt(doc: ComposeDocument, path: ObjectPath, value: string, hit: TrustRemoteCodeHit): At {
  if (value.trim() === hit.text) return path;
  const span = doc.valueSpan(path);
  if (!span) return path;
  const i = doc.file.text().slice(span.start, span.end).indexOf(hit.text);
  return i < 0 ? path : { start: span.start + i, end: span.start + i + hit.text.length };
}

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0012',
    slug: 'compose-trust-remote-code',
    title: 'Compose service runs a model with trust_remote_code',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      '`--trust-remote-code` (vLLM, TGI, SGLang, lm-eval) and `trust_remote_code=True` (transformers) import and run the Python files shipped in the model repository when the model loads. Whoever can push to that repository, or swap the model the server downloads, runs code in the container with its credentials and GPUs. The rule reads the service\u2019s `command` and `entrypoint` (lists, strings and `bash -c` scripts) and its `environment`: a variable such as `EXTRA_ARGS` whose value carries the flag into the command line, or `TRUST_REMOTE_CODE=true`.',
    remediation:
      'Serve models whose architecture is supported natively and drop the flag. If custom code is unavoidable, review it, vendor it into the image, and pin the model to a commit (`--revision <sha>`, `--code-revision <sha>`).',
    references: [
      'https://huggingface.co/docs/transformers/models#custom-models',
      'https://docs.vllm.ai/en/latest/configuration/engine_args.html',
    ],
    examples: {
      bad: [
        {
          path: 'compose.yaml',
          content: 'services:\n  llm:\n    image: vllm/vllm-openai:v0.6.3\n    command: ["--model", "org/model", "--trust-remote-code"]\n',
        },
      ],
      good: [
        {
          path: 'compose.yaml',
          content:
            'services:\n  llm:\n    image: vllm/vllm-openai:v0.6.3\n    command: ["--model", "org/model", "--revision", "0123456789abcdef0123456789abcdef01234567"]\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      for (const key of ['command', 'entrypoint'] as const) {
        const value = s.service[key];
        const items: Array<{ text: string; path: ObjectPath }> =
          typeof value === 'string'
            ? [{ text: value, path: [...s.path, key] }]
            : Array.isArray(value)
              ? value.flatMap((v, i) => (typeof v === 'string' ? [{ text: v, path: [...s.path, key, i] }] : []))
              : [];
        for (const item of items) {
          for (const hit of findTrustRemoteCode(item.text)) {
            const what = hit.text.startsWith('--') ? `passes ${hit.text}` : 'loads a model with trust_remote_code=True';
            ctx.report({
              message: `Service '${s.name}' ${what} in its ${key}: code from the model repository is executed`,
              at: hitAt(doc, item.path, item.text, hit),
            });
          }
        }
      }
      for (const e of doc.environment(s)) {
        if (e.value === undefined) continue;
        if (SWITCHES.has(e.name) && ON.has(e.value.trim().toLowerCase())) {
          ctx.report({
            message: `Service '${s.name}' sets ${e.name}=${e.value.trim()}: code from the model repository is executed`,
            at: e.path,
          });
          continue;
        }
        const hit = findTrustRemoteCode(e.value)[0];
        if (hit)
          ctx.report({
            message: `Service '${s.name}' passes ${hit.text} through ${e.name}: code from the model repository is executed`,
            at: hitAt(doc, e.path, e.value, hit),
          });
      }
    }
  },
});
