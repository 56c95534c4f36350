import type { SgNode } from '@ast-grep/napi';
import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { fileImports } from './lib/imports.js';
import { isFixedFile } from './lib/paths.js';
import { pythonPin } from './lib/pinned.js';
import { allCalls, calleeText, constantString, hasSpreadArgs, isFalse, isTrue, namedArg, positional } from './lib/syntax.js';

/** The modules that export LangChain's `load` and `loads` (langchain re-exports langchain-core's). */
const LOAD_MODULES = new Set(['langchain_core.load', 'langchain_core.load.load', 'langchain.load', 'langchain.load.load']);
const LOADERS = new Set(['load', 'loads']);
/** The releases of langchain-core that escape `lc` keys and read no secret from the environment unless asked (GHSA-c67j-w6g6-q2cm). */
const FIXED_IN = ['0.3.81', '1.2.5'];
const ADVISORY = 'CVE-2025-68664, GHSA-c67j-w6g6-q2cm';

/** Names this file calls LangChain's loaders by: `loads`, `lc_loads`, `langchain_core.load.loads`, `lcl.load`. */
function loaderNames(root: SgNode): Set<string> {
  const names = new Set<string>();
  for (const { module, name, local } of fileImports(root)) {
    if (name !== '') {
      // `from langchain_core.load import loads`, or the module itself: `from langchain_core import load`.
      if (LOAD_MODULES.has(module) && LOADERS.has(name)) names.add(local);
      else if (LOAD_MODULES.has(`${module}.${name}`)) for (const f of LOADERS) names.add(`${local}.${f}`);
      continue;
    }
    for (const m of LOAD_MODULES) {
      // `import langchain_core.load as lcl`, or `import langchain_core` and the full path.
      if (local !== module && m === module) for (const f of LOADERS) names.add(`${local}.${f}`);
      else if (local === module && (m === module || m.startsWith(`${module}.`))) for (const f of LOADERS) names.add(`${m}.${f}`);
    }
  }
  return names;
}

/** Serialized data fixed in the source: a literal, a file of the checkout, or JSON parsed from one. */
function isFixedData(expr: SgNode | undefined): boolean {
  if (!expr) return false;
  if (constantString(expr) !== undefined || isFixedFile(expr)) return true;
  return expr.kind() === 'call' && /^json\.loads?$/.test(calleeText(expr)) && isFixedFile(positional(expr)[0]);
}

function affected(version: { below(v: string): boolean }): boolean {
  return version.below(FIXED_IN[0]) || (!version.below('1.0.0') && version.below(FIXED_IN[1]));
}

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0014',
    slug: 'langchain-load-untrusted',
    title: 'LangChain objects loaded from serialized data with secrets from the environment',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM02' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      '`langchain_core.load.loads()` and `load()` rebuild LangChain objects from JSON: an `lc` marker names the class and its arguments, and with `secrets_from_env=True` a `{"lc": 1, "type": "secret", "id": ["OPENAI_API_KEY"]}` entry is replaced by that environment variable. Data that is not the application\'s own (a request, a stored conversation, model output, a message\'s metadata) can then instantiate classes of the trusted LangChain namespaces with the arguments it chooses and hand them any secret of the process, for example a chat model pointed at the attacker\'s server with the real API key (LangGrinch, CVE-2025-68664, CVSS 9.3). langchain-core before 0.3.81 and 1.0.0 to 1.2.4 read secrets from the environment by default and did not escape `lc` keys in user data that `dumps()` wrote. An explicit `secrets_from_env=True` is high on any release; a call without the argument is high when the project pins an affected langchain-core (the nearest `requirements*.txt`, `pyproject.toml` or lockfile above the file), low when the version is unknown, and not reported on a fixed release.',
    remediation:
      'Upgrade langchain-core to 0.3.81 or 1.2.5 or later, never pass `secrets_from_env=True` for data you did not write, pass the secrets an object needs explicitly (`secrets_map`), keep `allowed_objects` to the classes you expect, and store plain JSON (messages as dicts) instead of serialized LangChain objects where users can reach it.',
    references: [
      'https://github.com/advisories/GHSA-c67j-w6g6-q2cm',
      'https://nvd.nist.gov/vuln/detail/CVE-2025-68664',
      'https://python.langchain.com/docs/security/',
    ],
    examples: {
      bad: [
        {
          path: 'history.py',
          content:
            'from langchain_core.load import loads\n\ndef restore(request):\n    return loads(request.body, secrets_from_env=True)\n',
        },
      ],
      good: [
        {
          path: 'history.py',
          content:
            'from langchain_core.load import loads\n\ndef restore(request, key):\n    return loads(request.body, secrets_from_env=False, secrets_map={"OPENAI_API_KEY": key})\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!doc.text.includes('load')) return;
    const names = loaderNames(doc.root);
    if (names.size === 0) return;
    for (const call of allCalls(doc.root, 'python')) {
      const callee = calleeText(call);
      if (!names.has(callee)) continue;
      const flag = namedArg(call, 'secrets_from_env');
      if (isTrue(flag)) {
        ctx.report({
          message: `${callee}() rebuilds LangChain objects with secrets from the environment (secrets_from_env=True): serialized data that is not the application's own can hand any environment variable to an object it chooses`,
          at: spanOf(flag!.parent()!),
        });
        continue;
      }
      if (isFalse(flag) || hasSpreadArgs(call) || isFixedData(positional(call)[0])) continue;
      if (flag) {
        ctx.report({
          message: `${callee}() takes secrets_from_env from a value known only at run time: when it is true, serialized data that is not the application's own can hand any environment variable to an object it chooses`,
          at: spanOf(flag.parent()!),
          severity: 'medium',
        });
        continue;
      }
      // Without the argument, the langchain-core release decides whether secrets come from the environment.
      const pin = pythonPin(ctx, doc.file, 'langchain-core');
      if (!pin)
        ctx.report({
          message: `${callee}() of data that is not a fixed local file reads secrets from the environment by default on langchain-core < ${FIXED_IN[0]} and 1.0.0 to 1.2.4 (${ADVISORY})`,
          at: spanOf(call),
          severity: 'low',
        });
      else if (affected(pin))
        ctx.report({
          message: `${callee}() of data that is not a fixed local file reads secrets from the environment by default on ${pin.label}: fixed in ${FIXED_IN.join(' and ')} (${ADVISORY})`,
          at: spanOf(call),
        });
    }
  },
});
