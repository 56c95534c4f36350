import type { SgNode } from '@ast-grep/napi';
import type { CodeDocument } from '../../../parsers/code/code-document.js';
import {
  allCalls,
  calleeName,
  calleeText,
  enclosingScope,
  flavorOf,
  hasJsx,
  isCall,
  isFunction,
  positional,
  unquote,
  type Flavor,
} from './syntax.js';

/**
 * Calls whose result is model output: OpenAI/Azure/Anthropic/Gemini/Mistral/Cohere clients, LiteLLM,
 * Ollama, the Vercel AI SDK, and LangChain/LlamaIndex runnables (`invoke`, `run`, `predict`, …) on a
 * receiver that names a model, chain or agent.
 */
const LLM_CALLEE = [
  /(?:^|\.)chat\.completions\.(?:create|parse|stream)$/,
  /(?:^|\.)completions\.create$/,
  /(?:^|\.)responses\.(?:create|parse)$/,
  /(?:^|\.)messages\.(?:create|stream)$/,
  /(?:^|\.)(?:generate_content|generate_content_async|generateContent|generateContentStream)$/,
  /(?:^|\.)chat\.(?:complete|complete_async|stream)$/,
  /^(?:litellm\.)?a?completion$/,
  /^ollama\.(?:chat|generate)$/,
  /^(?:generateText|streamText|generateObject|streamObject)$/,
  /(?:^|\.)(?:chat|generate)$/,
];
const RUNNABLE_METHODS = new Set([
  'invoke',
  'ainvoke',
  'run',
  'arun',
  'predict',
  'apredict',
  'stream',
  'astream',
  'batch',
  'query',
  'aquery',
  'chat',
  'complete',
  'kickoff',
  'generate',
]);
const MODEL_RECEIVER =
  /(?:llm|chain|agent|model|chat|qa|executor|graph|crew|engine|bot|assistant|gpt|claude|gemini|ollama|openai|anthropic|client)/i;

export function isLlmCall(call: SgNode): boolean {
  if (!isCall(call)) return false;
  const callee = calleeText(call);
  if (!callee) return false;
  const method = calleeName(call);
  if (callee.includes('.')) {
    const receiver = callee.slice(0, callee.lastIndexOf('.'));
    if (/(?:^|\.)chat$/.test(callee) || /(?:^|\.)generate$/.test(callee)) return /ollama|client|llm|model/i.test(receiver);
    if (LLM_CALLEE.some((re) => re.test(callee))) return true;
    if (RUNNABLE_METHODS.has(method) && MODEL_RECEIVER.test(receiver.slice(receiver.lastIndexOf('.') + 1))) return true;
    return false;
  }
  return LLM_CALLEE.slice(0, -1).some((re) => re.test(callee));
}

/** Request data: Flask `request.*`, Express/Koa/Next `req.body|query|params`, `request.json()`. */
const REQUEST_EXPR =
  /^(?:flask\.)?request\.(?:args|form|json|values|data|get_json|get_data|files|headers|cookies|query_params|path_params|body)\b|^(?:req|request|ctx\.request)\.(?:body|query|params|json|text|formData|searchParams)\b/;

export function isRequestExpression(node: SgNode): boolean {
  const k = node.kind();
  if (k !== 'attribute' && k !== 'member_expression' && k !== 'call' && k !== 'call_expression') return false;
  return REQUEST_EXPR.test(
    node
      .text()
      .replace(/\s+/g, '')
      .replace(/^await/, ''),
  );
}

