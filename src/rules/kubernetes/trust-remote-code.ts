import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { findTrustRemoteCode } from '../dockerfile/lib/trust-remote-code.js';
import { commandLine, describe, envOf, shellWords } from './lib/workload.js';

const FLAGS = new Set(['--trust-remote-code', '--trust_remote_code']);
const OFF = new Set(['false', '0', 'no', 'off']);
/** `trust_remote_code=True` in inline Python (`python -c "…from_pretrained(…, trust_remote_code=True)"`). */
const PY_KWARG = /trust_remote_code\s*=\s*True\b/;
/** TGI reads its flags from the environment too; the datasets library has its own switch. */
const ENV_NAMES = new Set(['TRUST_REMOTE_CODE', 'HF_DATASETS_TRUST_REMOTE_CODE']);
const ON = new Set(['true', '1', 'yes', 'on']);

/** What every flag and keyword of the option holds (`findTrustRemoteCode` reads flags in any case). */
const TRUST_ANY_CASE = /trust/i;

/**
 * A command-line entry without `trust` cannot name the option, unless quotes or escapes (removed when
 * a script is split into words) join a word across them.
 */
function cannotHoldSwitch(value: string): boolean {
  return !value.includes('trust') && !/["'\\]/.test(value);
}

/** Whether one word of a command line turns the option on. */
function enables(word: string, next: string | undefined): boolean {
  const eq = word.indexOf('=');
  const name = eq >= 0 ? word.slice(0, eq) : word;
  if (!FLAGS.has(name)) return false;
  if (eq >= 0)
    return !OFF.has(
      word
        .slice(eq + 1)
        .trim()
        .toLowerCase(),
    );
  // A bare flag is a switch; some launchers take an explicit boolean after it.
  return next === undefined || !OFF.has(next.trim().toLowerCase());
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0125',
    slug: 'trust-remote-code',
    title: 'Model server trusts remote code',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod', 'k8s-container-override'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      "`--trust-remote-code` (vLLM, SGLang, TGI, lm-eval, KServe's Hugging Face runtime) and `trust_remote_code=True` (transformers) download the Python files that ship with a model repository and import them: whoever controls the repository, or a compromised maintainer account, runs code in the model server with its GPU, its network access and its credentials. Combined with an unpinned revision, a push to the repository is a deployment.",
    remediation:
      'Serve architectures supported natively by the server and drop the flag. When a model really needs its own code, review it, pin the repository to a commit (`--revision` and `--code-revision`) or vendor the code into the image, and run the server without credentials it does not need.',
    references: ['https://huggingface.co/docs/transformers/custom_models', 'https://docs.vllm.ai/en/v0.8.5/serving/engine_args.html'],
    examples: {
      bad: [
        {
          path: 'deploy.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\nspec:\n  template:\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n        args: ["--model", "acme/chat-7b", "--revision", "3f1c2a9e5b7d4c6a8e0f1b2d3c4e5f6a7b8c9d0e", "--trust-remote-code"]\n',
        },
      ],
      good: [
        {
          path: 'deploy.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\nspec:\n  template:\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n        args: ["--model", "acme/chat-7b", "--revision", "3f1c2a9e5b7d4c6a8e0f1b2d3c4e5f6a7b8c9d0e"]\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      const line = commandLine(c);
      line.forEach((t, i) => {
        if (cannotHoldSwitch(t.value)) return;
        const script = /\s/.test(t.value);
        const words = script ? shellWords(t.value) : [t.value];
        const word = words.find((w, k) =>
          enables(w, k + 1 < words.length ? words[k + 1] : words.length === 1 ? line[i + 1]?.value : undefined),
        );
        const found = word ?? PY_KWARG.exec(t.value)?.[0];
        // In a script (`bash -c "…"`), the flag's own line.
        if (found !== undefined)
          ctx.report({
            message: `${describe(c)} runs with trust_remote_code enabled: code from the model repository is executed`,
            at: script ? { path: t.path, find: found } : t.path,
          });
      });
      for (const e of envOf(c)) {
        if (e.value === undefined) continue;
        if (ENV_NAMES.has(e.name) && ON.has(e.value.trim().toLowerCase())) {
          ctx.report({
            message: `${describe(c)} sets ${e.name}=${e.value.trim()}: code from the model repository is executed`,
            at: [...e.path, 'value'],
          });
          continue;
        }
        // Launchers splice variables such as EXTRA_ARGS into the server's command line.
        const hit = TRUST_ANY_CASE.test(e.value) ? findTrustRemoteCode(e.value)[0] : undefined;
        if (hit)
          ctx.report({
            message: `${describe(c)} passes ${hit.text} through ${e.name}: code from the model repository is executed`,
            at: { path: [...e.path, 'value'], find: hit.text },
          });
      }
    }
  },
});
