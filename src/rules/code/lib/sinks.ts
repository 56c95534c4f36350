import type { SgNode } from '@ast-grep/napi';
import { lowerBound } from '../../../core/lower-bound.js';
import { importsFrom } from './imports.js';
import { SHELL_NAME, SHELL_SCRIPT_FLAG } from './shell.js';
import {
  allCalls,
  assignmentIndex,
  calleeText,
  constantString,
  isCall,
  isConstant,
  isTrue,
  LIST_KINDS,
  namedArg,
  objectProperty,
  positional,
  type Flavor,
} from './syntax.js';

/** A place where a value is used dangerously: `value` is the argument or right-hand side that reaches it. */
export interface Sink {
  node: SgNode;
  value: SgNode;
  /** What the sink is, for messages: `eval()`, `subprocess.run(shell=True)`. */
  what: string;
  /**
   * Of HTML sinks, those that compile a template (`render_template_string`, Jinja's `Template`,
   * `from_string`): HTML escaping does not escape `{{ }}`, so HTML sanitisers do not clear them.
   */
  kind?: 'html' | 'template';
}

function callSinks(
  root: SgNode,
  flavor: Flavor,
  match: (callee: string, call: SgNode) => { what: string; value?: SgNode; kind?: Sink['kind'] } | undefined,
): Sink[] {
  const out: Sink[] = [];
  for (const call of allCalls(root, flavor)) {
    const m = match(calleeText(call), call);
    if (!m) continue;
    const value = m.value ?? positional(call)[0];
    if (value && !isConstant(value))
      out.push(m.kind ? { node: call, value, what: m.what, kind: m.kind } : { node: call, value, what: m.what });
  }
  return out;
}

const PY_EXEC = /^(?:builtins\.)?(?:eval|exec|compile)$/;
const JS_VM = /^(?:vm\.)?(?:runInNewContext|runInThisContext|runInContext|compileFunction)$/;

/** Objects that run code they are given: LangChain's `PythonREPL`/`PythonAstREPLTool`, `code.InteractiveInterpreter`. */
const PY_REPL_CALL =
  /(?:^|\.)(?:python_?repl|repl|interpreter|py_?repl|code_?executor|python_?tool)\.(?:run|exec|execute|runsource|runcode|invoke)$/i;

export function codeExecutionSinks(root: SgNode, flavor: Flavor): Sink[] {
  const sinks = callSinks(root, flavor, (callee, call) => {
    if (flavor === 'python') return PY_EXEC.test(callee) || PY_REPL_CALL.test(callee) ? { what: `${callee}()` } : undefined;
    if (callee === 'eval' || callee === 'window.eval' || callee === 'globalThis.eval') return { what: 'eval()' };
    if (callee === 'Function' || callee === 'newFunction') {
      const args = positional(call);
      return { what: 'new Function()', value: args[args.length - 1] };
    }
    if (call.kind() === 'new_expression' && /^(?:vm\.)?Script$/.test(callee)) return { what: 'new vm.Script()' };
    if (JS_VM.test(callee)) return { what: `${callee}()` };
    if (/^(?:setTimeout|setInterval)$/.test(callee)) {
      const first = positional(call)[0];
      if (
        first &&
        (first.kind() === 'string' ||
          first.kind() === 'template_string' ||
          first.kind() === 'identifier' ||
          first.kind() === 'binary_expression')
      )
        return { what: `${callee}() with a string` };
    }
    return undefined;
  });
  if (flavor !== 'python') return sinks;
  // `exec(compile(code, …))` runs the code once: the `exec`/`eval` around it is the one place to report.
  const isCompile = (s: Sink): boolean => /^(?:builtins\.)?compile\(\)$/.test(s.what);
  // Anywhere in what `exec` runs: `exec(compile(x) if x else None)`, `exec((compile(x)))`.
  // Sorted by start, with the largest end among each prefix: a node lies within one iff that end,
  // over the ranges starting at or before it, reaches its end.
  const run = sinks
    .filter((s) => !isCompile(s))
    .map((s) => s.value.range())
    .map((v) => ({ start: v.start.index, end: v.end.index }))
    .sort((a, b) => a.start - b.start);
  const reach: number[] = [];
  for (const v of run) reach.push(Math.max(v.end, reach[reach.length - 1] ?? -1));
  const within = (n: SgNode): boolean => {
    const r = n.range();
    const after = lowerBound(run.length, (i) => run[i].start <= r.start.index);
    return after > 0 && reach[after - 1] >= r.end.index;
  };
  return sinks.filter((s) => !(isCompile(s) && within(s.node)));
}