const ROUTE_DECORATOR = /^@\s*\w+(?:\.\w+)*\.(?:route|get|post|put|patch|delete|websocket|api_route)\s*\(/;
const ROUTE_REGISTRATION = /^(?:app|router|server|api|fastify|route|r)\.(?:get|post|put|patch|delete|all|use|route|handle)$/;
const NEXT_HANDLER = /^(?:GET|POST|PUT|PATCH|DELETE)$/;

/**
 * True when the function handles web requests: a Flask/FastAPI route (decorated), a function passed
 * to Express/Fastify/Koa route registration, or a Next.js route handler (`export async function POST`).
 */
export function isRequestHandler(fn: SgNode): boolean {
  if (!isFunction(fn)) return false;
  const parent = fn.parent();
  if (parent?.kind() === 'decorated_definition') {
    return parent.children().some((c) => c.kind() === 'decorator' && ROUTE_DECORATOR.test(c.text()));
  }
  if (parent?.kind() === 'arguments') {
    const call = parent.parent();
    if (call && isCall(call) && ROUTE_REGISTRATION.test(calleeText(call))) return true;
  }
  const name = fn.field('name')?.text();
  return name !== undefined && NEXT_HANDLER.test(name);
}

/** Parameters of a request handler: in FastAPI they are request data. */
function handlerParameters(fn: SgNode): string[] {
  const params = fn.field('parameters');
  if (!params) return [];
  return params
    .namedChildren()
    .map((p) =>
      p.kind() === 'identifier'
        ? p.text()
        : (p.field('name')?.text() ??
          p
            .namedChildren()
            .find((c) => c.kind() === 'identifier')
            ?.text() ??
          ''),
    )
    .filter((n) => n && n !== 'self' && n !== 'cls');
}

const ASSIGNMENT_KINDS: Record<Flavor, string[]> = {
  python: ['assignment', 'augmented_assignment', 'for_statement', 'named_expression'],
  js: ['variable_declarator', 'assignment_expression', 'for_in_statement'],
};
const REFERENCE_KINDS: Record<Flavor, string[]> = {
  python: ['identifier', 'attribute', 'call'],
  js: ['identifier', 'member_expression', 'call_expression', 'new_expression', 'shorthand_property_identifier'],
};
const PATTERN_KINDS: Record<Flavor, string[]> = {
  python: ['identifier'],
  js: ['identifier', 'shorthand_property_identifier_pattern'],
};

function targetAndValue(node: SgNode): [SgNode | null, SgNode | null] {
  switch (node.kind()) {
    case 'variable_declarator':
      return [node.field('name'), node.field('value')];
    case 'named_expression':
      return [node.field('name'), node.field('value')];
    case 'for_statement':
    case 'for_in_statement':
      return [node.field('left'), node.field('right')];
    default:
      return [node.field('left'), node.field('right')];
  }
}

function names(target: SgNode, flavor: Flavor): string[] {
  const k = target.kind();
  if (k === 'identifier' || k === 'attribute' || k === 'member_expression') return [target.text()];
  return target.findAll({ rule: { any: PATTERN_KINDS[flavor].map((kind) => ({ kind })) } }).map((n) => n.text());
}

export type SourceKind = 'llm' | 'request';

/**
 * Words of a React prop (or `props.x`) name that say it carries model output: `completion`,
 * `llmResponse`, `aiAnswer`, `assistantMessage`, `generatedHtml`… A bare `answer` or `response` is
 * not enough on its own; it carries model output when a call site in the file passes some.
 */
const OUTPUT_WORDS = new Set([
  'response',
  'output',
  'reply',
  'answer',
  'message',
  'text',
  'content',
  'result',
  'markdown',
  'html',
  'summary',
]);
const MODEL_WORDS = new Set(['llm', 'gpt', 'ai', 'model', 'assistant', 'chat', 'bot', 'generated', 'completion']);

export function namesModelOutput(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length === 1 && (words[0] === 'completion' || words[0] === 'completions')) return true;
  return words.some((w) => MODEL_WORDS.has(w)) && words.some((w) => OUTPUT_WORDS.has(w) || w === 'completion');
}

/** A parameter: its position, the Python keyword it answers to, the names it binds, and for object patterns (props) prop → bound name. */
interface Param {
  index: number;
  keyword?: string;
  bound: string[];
  props?: Map<string, string>;
}

interface FunctionInfo {
  node: SgNode;
  name?: string;
  params: Param[];
  /** Python methods: the first parameter (`self`, `cls`) is the receiver, not an argument. */
  receiverParam: boolean;
}

