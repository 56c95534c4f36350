import type { SgNode } from '@ast-grep/napi';
import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { Flow, TOOL_INPUT_DOC } from './lib/flow.js';
import { clientOf, httpClients, httpSinks, reportModelOutputAt, type HttpClients, type Sink } from './lib/sinks.js';
import {
  assignmentIndex,
  calleeText,
  constantString,
  enclosingScope,
  flavorOf,
  isCall,
  isConstant,
  mentions,
  positional,
  type AssignmentIndex,
  type Flavor,
} from './lib/syntax.js';

/** A literal URL start that fixes the scheme and the host: `https://api.example.com/`, up to the first `/`, `?` or `#` after the host. */
const FIXED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\\@\s]+[/?#]/i;
/** A base URL whose host is literal, as a whole (`"https://api.example.com"`). */
const FIXED_BASE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\\@\s]+(?:[/?#]|$)/i;
/** A path on the client's or base's own host: `/search?q=`, not `//host/` nor `/\host/` (browsers read `\` as `/`). */
const HOST_PATH = /^\/(?![/\\])/;
const QUOTE_OPEN = /^[a-zA-Z]{0,2}(?:'''|"""|['"`])/;
const QUOTE_CLOSE = /(?:'''|"""|['"`])$/;

/** Words of the HTTP clients' names and modules (a cheap filter before the syntax tree is read). */
const CLIENT_WORDS = ['requests', 'httpx', 'urlopen', 'session', 'Session', 'fetch', 'axios', 'needle', 'undici', 'superagent'];
/**
 * got and ky by their package's name, bare or on a CDN: `from "got"`, `` require(`got`) ``, `"npm:ky@1"`,
 * `'ky-universal'`, `"https://esm.sh/ky@1.2.0?target=es2022"`, `"https://cdn.jsdelivr.net/npm/ky@1/+esm"`;
 * not a file of the project named after them (`"./got"`, `"@/http/ky"`). Bounded, so linear.
 */
const SHORT_MODULE =
  /['"`](?:npm:|https?:\/\/[^'"`\s?#]{1,256}\/)?(?:got|ky)(?:-universal)?(?:@[^'"`\s/?#+]{0,64})?(?:[/?#+][^'"`\s]{0,256})?['"`]/;
/** A call of got or ky: `got(url)`, `ky.get(url)` (the name is theirs only in a file that names their module). */
const SHORT_CALL = /^(?:got|ky)(?:\(|\.)/;
/** A name before a `.`: the receiver of a call such as `https.get`, `self.http_client.post`. */
const RECEIVER_NAME = /\b\w+(?=\s*\??\.)/g;

/** The file may make a request the rule reads: it names a client, a got/ky module, or calls a method on something named for HTTP. */
function mayRequest(text: string): boolean {
  if (mentions(text, CLIENT_WORDS) || SHORT_MODULE.test(text)) return true;
  if (!/http/i.test(text)) return false;
  for (const [name] of text.matchAll(RECEIVER_NAME)) if (/http/i.test(name)) return true;
  return false;
}

const GUARDS: Record<Flavor, string[]> = { python: ['if_statement', 'elif_clause', 'assert_statement'], js: ['if_statement'] };

/** A condition that compares a parsed URL's host or origin: `urlparse(u).hostname in ALLOWED`, `new URL(u).hostname !== HOST`, `ALLOWED.has(url.host)`. */
const HOST_CHECK = /(?:\.|\b)(?:hostname|netloc|host|origin)\b/;
/** The names a condition mentions (a superset: words in its strings too). */
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;
const COMPARISON = /\bnot\s+in\b|\bin\b|[=!]==?|\.(?:includes|has|startswith|endswith|startsWith|endsWith|indexOf)\s*\(/;

/**
 * What the rule reads of a file's scopes: the assignments to each name in each scope (shared, see
 * `assignmentIndex`), the first host check of each scope, and the module's string constants.
 */
class Scopes {
  private readonly assignments: AssignmentIndex;
  /** By scope, each name a host check's condition mentions, and where the first such check is. */
  private readonly hostChecks = new Map<number, Map<string, number>>();
  readonly constants = new Map<string, string>();

  constructor(root: SgNode, flavor: Flavor) {
    for (const n of root.findAll({ rule: { any: GUARDS[flavor].map((kind) => ({ kind })) } })) {
      const text = (n.field('condition') ?? n.namedChildren()[0])?.text() ?? '';
      if (!HOST_CHECK.test(text) || !COMPARISON.test(text)) continue;
      const scope = enclosingScope(n).id();
      let names = this.hostChecks.get(scope);
      if (!names) this.hostChecks.set(scope, (names = new Map()));
      const at = n.range().start.index;
      for (const [name] of text.matchAll(IDENTIFIER)) if (!names.has(name)) names.set(name, at);
    }
    this.assignments = assignmentIndex(root, flavor);
    const module = this.assignments.rootId;
    // A module name assigned once, a string literal.
    for (const name of this.assignments.names(module)) {
      const sets = this.assignments.in(module, name, false);
      const text = sets.length === 1 ? constantString(sets[0].value) : undefined;
      if (text !== undefined) this.constants.set(name, text);
    }
  }

  /**
   * The values a name may hold at a use, from the assignments in its scope that can reach it: the last one
   * before it, and those before it while that one is in a branch the use is not in (`if a: url = x else: url = y`).
   */
  reaching(name: SgNode): Array<SgNode | undefined> {
    return this.assignments.reaching(name).map((a) => a.value);
  }

  /** The function (or module) compares the host of the URL named `url` before `node`: an `if`/`assert` before it whose condition compares a host and names it. */
  hostChecked(node: SgNode, url: SgNode): boolean {
    if (url.kind() !== 'identifier') return false;
    const at = this.hostChecks.get(enclosingScope(node).id())?.get(url.text());
    return at !== undefined && at <= node.range().start.index;
  }
}

/** The text of an interpolated value when it is a module string constant (`{BASE_URL}`, `${BASE}`). */
function constantIn(interpolation: SgNode, scopes: Scopes): string | undefined {
  const inner = interpolation.namedChildren();
  return inner.length === 1 && inner[0].kind() === 'identifier' ? scopes.constants.get(inner[0].text()) : undefined;
}

function isConstantText(node: SgNode, scopes: Scopes): boolean {
  return isConstant(node) || (node.kind() === 'identifier' && scopes.constants.has(node.text()));
}

/** The literal text a URL expression starts with before any value goes in (f-string, template, `+`, `.format`, `%`); module string constants count as literal. */
function literalStart(node: SgNode, scopes: Scopes): string | undefined {
  const k = node.kind();
  if (k === 'parenthesized_expression') {
    const inner = node.namedChildren()[0];
    return inner ? literalStart(inner, scopes) : undefined;
  }
  if (k === 'identifier') return scopes.constants.get(node.text());
  if (k === 'string' || k === 'template_string') {
    if (isConstant(node)) return constantString(node);
    const start = node.range().start.index;
    const text = node.text();
    let out = '';
    let from = 0;
    for (const c of node.namedChildren()) {
      if (c.kind() !== 'interpolation' && c.kind() !== 'template_substitution') continue;
      out +=
        from === 0 ? text.slice(0, c.range().start.index - start).replace(QUOTE_OPEN, '') : text.slice(from, c.range().start.index - start);
      from = c.range().end.index - start;
      const value = constantIn(c, scopes);
      if (value === undefined) return out;
      out += value;
    }
    return out + text.slice(from).replace(QUOTE_CLOSE, '');
  }
  if ((k === 'binary_operator' || k === 'binary_expression') && node.field('operator')?.text() === '+') {
    const left = node.field('left');
    const right = node.field('right');
    const head = left ? literalStart(left, scopes) : undefined;
    if (head === undefined) return undefined;
    // `BASE + "/path?q=" + x`: a constant head goes on with the literal start of what follows.
    const tail = left && right && isConstantText(left, scopes) ? literalStart(right, scopes) : undefined;
    return head + (tail ?? '');
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

/** `new URL("/path?q=" + x, BASE)`: a path on a base whose whole text is a literal origin. */
function pathOnFixedBase(node: SgNode, scopes: Scopes): boolean {
  if (node.kind() !== 'new_expression' || !/^(?:URL|url\.URL)$/.test(calleeText(node))) return false;
  const [path, base] = positional(node);
  if (!path || !base || !isConstantText(base, scopes)) return false;
  const baseText = literalStart(base, scopes);
  const pathText = literalStart(path, scopes);
  return baseText !== undefined && FIXED_BASE.test(baseText) && pathText !== undefined && HOST_PATH.test(pathText);
}

/** The URL's scheme and host are fixed: a literal origin, a path on a client made with a `base_url`, a path on a literal base. */
function fixedOrigin(node: SgNode, sink: SgNode, scopes: Scopes, clients: HttpClients): boolean {
  const start = literalStart(node, scopes);
  if (start !== undefined && (FIXED_ORIGIN.test(start) || (HOST_PATH.test(start) && clientOf(sink, clients)?.baseUrl === true)))
    return true;
  return pathOnFixedBase(node, scopes);
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
      'A URL taken from model output (its text, or the arguments of a tool call it makes) and fetched by the server (`requests`, `httpx`, `urlopen`, an object made by `requests.Session()`, `aiohttp.ClientSession()` or `httpx.Client()`, `fetch`, axios, got, ky, `http(s).get`) lets whoever steers the model through prompt injection make the server request any address it can reach: cloud metadata endpoints (`169.254.169.254`) and their credentials, internal services, the cluster API (server-side request forgery, CWE-918). A URL whose scheme and host are literal (`f"https://api.example.com/{path}"`, up to the first `/`, `?` or `#` after the host, also when held in a module constant: `f"{BASE_URL}/{path}"`), a path (`/search?q=…`) on an httpx client made with a `base_url` or in `new URL(path, BASE)` with a constant base, is not reported, nor a request made after the function compares the URL’s host (`urlparse(u).hostname in ALLOWED`, `new URL(u).hostname === HOST`). `urljoin`/`new URL(x, base)` are reported: an absolute URL in `x` replaces the base’s host.' +
      ` ${TOOL_INPUT_DOC}`,
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
    if (!mayRequest(doc.text)) return;
    const flavor = flavorOf(doc);
    const flow = Flow.of(doc, 'llm');
    const clients = httpClients(doc.root, flavor);
    let scopes: Scopes | undefined;
    // Model output reaching the sink is asked first: a file without it never indexes its scopes.
    const reaches = (value: SgNode, sink: Sink): boolean => {
      if (!flow.reaches(value)) return false;
      scopes ??= new Scopes(doc.root, flavor);
      if (fixedOrigin(value, sink.node, scopes, clients)) return false;
      // A name whose every value that reaches the request carrying model output has a fixed origin: an
      // `os.environ[…]`, `""` or `None` set before an if/else carries none. When no value set to the name
      // carries it, it came in another way (`url += out`, a loop) and the request is reported.
      const stored =
        value.kind() === 'identifier' ? scopes.reaching(value).filter((v): v is SgNode => v !== undefined && flow.reaches(v)) : [];
      if (stored.length && stored.every((v) => fixedOrigin(v, sink.node, scopes!, clients))) return false;
      return !scopes.hostChecked(sink.node, value);
    };
    // Whatever the prefilter lets through, `got`/`ky` are clients only where the file names their module
    // (the text read again only for a file that calls one).
    let shortModule: boolean | undefined;
    const sinks = httpSinks(doc.root, flavor, clients).filter(
      (s) => !SHORT_CALL.test(s.what) || (shortModule ??= SHORT_MODULE.test(doc.text)),
    );
    reportModelOutputAt(sinks, { reaches }, (sink) =>
      ctx.report({ message: `Model output chooses the URL of ${sink.what}`, at: spanOf(sink.node) }),
    );
  },
});