const PY_SHELL =
  /^(?:os\.(?:system|popen)|commands\.getoutput|commands\.getstatusoutput|subprocess\.getoutput|subprocess\.getstatusoutput)$/;
/** Objects that run shell commands they are given: LangChain's `BashProcess`, a `ShellTool`, a terminal wrapper. */
const PY_SHELL_OBJECT =
  /(?:^|\.)(?:bash|shell|bash_?process|shell_?tool|terminal|persistent_?process)\.(?:run|process|exec|execute|invoke|send_command)$/i;
const PY_SUBPROCESS = /^(?:subprocess\.)?(?:run|call|Popen|check_output|check_call)$/;
const JS_SHELL = /^(?:child_process\.|cp\.|childProcess\.)?(?:exec|execSync)$/;
const JS_SPAWN = /^(?:child_process\.|cp\.|childProcess\.)?(?:spawn|spawnSync|execFile|execFileSync)$/;

const SHELL_PROGRAM = new RegExp(`^(?:/(?:usr/)?bin/)?${SHELL_NAME}$`);

/**
 * The element after a `-c` option among the shell's options in `items` from `from` on: the script a
 * shell runs. Options end at the first argument that is not one (`bash ./resize.sh -c n` runs a file).
 */
function scriptAfterFlag(items: SgNode[], from: number): SgNode | undefined {
  for (let i = from; i < items.length - 1; i++) {
    const option = constantString(items[i]);
    if (option === undefined || !/^[-+]/.test(option)) return undefined;
    if (SHELL_SCRIPT_FLAG.test(option)) return items[i + 1];
    // `bash -o pipefail -c …`: the option's value is not where the options end.
    if (SHELL_OPTION_WITH_VALUE.has(option)) i++;
  }
  return undefined;
}

const SHELL_OPTION_WITH_VALUE = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);

/** Programs that run the command after them: `sudo sh -c …`, `env bash -c …`, `nohup sh -c …`. */
const WRAPPER = /^(?:\/(?:usr\/)?bin\/)?(sudo|env|nohup)$/;
/** The wrappers' options whose value is the next argument (`sudo -u postgres bash`); `--unset=HOME` carries its own. */
const WRAPPER_OPTION_WITH_VALUE: Record<string, ReadonlySet<string>> = {
  sudo: new Set([
    '-u',
    '-g',
    '-C',
    '-D',
    '-h',
    '-p',
    '-r',
    '-t',
    '-U',
    '--user',
    '--group',
    '--close-from',
    '--chdir',
    '--host',
    '--prompt',
    '--role',
    '--type',
    '--other-user',
  ]),
  env: new Set(['-u', '-C', '-S', '--unset', '--chdir', '--split-string']),
  nohup: new Set(),
};

/** `["bash", "-c", script]`, `["sudo", "sh", "-c", script]`: the shell and its script, when the items run one. */
function scriptOf(items: SgNode[], from: number): { shell: string; value: SgNode } | undefined {
  let i = from;
  const wrapper = WRAPPER.exec(constantString(items[i]) ?? '')?.[1];
  // The wrapper's own options (with their values) and env's NAME=value settings.
  if (wrapper)
    for (i++; /^-|^\w+=/.test(constantString(items[i]) ?? ''); i++)
      if (WRAPPER_OPTION_WITH_VALUE[wrapper].has(constantString(items[i]) ?? '')) i++;
  const shell = constantString(items[i]);
  if (shell === undefined || !SHELL_PROGRAM.test(shell)) return undefined;
  const value = scriptAfterFlag(items, i + 1);
  return value ? { shell, value } : undefined;
}

/** The list a command is, directly or through a name last given one before it in the same scope: `cmd = ["bash", "-c", x]`. */
function listOf(cmd: SgNode, root: SgNode, flavor: Flavor): SgNode | undefined {
  if (LIST_KINDS.has(String(cmd.kind()))) return cmd;
  if (cmd.kind() !== 'identifier') return undefined;
  const last = assignmentIndex(root, flavor).lastBefore(cmd);
  return last && !last.part && last.value && LIST_KINDS.has(String(last.value.kind())) ? last.value : undefined;
}