const RECEIVER = /^(?:self|cls|this)\./;

function functionName(fn: SgNode): string | undefined {
  const own = fn.field('name')?.text();
  if (own) return own;
  // `const Answer = (…) => …`, also wrapped once: `const Answer = memo((…) => …)`.
  let p = fn.parent();
  if (p?.kind() === 'arguments') p = p.parent()?.parent() ?? null;
  if (p?.kind() === 'variable_declarator' || p?.kind() === 'assignment') {
    const n = p.field('name') ?? p.field('left');
    if (n?.kind() === 'identifier') return n.text();
  }
  return undefined;
}

function patternParam(node: SgNode, index: number): Param {
  const k = node.kind();
  if (k === 'identifier') return { index, keyword: node.text(), bound: [node.text()] };
  if (k === 'required_parameter' || k === 'optional_parameter') {
    const inner = node.field('pattern');
    return inner ? patternParam(inner, index) : { index, bound: [] };
  }
  if (k === 'assignment_pattern') {
    const left = node.field('left');
    return left ? patternParam(left, index) : { index, bound: [] };
  }
  if (k === 'typed_parameter') {
    const id = node.namedChildren().find((c) => c.kind() === 'identifier');
    return id ? { index, keyword: id.text(), bound: [id.text()] } : { index, bound: [] };
  }
  if (k === 'default_parameter' || k === 'typed_default_parameter') {
    const id = node.field('name');
    return id ? { index, keyword: id.text(), bound: [id.text()] } : { index, bound: [] };
  }
  if (k === 'object_pattern') {
    const props = new Map<string, string>();
    for (const c of node.namedChildren()) {
      if (c.kind() === 'shorthand_property_identifier_pattern') props.set(c.text(), c.text());
      else if (c.kind() === 'object_assignment_pattern') {
        const left = c.field('left');
        if (left) props.set(left.text(), left.text());
      } else if (c.kind() === 'pair_pattern') {
        const key = c.field('key')?.text();
        let value = c.field('value');
        if (value?.kind() === 'assignment_pattern') value = value.field('left');
        if (key && value?.kind() === 'identifier') props.set(key, value.text());
      }
    }
    return { index, bound: [...props.values()], props };
  }
  return { index, bound: [] };
}

function functionInfo(fn: SgNode): FunctionInfo {
  const list = fn.field('parameters') ?? fn.field('parameter');
  const nodes = !list ? [] : list.kind() === 'identifier' ? [list] : list.namedChildren().filter((c) => c.kind() !== 'comment');
  const params: Param[] = [];
  for (const n of nodes) {
    const k = n.kind();
    if (
      k === 'list_splat_pattern' ||
      k === 'dictionary_splat_pattern' ||
      k === 'rest_pattern' ||
      k === 'keyword_separator' ||
      k === 'positional_separator'
    )
      continue;
    params.push(patternParam(n, params.length));
  }
  const first = params[0]?.keyword;
  return {
    node: fn,
    name: functionName(fn),
    params,
    receiverParam: fn.kind() === 'function_definition' && (first === 'self' || first === 'cls'),
  };
}

/** The function a call names when it can be resolved within the file: `f(…)`, `self.f(…)`, `this.f(…)`. */
function calledName(call: SgNode): string | undefined {
  const callee = calleeText(call);
  if (/^[A-Za-z_$][\w$]*$/.test(callee)) return callee;
  if (RECEIVER.test(callee) && callee.indexOf('.') === callee.lastIndexOf('.')) return callee.slice(callee.indexOf('.') + 1);
  return undefined;
}

const RETURN_KINDS = ['return_statement'];
/** Each pass carries values one call deeper at least; chains longer than this are not followed. */
const MAX_PASSES = 12;
const FUNCTION_KINDS: Record<Flavor, string[]> = {
  python: ['function_definition', 'lambda'],
  js: ['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration'],
};
const JSX_ELEMENTS = ['jsx_self_closing_element', 'jsx_opening_element'];
const STATE_HOOK = /(?:^|\.)use(?:State|Reducer)$/;

