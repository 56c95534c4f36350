import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import type { SgNode } from '@ast-grep/napi';
import { allCalls, calleeText, enclosingScope, flavorOf, isTrue, namedArg, type Flavor } from './lib/syntax.js';

/** The server flag of vLLM, SGLang, TGI, lm-eval and friends, not turned off (`=false`). */
const FLAG = /--trust[-_]remote[-_]code(?![\w-])(?!\s*=\s*(?:false|0|no)\b)/i;
const PY_LAUNCHER =
  /^(?:subprocess\.(?:run|call|Popen|check_output|check_call|getoutput|getstatusoutput)|Popen|os\.(?:system|popen|spawn\w*|exec\w*|posix_spawnp?)|asyncio\.create_subprocess_(?:exec|shell)|pexpect\.(?:spawn|run))$/;
const JS_LAUNCHER = /^(?:child_process\.|cp\.|childProcess\.)?(?:exec|execSync|spawn|spawnSync|execFile|execFileSync)$|^execa(?:Sync|Command|CommandSync)?$/;
const STRING_KINDS: Record<Flavor, string[]> = { python: ['string'], js: ['string', 'template_string'] };
const BINDING_KINDS: Record<Flavor, string[]> = { python: ['assignment', 'augmented_assignment'], js: ['variable_declarator', 'assignment_expression', 'augmented_assignment_expression'] };

/**
 * Where the command a launcher runs is written: its arguments, and for each variable among them the
 * values bound to it and the items added to it (`cmd.append(…)`, `args.push(…)`) in the same function.
 */
function commandParts(call: SgNode, flavor: Flavor): SgNode[] {
  const args = call.field('arguments');
  if (!args) return [];
  const parts = [args];
  const names = new Set(args.findAll({ rule: { kind: 'identifier' } }).map((n) => n.text()));
  if (names.size === 0) return parts;
  const scope = enclosingScope(call);
  for (const b of scope.findAll({ rule: { any: BINDING_KINDS[flavor].map((kind) => ({ kind })) } })) {
    const target = b.field('left') ?? b.field('name');
    const value = b.field('right') ?? b.field('value');
    if (target && value && names.has(target.text())) parts.push(value);
  }
  for (const c of allCalls(scope, flavor)) {
    const m = /^([A-Za-z_$][\w$]*)\.(?:append|extend|insert|push|unshift|concat)$/.exec(calleeText(c));
    const list = c.field('arguments');
    if (m && list && names.has(m[1])) parts.push(list);
  }
  return parts;
}

/** String literals holding `--trust-remote-code` in the command of a process launch. */
function launchedFlags(root: SgNode, flavor: Flavor): { launcher: SgNode; flag: SgNode }[] {
  const out: { launcher: SgNode; flag: SgNode }[] = [];
  const seen = new Set<number>();
  for (const call of allCalls(root, flavor)) {
    if (!(flavor === 'python' ? PY_LAUNCHER : JS_LAUNCHER).test(calleeText(call))) continue;
    for (const part of commandParts(call, flavor))
      for (const str of part.findAll({ rule: { any: STRING_KINDS[flavor].map((kind) => ({ kind })) } })) {
        if (seen.has(str.id()) || !FLAG.test(str.text())) continue;
        seen.add(str.id());
        out.push({ launcher: call, flag: str });
      }
  }
  return out;
}

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0001',
    slug: 'model-load-trust-remote-code',
    title: 'Model loaded or served with remote code trusted',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
    ],
    rationale:
      '`trust_remote_code=True` makes Hugging Face `transformers` (and `datasets`, `sentence-transformers`, vLLM) download and import Python files from the model repository. Whoever controls that repository, or a later revision of it, runs code in your process with its credentials. Code that starts a model server (`vllm serve`, SGLang, TGI) with `--trust-remote-code` through `subprocess`, `os.system` or `child_process` hands the same power to the repository, in the server process.',
    remediation:
      'Use architectures supported natively by the library. If custom code is unavoidable, review it, vendor it, and pin the exact `revision=` (a commit hash) so that a later push cannot change what runs.',
    references: [
      'https://huggingface.co/docs/transformers/main/en/models#custom-models',
      'https://genai.owasp.org/llmrisk/llm032025-supply-chain/',
    ],
    examples: {
      bad: [{ path: 'load.py', content: 'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-7b", trust_remote_code=True)\n' }],
      good: [{ path: 'load.py', content: 'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-7b", revision="3f2a9c1")\n' }],
    },
  },
  check(doc, ctx) {
    if (!/trust[-_]remote[-_]code/.test(doc.text)) return;
    const flavor = flavorOf(doc);
    for (const call of allCalls(doc.root, flavor)) {
      const v = namedArg(call, 'trust_remote_code');
      if (isTrue(v)) ctx.report({ message: `${calleeText(call)}() runs code from the model repository (trust_remote_code=True)`, at: spanOf(v!.parent()!) });
    }
    for (const { launcher, flag } of launchedFlags(doc.root, flavor))
      ctx.report({
        message: `${calleeText(launcher)}() starts a process with --trust-remote-code: the server it launches runs code from the model repository`,
        at: spanOf(flag),
      });
  },
});
