import type { SgNode } from '@ast-grep/napi';
import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { Flow } from './lib/flow.js';
import { httpSinks, reportModelOutputAt, type Sink } from './lib/sinks.js';
import { calleeText, constantString, enclosingScope, flavorOf, isCall, mentions, type Flavor } from './lib/syntax.js';

/** A literal URL start that fixes the scheme and the host: `https://api.example.com/`, up to the first `/`, `?` or `#` after the host. */
const FIXED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\\@\s]+[/?#]/i;

/** The literal text a URL expression starts with before any value goes in (f-string, template, `+`, `.format`, `%`). */
function literalStart(node: SgNode): string | undefined {
  const k = node.kind();
  if (k === 'parenthesized_expression') {
    const inner = node.namedChildren()[0];
    return inner ? literalStart(inner) : undefined;
  }
  if (k === 'string' || k === 'template_string') {
    const first = node.namedChildren().find((c) => c.kind() === 'interpolation' || c.kind() === 'template_substitution');
    const end = first ? first.range().start.index : node.range().end.index;
    return node.text().slice(0, end - node.range().start.index).replace(/^[a-zA-Z]{0,2}(?:'''|"""|['"`])/, '');
  }
  if ((k === 'binary_operator' || k === 'binary_expression') && node.field('operator')?.text() === '+') {
    const left = node.field('left');
    return left ? literalStart(left) : undefined;
  }
  if (k === 'binary_operator' && node.field('operator')?.text() === '%') {
    const format = constantString(node.field('left') ?? undefined);
    return format?.slice(0, Math.max(0, format.indexOf('%')));
  }
  if (isCall(node) && /\.format$/.test(calleeText(node))) {
    const format = constantString(node.field('function')?.field('object') ?? undefined);
    return format?.slice(0, Math.max(0, format.indexOf('{')));
  }
  return undefined;
}

function fixedOrigin(node: SgNode): boolean {
  const start = literalStart(node);
  return start !== undefined && FIXED_ORIGIN.test(start);
}

const ASSIGNMENTS: Record<Flavor, string[]> = { python: ['assignment'], js: ['variable_declarator', 'assignment_expression'] };

/** The value last assigned to a name in its scope before `at` (`url = f"https://api.example.com/{x}"`), when that is the only kind of assignment. */
function lastAssigned(name: SgNode, flavor: Flavor): SgNode | undefined {
  const scope = enclosingScope(name);
  const at = name.range().start.index;
  let last: SgNode | undefined;
  for (const a of scope.findAll({ rule: { any: ASSIGNMENTS[flavor].map((kind) => ({ kind })) } })) {
    if (a.range().end.index > at || enclosingScope(a).id() !== scope.id()) continue;
    const target = a.field('left') ?? a.field('name');
    if (target?.text() === name.text()) last = a.field('right') ?? a.field('value') ?? undefined;
  }
  return last;
}

/** A condition that compares a parsed URL's host or origin: `urlparse(u).hostname in ALLOWED`, `new URL(u).hostname !== HOST`, `ALLOWED.has(url.host)`. */
const HOST_CHECK = /(?:\.|\b)(?:hostname|netloc|host|origin)\b/;
const COMPARISON = /\bnot\s+in\b|\bin\b|[=!]==?|\.(?:includes|has|startswith|endswith|startsWith|endsWith|indexOf)\s*\(/;
const GUARDS: Record<Flavor, string[]> = { python: ['if_statement', 'elif_clause', 'assert_statement'], js: ['if_statement'] };

/** The function (or module) checks a URL's host before the request: an `if`/`assert` before it whose condition compares a host. */
function hostChecked(sink: Sink, flavor: Flavor): boolean {
  const scope = enclosingScope(sink.node);
  const at = sink.node.range().start.index;
  for (const g of scope.findAll({ rule: { any: GUARDS[flavor].map((kind) => ({ kind })) } })) {
    if (g.range().start.index > at) continue;
    const condition = g.field('condition') ?? g.namedChildren()[0];
    const text = condition?.text() ?? '';
    if (HOST_CHECK.test(text) && COMPARISON.test(text)) return true;
  }
  return false;
}

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0015',
    slug: 'llm-output-request-url',
    title: 'Model output chooses the URL of a server-side request',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM05' },
      { id: 'owasp-llm-2025', control: 'LLM06' },
    ],
    rationale:
      'A URL taken from model output (its text, or the arguments of a tool call it makes) and fetched by the server (`requests`, `httpx`, `urlopen`, an aiohttp or requests session, `fetch`, axios, got, ky, `http(s).get`) lets whoever steers the model through prompt injection make the server request any address it can reach: cloud metadata endpoints (`169.254.169.254`) and their credentials, internal services, the cluster API (server-side request forgery, CWE-918). A URL whose scheme and host are literal (`f"https://api.example.com/{path}"`, up to the first `/`, `?` or `#` after the host) is not reported, nor a request made after the function compares the URL’s host (`urlparse(u).hostname in ALLOWED`, `new URL(u).hostname === HOST`). `urljoin`/`new URL(x, base)` are reported: an absolute URL in `x` replaces the base’s host.',
    remediation:
      'Let the model choose among known endpoints, not write URLs: map its answer onto a fixed table of URLs, or put its value in the path or query of a URL with a literal scheme and host. If any host must be reachable, parse the URL, compare its host against an allow-list before the request, refuse redirects to other hosts, and send the request from a network that cannot reach metadata endpoints or internal services.',
    references: [
      'https://genai.owasp.org/llmrisk/llm052025-improper-output-handling/',
      'https://cwe.mitre.org/data/definitions/918.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html',
    ],
    examples: {
      bad: [
        {
          path: 'browse.py',
          content:
            'import requests\n\ndef browse(llm, task):\n    url = llm.invoke(f"Which page answers {task}? Reply with its URL.").content.strip()\n    return requests.get(url, timeout=10).text\n',
        },
      ],
      good: [
        {
          path: 'browse.py',
          content:
            'from urllib.parse import urlparse\nimport requests\nALLOWED = {"docs.example.com"}\n\ndef browse(llm, task):\n    url = llm.invoke(f"Which page answers {task}? Reply with its URL.").content.strip()\n    if urlparse(url).hostname not in ALLOWED:\n        raise ValueError("host not allowed")\n    return requests.get(url, timeout=10, allow_redirects=False).text\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!mentions(doc.text, ['requests', 'httpx', 'urlopen', 'session', 'Session', 'http', 'fetch', 'axios', 'got', 'ky', 'needle', 'undici']))
      return;
    const flavor = flavorOf(doc);
    const flow = Flow.of(doc, 'llm');
    const sinks = httpSinks(doc.root, flavor, doc.text).filter((sink) => {
      if (fixedOrigin(sink.value)) return false;
      const stored = sink.value.kind() === 'identifier' ? lastAssigned(sink.value, flavor) : undefined;
      return !(stored && fixedOrigin(stored));
    });
    reportModelOutputAt(
      sinks,
      { reaches: (value, sink) => !hostChecked(sink, flavor) && flow.reaches(value) },
      (sink) => ctx.report({ message: `Model output chooses the URL of ${sink.what}`, at: spanOf(sink.node) }),
    );
  },
});