function shellScript(cmd: SgNode, root: SgNode, flavor: Flavor): { shell: string; value: SgNode } | undefined {
  const list = listOf(cmd, root, flavor);
  return list
    ? scriptOf(
        list.namedChildren().filter((c) => c.kind() !== 'comment'),
        0,
      )
    : undefined;
}

export function shellSinks(root: SgNode, flavor: Flavor): Sink[] {
  return callSinks(root, flavor, (callee, call) => {
    if (flavor === 'python') {
      if (PY_SHELL.test(callee) || PY_SHELL_OBJECT.test(callee)) return { what: `${callee}()` };
      // `asyncio.create_subprocess_exec("bash", "-c", script)`: the vector as arguments.
      if (/^(?:asyncio\.)?create_subprocess_exec$/.test(callee)) {
        const script = scriptOf(positional(call), 0);
        return script ? { what: `${callee}("${script.shell}", "-c", …)`, value: script.value } : undefined;
      }
      if (PY_SUBPROCESS.test(callee) && (callee.startsWith('subprocess.') || callee === 'Popen')) {
        const cmd = positional(call)[0] ?? namedArg(call, 'args');
        if (!cmd) return undefined;
        if (isTrue(namedArg(call, 'shell'))) return { what: `${callee}(shell=True)`, value: cmd };
        const script = shellScript(cmd, root, flavor);
        if (script) return { what: `${callee}(["${script.shell}", "-c", …])`, value: script.value };
        // `shlex.split(text)` lets the text choose the program and all its arguments.
        if (isCall(cmd) && calleeText(cmd) === 'shlex.split') return { what: `${callee}(shlex.split(...))`, value: cmd };
      }
      return undefined;
    }
    if (JS_SHELL.test(callee)) return { what: `${callee}()` };
    if (JS_SPAWN.test(callee)) {
      const opts = positional(call).find((a) => a.kind() === 'object');
      if (opts && isTrue(objectProperty(opts, 'shell'))) return { what: `${callee}({ shell: true })` };
      // `spawn("bash", ["-c", script])`
      const [program, args] = positional(call);
      const list = args && listOf(args, root, flavor);
      if (program && list) {
        const script = scriptOf([program, ...list.namedChildren().filter((c) => c.kind() !== 'comment')], 0);
        if (script) return { what: `${callee}("${script.shell}", ["-c", …])`, value: script.value };
      }
    }
    return undefined;
  });
}

const PY_SQL = /(?:^|\.)(?:execute|executemany|executescript|exec_driver_sql|raw|read_sql|read_sql_query)$/;
/** A database object's own query method: LangChain's `SQLDatabase.run`, a `db.query(sql)` wrapper. */
const PY_SQL_OBJECT = /(?:^|\.)(?:db|database|sql_?database|sql_?db|sqldb|warehouse)\.(?:run|run_no_throw|query|sql)$/i;
const JS_SQL = /(?:^|\.)(?:query|execute|raw|\$queryRawUnsafe|\$executeRawUnsafe|unsafe|exec)$/;
const JS_SQL_RECEIVER = /(?:db|sql|pool|conn|connection|client|knex|sequelize|prisma|pg|mysql|database|cursor|tx|trx)$/i;

/** SQL built from text: the first argument of a query call is not a constant (parameters go separately). */
export function sqlSinks(root: SgNode, flavor: Flavor): Sink[] {
  return callSinks(root, flavor, (callee) => {
    if (flavor === 'python') {
      if (PY_SQL_OBJECT.test(callee)) return { what: `${callee}()` };
      if (!PY_SQL.test(callee)) return undefined;
      if (/^(?:pd|pandas)\./.test(callee) || /\.(?:execute|executemany|executescript|exec_driver_sql|raw)$/.test(callee))
        return { what: `${callee}()` };
      return undefined;
    }
    if (!JS_SQL.test(callee) || !callee.includes('.')) return undefined;
    const receiver = callee.slice(0, callee.lastIndexOf('.'));
    return JS_SQL_RECEIVER.test(receiver) ? { what: `${callee}()` } : undefined;
  });
}

const PY_TEMPLATE_STRING = /^(?:flask\.)?render_template_string$/;
const PY_HTML = /^(?:markupsafe\.|jinja2\.)?Markup$/;
const JS_HTML_CALL = /(?:^|\.)(?:insertAdjacentHTML|write|writeln)$/;

/** Jinja templates compiled from text: server-side template injection. */
const PY_JINJA = /^jinja2\.Template$|(?:^|\.)from_string$/;

