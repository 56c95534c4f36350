import { defineRule, type RuleContext } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import type { SgNode } from '@ast-grep/napi';
import { pythonPin, type PythonPin } from './lib/pinned.js';
import {
  allCalls,
  calleeName,
  calleeText,
  enclosingScope,
  flavorOf,
  hasSpreadArgs,
  isTrue,
  namedArg,
  positional,
  type Flavor,
} from './lib/syntax.js';

/** The server flag of vLLM, SGLang, TGI, lm-eval and friends, not turned off (`=false`). */
const FLAG = /--trust[-_]remote[-_]code(?![\w-])(?!\s*=\s*(?:false|0|no)\b)/i;
const PY_LAUNCHER =
  /^(?:subprocess\.(?:run|call|Popen|check_output|check_call|getoutput|getstatusoutput)|Popen|os\.(?:system|popen|spawn\w*|exec\w*|posix_spawnp?)|asyncio\.create_subprocess_(?:exec|shell)|pexpect\.(?:spawn|run))$/;
const JS_LAUNCHER =
  /^(?:child_process\.|cp\.|childProcess\.)?(?:exec|execSync|spawn|spawnSync|execFile|execFileSync)$|^execa(?:Sync|Command|CommandSync)?$/;
const STRING_KINDS: Record<Flavor, string[]> = { python: ['string'], js: ['string', 'template_string'] };
const BINDING_KINDS: Record<Flavor, string[]> = {
  python: ['assignment', 'augmented_assignment'],
  js: ['variable_declarator', 'assignment_expression', 'augmented_assignment_expression'],
};

/** Hugging Face loaders that read a repository's `config.json`: `AutoModelForCausalLM.from_pretrained`, `pipeline`. */
const HF_LOADER = /^(?:transformers\.)?(?:(?:Auto\w*|\w+(?:For\w+|Model|Config))\.from_pretrained|pipeline)$/;
/**
 * Published ways a crafted model repository runs its code through these loaders with `trust_remote_code`
 * off, oldest first. CVE-2026-4372 needs the optional `kernels` package; LightGlue's config, which carried
 * its own `trust_remote_code` into nested configs (CVE-2026-5241), arrived in 4.54.0.
 */
const REMOTE_CODE_BYPASSES = [
  { id: 'CVE-2026-5241', introduced: '4.54.0', fixed: '5.5.0', needs: undefined },
  { id: 'CVE-2026-4372', introduced: '4.56.0', fixed: '5.3.0', needs: 'kernels' },
];

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
      '`trust_remote_code=True` makes Hugging Face `transformers` (and `datasets`, `sentence-transformers`, vLLM) download and import Python files from the model repository. Whoever controls that repository, or a later revision of it, runs code in your process with its credentials. Code that starts a model server (`vllm serve`, SGLang, TGI) with `--trust-remote-code` through `subprocess`, `os.system` or `child_process` hands the same power to the repository, in the server process. Keeping the flag off is not enough on every release: when the project pins a transformers version with a published bypass (the nearest `requirements*.txt`, `pyproject.toml` or lockfile above the file), `from_pretrained` and `pipeline(model=…)` calls without the flag are reported too (medium): LightGlue configs passing their own `trust_remote_code` on (CVE-2026-5241, 4.54.0 to before 5.5.0) and Hub kernels named by `config.json` (CVE-2026-4372, 4.56.0 to before 5.3.0, when the project also pins `kernels`).',
    remediation:
      'Use architectures supported natively by the library. If custom code is unavoidable, review it, vendor it, and pin the exact `revision=` (a commit hash) so that a later push cannot change what runs. Upgrade transformers to 5.5.0 or later, where the published bypasses of `trust_remote_code=False` are fixed.',
    references: [
      'https://huggingface.co/docs/transformers/main/en/models#custom-models',
      'https://genai.owasp.org/llmrisk/llm032025-supply-chain/',
      'https://github.com/advisories/GHSA-fgcw-684q-jj6r',
      'https://github.com/advisories/GHSA-29pf-2h5f-8g72',
    ],
    examples: {
      bad: [
        {
          path: 'load.py',
          content:
            'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-7b", trust_remote_code=True)\n',
        },
      ],
      good: [
        {
          path: 'load.py',
          content:
            'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-7b", revision="3f2a9c1")\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!/trust[-_]remote[-_]code/.test(doc.text)) {
      if (flavorOf(doc) === 'python') reportBypasses(doc, ctx);
      return;
    }
    const flavor = flavorOf(doc);
    for (const call of allCalls(doc.root, flavor)) {
      const v = namedArg(call, 'trust_remote_code');
      if (isTrue(v))
        ctx.report({
          message: `${calleeText(call)}() runs code from the model repository (trust_remote_code=True)`,
          at: spanOf(v!.parent()!),
        });
    }
    if (flavor === 'python') reportBypasses(doc, ctx);
    for (const { launcher, flag } of launchedFlags(doc.root, flavor))
      ctx.report({
        message: `${calleeText(launcher)}() starts a process with --trust-remote-code: the server it launches runs code from the model repository`,
        at: spanOf(flag),
      });
  },
});

/**
 * Loads that keep `trust_remote_code` off still run a crafted repository's code when the project pins a
 * transformers release with a published bypass (the nearest `requirements*.txt`, `pyproject.toml` or
 * lockfile above the file); an unknown version says nothing.
 */
function reportBypasses(doc: CodeDocument, ctx: RuleContext): void {
  if (!doc.text.includes('transformers') || (!doc.text.includes('from_pretrained') && !doc.text.includes('pipeline'))) return;
  let pin: PythonPin | undefined | null = null;
  for (const call of allCalls(doc.root, 'python')) {
    const callee = calleeText(call);
    if (!HF_LOADER.test(callee) || isTrue(namedArg(call, 'trust_remote_code')) || hasSpreadArgs(call)) continue;
    // `pipeline(task)` alone loads the task's default model, not one the code names.
    if (calleeName(call) === 'pipeline' && !namedArg(call, 'model') && positional(call).length < 2) continue;
    if (pin === null) pin = pythonPin(ctx, doc.file, 'transformers');
    if (!pin) return;
    const found = pin;
    const bypasses = REMOTE_CODE_BYPASSES.filter(
      (b) => !found.below(b.introduced) && found.below(b.fixed) && (!b.needs || pythonPin(ctx, doc.file, b.needs)),
    );
    if (bypasses.length === 0) return;
    const which = bypasses.map((b) => `${b.id}${b.needs ? ` with ${b.needs} installed` : ''}, fixed in ${b.fixed}`).join('; ');
    ctx.report({
      message: `${callee}() relies on trust_remote_code being off, which a crafted model repository bypasses in ${found.label} (${which})`,
      at: spanOf(call),
      severity: 'medium',
    });
  }
}