/**
 * Follows values through one file: a variable assigned from a source (model output, request data), or
 * from an expression using such a variable, carries the source. Across functions it follows arguments
 * into the parameters of functions defined in the file, return values back to their callers, JSX
 * props into the components that receive them, React state set from a source, and attributes of
 * `self`/`this` set in one method and read in another. For model output, component props whose name
 * says they carry it (`llmResponse`, `completion`) carry it.
 */
const flows = new WeakMap<CodeDocument, Map<SourceKind, Flow>>();

export class Flow {
  private readonly scopes = new Map<number, Set<string>>();
  /** Assignments of the file by the id of their scope, and each node's scope: found once, reused by every pass. */
  private assignmentsByScope: Map<number, SgNode[]> | undefined;
  private readonly scopeOf = new Map<number, SgNode>();
  /** Names carried into a function's scope from outside it (parameters, props, state), by function node id. */
  private readonly inbound = new Map<number, Set<string>>();
  /** Functions whose return value carries the source, by node id. */
  private readonly returning = new Set<number>();
  /** `self.x` / `this.x` attributes assigned a carried value somewhere in the file. */
  private readonly attributes = new Set<string>();
  private functions: FunctionInfo[] | undefined;
  private byName = new Map<string, FunctionInfo[]>();

  constructor(
    private readonly flavor: Flavor,
    private readonly kind: SourceKind,
    /** The grammar has JSX (JavaScript, TSX; not plain TypeScript). */
    private readonly jsx = false,
  ) {}

  /** The flow of `kind` through a parsed file, shared by the rules that ask about the same document. */
  static of(doc: CodeDocument, kind: SourceKind): Flow {
    let byKind = flows.get(doc);
    if (!byKind) flows.set(doc, (byKind = new Map()));
    let flow = byKind.get(kind);
    if (!flow) byKind.set(kind, (flow = new Flow(flavorOf(doc), kind, hasJsx(doc))));
    return flow;
  }

  private isSource(node: SgNode): boolean {
    if (this.kind === 'request' ? isRequestExpression(node) : isCall(node) && isLlmCall(node)) return true;
    if (this.returning.size === 0 || !isCall(node)) return false;
    const name = calledName(node);
    return name !== undefined && (this.byName.get(name) ?? []).some((f) => this.returning.has(f.node.id()));
  }

  private taintedNames(scope: SgNode): Set<string> {
    const cached = this.scopes.get(scope.id());
    if (cached) return cached;
    const tainted = new Set<string>([...(this.inbound.get(scope.id()) ?? []), ...this.attributes]);
    this.scopes.set(scope.id(), tainted);
    if (this.kind === 'request' && isRequestHandler(scope) && this.flavor === 'python')
      for (const p of handlerParameters(scope)) tainted.add(p);
    const assignments = this.assignmentsIn(scope);
    for (let pass = 0; pass < 3; pass++) {
      const before = tainted.size;
      for (const a of assignments) {
        const [target, value] = targetAndValue(a);
        if (!target || !value) continue;
        if (this.carries(value, tainted)) for (const n of names(target, this.flavor)) tainted.add(n);
      }
      if (tainted.size === before) break;
    }
    return tainted;
  }

  private carries(expr: SgNode, tainted: Set<string>): boolean {
    if (isFunction(expr)) return false;
    if (this.isSource(expr)) return true;
    const k = String(expr.kind());
    if (REFERENCE_KINDS[this.flavor].includes(k) && tainted.has(expr.text())) return true;
    // Indexing a container with a carried key picks one of the container's own values: `ALLOWED[choice]`.
    if (k === 'subscript' || k === 'subscript_expression') {
      const container = expr.field('value') ?? expr.field('object');
      return container ? this.carries(container, tainted) : false;
    }
    return expr.namedChildren().some((c) => this.carries(c, tainted));
  }