/**
 * `jsx`: the grammar has JSX (JavaScript, TSX), so `dangerouslySetInnerHTML` can appear. `jinja`: the
 * file imports Jinja's `Template` (a bare `Template(…)` is Jinja's, not `string.Template`) or uses an
 * unsandboxed Jinja `Environment` (`env.from_string(…)`).
 */
export function htmlSinks(
  root: SgNode,
  flavor: Flavor,
  jsx: boolean,
  jinja: { template: boolean; fromString: boolean } = { template: false, fromString: false },
): Sink[] {
  const out = callSinks(root, flavor, (callee, call) => {
    if (flavor === 'python') {
      if (PY_TEMPLATE_STRING.test(callee)) return { what: `${callee}()`, kind: 'template' };
      if (PY_HTML.test(callee)) return { what: `${callee}()`, kind: 'html' };
      if (callee === 'jinja2.Template' || (callee === 'Template' && jinja.template)) return { what: 'jinja2.Template()', kind: 'template' };
      if (jinja.fromString && PY_JINJA.test(callee) && callee !== 'jinja2.Template') return { what: `${callee}()`, kind: 'template' };
      return undefined;
    }
    if (/(?:^|\.)insertAdjacentHTML$/.test(callee)) return { what: 'insertAdjacentHTML()', value: positional(call)[1] };
    if (JS_HTML_CALL.test(callee) && /^document\./.test(callee)) return { what: `${callee}()` };
    return undefined;
  });
  if (flavor === 'js') {
    for (const a of root.findAll({ rule: { kind: 'assignment_expression' } })) {
      const left = a.field('left');
      const right = a.field('right');
      if (left && right && /\.(?:innerHTML|outerHTML)$/.test(left.text()) && !isConstant(right))
        out.push({ node: a, value: right, what: left.text().slice(left.text().lastIndexOf('.') + 1) });
    }
    for (const attr of jsx ? root.findAll({ rule: { kind: 'jsx_attribute' } }) : []) {
      if (attr.namedChildren()[0]?.text() !== 'dangerouslySetInnerHTML') continue;
      const obj = attr.find({ rule: { kind: 'object' } });
      const html = obj ? objectProperty(obj, '__html') : undefined;
      if (html && !isConstant(html)) out.push({ node: attr, value: html, what: 'dangerouslySetInnerHTML' });
    }
  }
  return out;
}

/** Reports every sink that model output reaches, followed through the file (see `Flow`). */
export function reportModelOutputAt(
  sinks: readonly Sink[],
  flow: { reaches(node: SgNode, sink: Sink): boolean },
  report: (sink: Sink) => void,
): void {
  for (const sink of sinks) if (flow.reaches(sink.value, sink)) report(sink);
}

const HTTP_METHODS = 'get|post|put|patch|delete|head|options|request|stream';
const PY_HTTP = new RegExp(`^(?:requests|httpx)\\.(?:${HTTP_METHODS})$|^(?:urllib\\.request\\.|urllib2\\.|request\\.)?urlopen$`);
const PY_HTTP_NAME = new RegExp(`^(?:${HTTP_METHODS})$`);
/** An object named for HTTP: an `httpx.AsyncClient` kept as `http`, `self.http_client`. */
const PY_HTTP_OBJECT = new RegExp(`(?:^|\\.)\\w*http\\w*\\.(?:${HTTP_METHODS})$`, 'i');
/** Constructors of Python HTTP clients, by module: a requests or aiohttp session, an httpx client. */
const PY_CLIENT_MODULES: ReadonlyMap<string, readonly string[]> = new Map([
  ['requests', ['Session', 'session']],
  ['requests.sessions', ['Session', 'session']],
  ['aiohttp', ['ClientSession']],
  ['httpx', ['Client', 'AsyncClient']],
]);
const PY_CLIENT = /^(?:requests\.(?:sessions\.)?(?:Session|session)|aiohttp\.ClientSession|ClientSession|httpx\.(?:Async)?Client)$/;

const JS_HTTP = /^(?:fetch|window\.fetch|globalThis\.fetch|axios|got|ky|undici\.fetch|undici\.request|needle)$/;
const JS_HTTP_METHOD = new RegExp(`^(?:axios|got|ky|superagent|needle|https?|\\w*[hH]ttp\\w*|\\w*[sS]ession)\\.(?:${HTTP_METHODS})$`);

/** An HTTP client object: whether it was made with a `base_url` (a path given to it stays on that host). */
export interface HttpClient {
  baseUrl: boolean;
}

/**
 * Names bound to HTTP clients in a file, and the callees that make one there besides the dotted ones:
 * `Session` after `from requests import Session`, `hx.Client` after `import httpx as hx`.
 */
export class HttpClients extends Map<string, HttpClient> {
  readonly constructors = new Set<string>();
}

/** The callees the file's imports make into client constructors besides the dotted ones: `AC` of `from httpx import AsyncClient as AC`, `hx.Client` of `import httpx as hx`. */
function importedConstructors(root: SgNode, into: Set<string>): void {
  for (const i of importsFrom(root, (m) => PY_CLIENT_MODULES.has(m))) {
    const names = PY_CLIENT_MODULES.get(i.module)!;
    if (i.name === '') for (const name of names) into.add(`${i.local}.${name}`);
    else if (names.includes(i.name)) into.add(i.local);
  }
}

function pythonClient(value: SgNode | null | undefined, constructors: ReadonlySet<string>): HttpClient | undefined {
  if (!value || !isCall(value)) return undefined;
  const callee = calleeText(value);
  if (!PY_CLIENT.test(callee) && !constructors.has(callee)) return undefined;
  return { baseUrl: namedArg(value, 'base_url') !== undefined };
}

/**
 * Names bound to a Python HTTP client in the file (`s = requests.Session()`, `self.http = httpx.Client(…)`,
 * `async with aiohttp.ClientSession() as s`, `Session()` imported from requests), by the text of the name.
 * A name bound also to anything else keeps the first client binding: the rule is about what the name is used
 * for, not about flow.
 */
export function httpClients(root: SgNode, flavor: Flavor): HttpClients {
  const out = new HttpClients();
  if (flavor !== 'python') return out;
  importedConstructors(root, out.constructors);
  for (const n of root.findAll({ rule: { any: [{ kind: 'assignment' }, { kind: 'as_pattern' }] } })) {
    const [value, target] =
      n.kind() === 'assignment' ? [n.field('right'), n.field('left')] : [n.namedChildren()[0], n.field('alias') ?? n.namedChildren()[1]];
    const client = pythonClient(value, out.constructors);
    const name = target?.text().replace(/\s+/g, '');
    if (client && name && !out.has(name)) out.set(name, client);
  }
  return out;
}

/** The client a Python call is made on: a name bound to one, or one made in place (`requests.Session().get(url)`). */
export function clientOf(call: SgNode, clients: HttpClients): HttpClient | undefined {
  const f = call.field('function');
  const object = f?.kind() === 'attribute' ? f.field('object') : undefined;
  if (!object) return undefined;
  return clients.get(object.text().replace(/\s+/g, '')) ?? pythonClient(object, clients.constructors);
}

/**
 * HTTP requests to a URL given as a value: `requests.get(url)`, `httpx.post(url=…)`, `urlopen(url)`, a
 * session's or httpx client's `get` (the object bound from `requests.Session()`, `aiohttp.ClientSession()`,
 * `httpx.Client()`), `fetch(url)`, `axios(url)`/`axios({ url })`/`axios.get(url)`, `got`, `ky`, `http(s).get`.
 * A `get` on any other object (a dict, a Redis or cache client, a SQLAlchemy or Flask session) is not a request.
 */
export function httpSinks(root: SgNode, flavor: Flavor, clients: HttpClients = httpClients(root, flavor)): Sink[] {
  return callSinks(root, flavor, (callee, call) => {
    const name = callee.slice(callee.lastIndexOf('.') + 1);
    if (flavor === 'python') {
      const direct = PY_HTTP.test(callee);
      if (!direct && !(PY_HTTP_NAME.test(name) && (PY_HTTP_OBJECT.test(callee) || clientOf(call, clients)))) return undefined;
      const args = positional(call);
      const url = namedArg(call, 'url') ?? (name === 'request' || name === 'stream' ? args[1] : args[0]);
      return url ? { what: `${callee}()`, value: url } : undefined;
    }
    if (call.kind() === 'new_expression') return undefined;
    if (!JS_HTTP.test(callee) && !JS_HTTP_METHOD.test(callee)) return undefined;
    const first = positional(call)[0];
    const url = first?.kind() === 'object' ? objectProperty(first, 'url', 'href', 'hostname', 'host') : first;
    return url ? { what: `${callee}()`, value: url } : undefined;
  });
}