  private carriedAt(expr: SgNode): boolean {
    return this.carries(expr, this.taintedNames(this.scope(expr)));
  }

  private scope(node: SgNode): SgNode {
    let s = this.scopeOf.get(node.id());
    if (!s) this.scopeOf.set(node.id(), (s = enclosingScope(node)));
    return s;
  }

  private assignmentsIn(scope: SgNode): SgNode[] {
    if (!this.assignmentsByScope) {
      this.assignmentsByScope = new Map();
      for (const a of scope
        .getRoot()
        .root()
        .findAll({ rule: { any: ASSIGNMENT_KINDS[this.flavor].map((kind) => ({ kind })) } })) {
        const id = this.scope(a).id();
        const list = this.assignmentsByScope.get(id);
        if (list) list.push(a);
        else this.assignmentsByScope.set(id, [a]);
      }
    }
    return this.assignmentsByScope.get(scope.id()) ?? [];
  }

  private addInbound(fn: FunctionInfo, name: string): boolean {
    let set = this.inbound.get(fn.node.id());
    if (!set) this.inbound.set(fn.node.id(), (set = new Set()));
    if (set.has(name)) return false;
    set.add(name);
    this.scopes.delete(fn.node.id());
    return true;
  }

  /** Marks a function's parameter as carrying the source; `prop` picks one property of an object pattern. */
  private taintParam(fn: FunctionInfo, index: number, keyword: string | undefined, prop?: string): boolean {
    const param = keyword !== undefined ? fn.params.find((p) => p.keyword === keyword) : fn.params[index + (fn.receiverParam ? 1 : 0)];
    if (!param) return false;
    if (prop !== undefined) {
      if (param.props) {
        const bound = param.props.get(prop);
        return bound !== undefined && this.addInbound(fn, bound);
      }
      return param.keyword !== undefined && this.addInbound(fn, `${param.keyword}.${prop}`);
    }
    let changed = false;
    for (const b of param.bound) changed = this.addInbound(fn, b) || changed;
    return changed;
  }

  /** Builds the file's functions and runs the cross-function propagation to a fixed point. */
  private analyse(root: SgNode): void {
    if (this.functions) return;
    this.functions = root.findAll({ rule: { any: FUNCTION_KINDS[this.flavor].map((kind) => ({ kind })) } }).map(functionInfo);
    for (const f of this.functions) if (f.name) this.byName.set(f.name, [...(this.byName.get(f.name) ?? []), f]);
    if (this.kind === 'llm' && this.flavor === 'js')
      for (const f of this.functions) {
        const first = f.params[0];
        if (first?.props) for (const [prop, bound] of first.props) if (namesModelOutput(prop)) this.addInbound(f, bound);
        if (first?.keyword === 'props')
          for (const m of f.node.findAll({ rule: { kind: 'member_expression' } }))
            if (m.field('object')?.text() === 'props' && namesModelOutput(m.field('property')?.text() ?? '')) this.addInbound(f, m.text());
      }
    const allCallNodes = allCalls(root, this.flavor);
    // Nothing to carry anywhere: skip the propagation (the common case for files without model calls).
    if (this.kind === 'llm' && this.inbound.size === 0 && !allCallNodes.some(isLlmCall)) return;
    const calls = allCallNodes.filter((c) => {
      const n = calledName(c);
      return n !== undefined && (this.byName.has(n) || /^set[A-Z]/.test(n));
    });
    const elements = this.jsx
      ? root
          .findAll({ rule: { any: JSX_ELEMENTS.map((kind) => ({ kind })) } })
          .filter((e) => this.byName.has(e.field('name')?.text() ?? ''))
      : [];
    const setters = this.stateSetters(root);
    const returns = root.findAll({ rule: { any: RETURN_KINDS.map((kind) => ({ kind })) } });
    // Names carried into a scope invalidate that scope; a new returning function or attribute invalidates all.
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let changed = false;
      const known = this.returning.size + this.attributes.size;
      for (const r of returns) {
        const value = r.namedChildren()[0];
        const fn = this.scope(r);
        if (value && isFunction(fn) && !this.returning.has(fn.id()) && this.carriedAt(value)) {
          this.returning.add(fn.id());
          changed = true;
        }
      }
      for (const f of this.functions) {
        const body = f.node.field('body');
        if (
          (f.node.kind() === 'arrow_function' || f.node.kind() === 'lambda') &&
          body &&
          body.kind() !== 'statement_block' &&
          !this.returning.has(f.node.id()) &&
          this.carriedAt(body)
        ) {
          this.returning.add(f.node.id());
          changed = true;
        }
      }
      for (const call of calls) {
        const name = calledName(call)!;
        const setter = setters.get(name);
        if (setter) {
          const arg = positional(call)[0];
          const value = arg && isFunction(arg) ? arg.field('body') : arg;
          if (value && this.carriedAt(value) && this.addInbound(setter.owner, setter.state)) changed = true;
        }
        for (const fn of this.byName.get(name) ?? []) {
          positional(call).forEach((arg, i) => {
            if (arg.kind() === 'object' && fn.params[i + (fn.receiverParam ? 1 : 0)]?.props) {
              for (const pair of arg.namedChildren()) {
                const key =
                  pair.kind() === 'pair'
                    ? unquote(pair.field('key')?.text() ?? '')
                    : pair.kind() === 'shorthand_property_identifier'
                      ? pair.text()
                      : undefined;
                const value = pair.kind() === 'pair' ? pair.field('value') : pair;
                if (key && value && this.carriedAt(value) && this.taintParam(fn, i, undefined, key)) changed = true;
              }
            } else if (this.carriedAt(arg) && this.taintParam(fn, i, undefined)) changed = true;
          });
          for (const a of call.field('arguments')?.namedChildren() ?? []) {
            if (a.kind() !== 'keyword_argument') continue;
            const value = a.field('value');
            if (value && this.carriedAt(value) && this.taintParam(fn, 0, a.field('name')?.text())) changed = true;
          }
        }
      }
      for (const el of elements) {
        for (const attr of el.namedChildren().filter((c) => c.kind() === 'jsx_attribute')) {
          const [nameNode, valueNode] = attr.namedChildren();
          const value = valueNode?.kind() === 'jsx_expression' ? valueNode.namedChildren()[0] : undefined;
          if (!nameNode || !value || !this.carriedAt(value)) continue;
          for (const fn of this.byName.get(el.field('name')!.text()) ?? [])
            if (this.taintParam(fn, 0, undefined, nameNode.text())) changed = true;
        }
      }
      const before = this.attributes.size;
      for (const f of this.functions) for (const n of this.taintedNames(f.node)) if (RECEIVER.test(n)) this.attributes.add(n);
      if (this.attributes.size !== before) changed = true;
      if (this.returning.size + this.attributes.size !== known) this.scopes.clear();
      if (!changed) break;
    }
  }

  /** `const [answer, setAnswer] = useState(…)`: setter name → the state variable and the component that owns it. */
  private stateSetters(root: SgNode): Map<string, { state: string; owner: FunctionInfo }> {
    const out = new Map<string, { state: string; owner: FunctionInfo }>();
    if (this.flavor !== 'js') return out;
    for (const d of root.findAll({ rule: { kind: 'variable_declarator' } })) {
      const pattern = d.field('name');
      const value = d.field('value');
      if (pattern?.kind() !== 'array_pattern' || !value || !isCall(value) || !STATE_HOOK.test(calleeText(value))) continue;
      const [state, setter] = pattern.namedChildren();
      const owner = this.functions!.find((f) => f.node.id() === this.scope(d).id());
      if (state?.kind() === 'identifier' && setter?.kind() === 'identifier' && owner)
        out.set(setter.text(), { state: state.text(), owner });
    }
    return out;
  }

  /** True when the expression carries the source: it is one, contains one, or uses a variable that does. */
  reaches(expr: SgNode): boolean {
    this.analyse(expr.getRoot().root());
    return this.carriedAt(expr);
  }
}
