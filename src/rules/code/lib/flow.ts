import type { SgNode } from '@ast-grep/napi';
import { lowerBound } from '../../../core/lower-bound.js';
import type { CodeDocument } from '../../../parsers/code/code-document.js';
import { importsFrom, type Imported } from './imports.js';
import { sanitiserTest, type SanitiserKind, type SanitiserTest } from './sanitisers.js';
import {
  parsePyType,
  pyClosed,
  pyEnums,
  pyInjected,
  pyModels,
  isFrameworkName,
  pyToolClasses,
  toolAliases,
  tsClosedParam,
  zodClosedProps,
} from './tool-inputs.js';
import {
  allCalls,
  boundNames,
  calleeText,
  flavorOf,
  hasJsx,
  isCall,
  isFunction,
  namedArg,
  objectProperty,
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

/**
 * The Vercel AI SDK's UI hooks, sources only when the file imports them from the SDK (`useObject` of
 * `@realm/react`, a `useChat` of the app's own are not): of what they return, only `messages`,
 * `completion`, `object` and `data` are the model's (streamed) output (`input` is what the user typed).
 */
const AI_SDK_HOOKS: ReadonlySet<string> = new Set(['useChat', 'useCompletion', 'useObject', 'experimental_useObject', 'useAssistant']);
const AI_SDK_MODULE = /^(?:ai\/react|ai\/svelte|@ai-sdk\/react|@ai-sdk\/vue|@ai-sdk\/svelte)$/;
const AI_SDK_OUTPUTS = new Set(['messages', 'completion', 'object', 'data']);

/**
 * The callees of the AI SDK hooks the file imports (see `fileImports`) from one of the AI SDK's modules: a hook by a
 * local name (`import { useChat as useAiChat }`, `const { useChat } = require(…)`), or through the module imported
 * whole (`import * as r from '@ai-sdk/react'` then `r.useChat`).
 */
function aiSdkHooks(root: SgNode): Set<string> {
  const out = new Set<string>();
  for (const i of importsFrom(root, (m) => AI_SDK_MODULE.test(m)))
    if (i.name === '') for (const hook of AI_SDK_HOOKS) out.add(`${i.local}.${hook}`);
    else if (AI_SDK_HOOKS.has(i.name)) out.add(i.local);
  return out;
}

/** The names an object pattern binds from the properties an AI SDK hook returns as model output. */
function hookOutputNames(pattern: SgNode): string[] {
  const out: string[] = [];
  for (const c of pattern.namedChildren()) {
    if (c.kind() === 'shorthand_property_identifier_pattern') {
      if (AI_SDK_OUTPUTS.has(c.text())) out.push(c.text());
    } else if (c.kind() === 'object_assignment_pattern') {
      const left = c.field('left');
      if (left && AI_SDK_OUTPUTS.has(left.text())) out.push(left.text());
    } else if (c.kind() === 'pair_pattern') {
      const value = c.field('value');
      if (value && AI_SDK_OUTPUTS.has(unquote(c.field('key')?.text() ?? '')))
        out.push(...(value.kind() === 'identifier' ? [value.text()] : patternParam(value, 0).bound));
    }
  }
  return out;
}

export function isLlmCall(call: SgNode): boolean {
  return isCall(call) && isLlmCallee(calleeText(call));
}

/** `isLlmCall` on the callee as `calleeText` reads it. */
function isLlmCallee(callee: string): boolean {
  if (!callee) return false;
  const method = callee.slice(callee.lastIndexOf('.') + 1);
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
  python: ['assignment', 'augmented_assignment', 'for_statement', 'named_expression', 'as_pattern'],
  js: ['variable_declarator', 'assignment_expression', 'augmented_assignment_expression', 'for_in_statement'],
};
const REFERENCE_KINDS: Record<Flavor, string[]> = {
  python: ['identifier', 'attribute', 'call'],
  js: ['identifier', 'member_expression', 'call_expression', 'new_expression', 'shorthand_property_identifier'],
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
    case 'as_pattern':
      // `with client.messages.stream(…) as stream:` (also `except E as e`, whose type carries nothing).
      return [node.field('alias'), node.namedChildren()[0] ?? null];
    default:
      return [node.field('left'), node.field('right')];
  }
}

/** Destructuring targets: their names are those the pattern binds, not its default values or keys (see `boundNames`). */
const DESTRUCTURING = new Set(['object_pattern', 'array_pattern', 'pattern_list', 'tuple_pattern', 'list_pattern', 'tuple', 'list']);

/**
 * The names an assignment target gives: a name or member whole, an item's container (`buf` of `buf[key]`,
 * `self.cache` of `self.cache[key]`: not the key), a pattern's bound names, else the names in it.
 */
function names(node: SgNode): string[] {
  let target: SgNode | null = node;
  let k = target.kind();
  while (k === 'subscript' || k === 'subscript_expression') {
    target = target.field('value') ?? target.field('object');
    if (!target) return [];
    k = target.kind();
  }
  if (k === 'identifier' || k === 'attribute' || k === 'member_expression') return [target.text()];
  if (DESTRUCTURING.has(String(k))) return boundNames(target);
  return target.findAll({ rule: { kind: 'identifier' } }).map((n) => n.text());
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

/**
 * A parameter: its position, the Python keyword it answers to, the names it binds, and for object patterns (props)
 * prop → the names bound from it (`{ a: { cmd }, b: [x, y] }`: a → cmd, b → x, y).
 */
interface Param {
  index: number;
  keyword?: string;
  bound: string[];
  props?: Map<string, string[]>;
  /** Of an object pattern, the names bound by its `...rest` (the properties it does not name). */
  others?: string[];
  /** `...rest`, `*args`: takes the positional arguments from its index on; `**kwargs`: no positional argument. */
  splat?: 'rest' | 'keywords';
}

interface FunctionInfo {
  node: SgNode;
  id: number;
  name?: string;
  params: Param[];
  /** Python methods: the first parameter (`self`, `cls`) is the receiver, not an argument. */
  receiverParam: boolean;
  /** `...rest` / `*args`: receives the positional arguments past the others. */
  rest?: Param;
  /** Names bound by parameters no positional argument reaches (`**kwargs`): locals all the same. */
  otherBound: string[];
}

const RECEIVER = /^(?:self|cls|this)\./;
/** The name an attribute's or member's text starts with: `obj` of `obj.cmd`. */
const BASE_NAME = /^[^.[]*/;
/** Targets that change an object rather than name a value: `a.b`, `a[0]` (Python and JavaScript). */
const MEMBER_KINDS: ReadonlySet<string> = new Set(['attribute', 'subscript', 'member_expression', 'subscript_expression']);

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
  if (k === 'rest_pattern' || k === 'list_splat_pattern' || k === 'dictionary_splat_pattern') {
    const inner = node.namedChildren()[0];
    return { index, bound: inner ? patternParam(inner, index).bound : [], splat: k === 'dictionary_splat_pattern' ? 'keywords' : 'rest' };
  }
  if (k === 'array_pattern') {
    // `([key, content]) => …`: binds every name in it (they hide the outer ones); a value passed reaches them all.
    const bound: string[] = [];
    for (const c of node.namedChildren()) bound.push(...patternParam(c, index).bound);
    return { index, bound };
  }
  if (k === 'typed_parameter') {
    const splat = node.namedChildren().find((c) => c.kind() === 'list_splat_pattern' || c.kind() === 'dictionary_splat_pattern');
    if (splat) return patternParam(splat, index);
    const id = node.namedChildren().find((c) => c.kind() === 'identifier');
    return id ? { index, keyword: id.text(), bound: [id.text()] } : { index, bound: [] };
  }
  if (k === 'default_parameter' || k === 'typed_default_parameter') {
    const id = node.field('name');
    return id ? { index, keyword: id.text(), bound: [id.text()] } : { index, bound: [] };
  }
  if (k === 'object_pattern') {
    const props = new Map<string, string[]>();
    const others: string[] = [];
    for (const c of node.namedChildren()) {
      const ck = c.kind();
      if (ck === 'shorthand_property_identifier_pattern') props.set(c.text(), [c.text()]);
      else if (ck === 'object_assignment_pattern') {
        const left = c.field('left');
        if (left) props.set(left.text(), [left.text()]);
      } else if (ck === 'pair_pattern') {
        // `a: { cmd }`, `cmd: c = 'ls'`, `list: [first]`: every name the value's pattern binds.
        const key = c.field('key');
        const value = c.field('value');
        if (key && value) props.set(unquote(key.text()), patternParam(value, index).bound);
      } else if (ck === 'rest_pattern') others.push(...patternParam(c, index).bound);
    }
    const bound = [...[...props.values()].flat(), ...others];
    return others.length > 0 ? { index, bound, props, others } : { index, bound, props };
  }
  return { index, bound: [] };
}

/** The class a Python method is defined in. */
function classOf(fn: SgNode): SgNode | undefined {
  let up = fn.parent();
  if (up?.kind() === 'decorated_definition') up = up.parent();
  up = up?.kind() === 'block' ? up.parent() : null;
  return up?.kind() === 'class_definition' ? up : undefined;
}

/** Records a tool's parameter (a bound name) as model output, or with `closed` a read of one (`args.n`) as carrying nothing. */
type ToolAdd = (fn: FunctionInfo, name: string, closed?: boolean) => void;

/** What a Python module's own classes say of types: its Enums, its pydantic models' fields (see `pyModels`). */
interface PyTypes {
  enums: () => ReadonlySet<string>;
  models: () => ReadonlyMap<string, ReadonlyMap<string, boolean>>;
}

/** A method of a class: `def search(self, …)` in a class body, a JavaScript `method_definition`. */
function isMethod(fn: SgNode): boolean {
  if (fn.kind() === 'method_definition') return true;
  return fn.kind() === 'function_definition' && classOf(fn) !== undefined;
}

function functionInfo(fn: SgNode): FunctionInfo {
  const list = fn.field('parameters') ?? fn.field('parameter');
  const nodes = !list ? [] : list.kind() === 'identifier' ? [list] : list.namedChildren().filter((c) => c.kind() !== 'comment');
  const params: Param[] = [];
  let rest: Param | undefined;
  const otherBound: string[] = [];
  for (const n of nodes) {
    const k = n.kind();
    if (k === 'keyword_separator' || k === 'positional_separator') continue;
    const p = patternParam(n, params.length);
    if (p.splat === 'rest' && !rest) rest = p;
    else if (p.splat) otherBound.push(...p.bound);
    else params.push(p);
  }
  const first = params[0]?.keyword;
  return {
    node: fn,
    id: fn.id(),
    name: functionName(fn),
    params,
    receiverParam: fn.kind() === 'function_definition' && (first === 'self' || first === 'cls'),
    rest,
    otherBound,
  };
}

/** The function a call names when it can be resolved within the file: `f(…)`, `self.f(…)`, `this.f(…)`. */
function calledNameOf(callee: string): string | undefined {
  if (/^[A-Za-z_$][\w$]*$/.test(callee)) return callee;
  if (RECEIVER.test(callee) && callee.indexOf('.') === callee.lastIndexOf('.')) return callee.slice(callee.indexOf('.') + 1);
  return undefined;
}

const RETURN_KINDS = ['return_statement'];
/** What a declaration without a value carries. */
const NOTHING: Carrier = { source: false, refs: [], calls: [] };
/** The propagation stops after the work of this many passes over the whole file (see `propagate`). */
const MAX_PASSES = 12;
const FUNCTION_KINDS: Record<Flavor, string[]> = {
  python: ['function_definition', 'lambda'],
  js: ['function_declaration', 'function_expression', 'arrow_function', 'method_definition', 'generator_function_declaration'],
};
/** JavaScript declarations that bind a name besides `let`/`const`/`var` and parameters. */
const JS_DECLARATIONS = ['catch_clause', 'function_declaration', 'generator_function_declaration', 'class_declaration'];
const JSX_ELEMENTS = ['jsx_self_closing_element', 'jsx_opening_element'];
/** Conversions to a number or a boolean, and lengths: their result is safe for every sink. */
const NUMERIC = /^(?:int|float|bool|len|round|Number|parseInt|parseFloat|Boolean|Number\.parseInt|Number\.parseFloat|Math\.\w+)$/;
/**
 * Adding to a list: `parts.append(x)`, `self.history.extend(xs)`, `chunks.push(x)`; the receiver must be
 * assigned a list in the file or be a `self.`/`this.` attribute (not `router.push(url)`).
 */
const CONTAINER_ADD = /^((?:self\.|this\.)?[A-Za-z_$][\w$]*)\.(?:append|extend|insert|push|unshift)$/;
/** Methods that pass their receiver's value (a promise's result, an array's items) to the function given first: `.then((text) => …)`, `.map((m) => …)`. */
const CALLBACK_METHODS = /\.(?:then|map|flatMap|forEach|filter|find|findLast|some|every)$/;
const STATE_HOOK = /(?:^|\.)use(?:State|Reducer)$/;
/** What the flow rules' documentation says of agent tools' parameters (see `toolParameters`). */
export const TOOL_INPUT_DOC =
  'The arguments a model chooses for a tool are model output too: the parameters of a function made an agent tool (`@tool` or `@function_tool` imported from an agent framework, or bound nowhere in the file (a star import, a snippet), not another module’s or the file’s own; `@mcp.tool()`, also under an alias imported from its framework, or called on a function: `tool(fn)`; `Tool(func=…)`, `StructuredTool.from_function(…)`, the `_run`/`_arun` of a subclass of an agent framework’s `BaseTool` (not of a class of the file’s own of that name), LangChain.js `tool(fn, …)`, `new DynamicTool({ func })`, the AI SDK’s `tool({ execute })`, an MCP server’s `tool`/`registerTool` handler), except those the framework fills (`InjectedState`, `InjectedToolArg`, `RunnableConfig`, a context) and those it validates to a type that carries no text before the tool runs (`int`, `float`, `bool`, `Literal[…]`, an `Enum` of the file, optional or not, and of a parameter typed with a pydantic model of the file, those fields; zod `number`, `boolean`, `enum`, `literal`, also in a schema held in a `const`; a TypeScript `number` or `boolean`). `Tool(func=…)` validates nothing: its parameters are model output whatever their annotation.';

/**
 * Agent tools, whose parameters the model chooses: Python functions decorated `@tool`, `@mcp.tool()`,
 * `@function_tool` (or given to them: `tool(fn)`); functions given to `Tool(func=…)`, `StructuredTool.from_function(…)`;
 * the `_run`/`_arun` of a `BaseTool` subclass; LangChain.js
 * `tool(fn, …)`, `new DynamicTool({ func })`, the AI SDK's `tool({ execute })`, MCP `server.tool(name, …, handler)`,
 * `server.registerTool(name, { inputSchema }, handler)`.
 */
const TOOL_DECORATOR = /^@\s*(?:[A-Za-z_]\w*\.)*(?:tool|function_tool)\s*(?:\(|$)/;
/** A decorator's name when it is one plain name: `lc_tool` of `@lc_tool` or `@lc_tool(…)`. */
const DECORATOR_NAME = /^@\s*([A-Za-z_]\w*)\s*(?:\(|$)/;
const PY_TOOL = /^(?:[\w.]*\.)?(Tool|StructuredTool)(?:\.from_function)?$/;
/** `tool(fn)`, `function_tool(fn)`: a tool decorator called on a function (see `TOOL_DECORATOR`), when imported from an agent framework (see `pyToolCall`). */
const PY_TOOL_CALL = /^(?:[A-Za-z_]\w*\.)*(?:tool|function_tool)$/;
const JS_TOOL = /^(?:[\w$]+\.)?(?:tool|registerTool|DynamicTool|DynamicStructuredTool|StructuredTool)$/;
/** The names of agent-tool APIs whose local aliases the file's imports may give (see `toolAliases`). */
const PY_TOOL_NAMES: ReadonlySet<string> = new Set(['tool', 'function_tool']);
const JS_TOOL_NAMES: ReadonlySet<string> = new Set(['tool', 'DynamicTool', 'DynamicStructuredTool', 'StructuredTool']);
/**
 * The modules of agent frameworks that export those (and LangChain's and CrewAI's `BaseTool`): LangChain, the
 * OpenAI Agents SDK, CrewAI, smolagents, Strands, Haystack, Agno, FastMCP (`fastmcp.tools.tool`), phidata
 * (`phi.tools.decorator`), PraisonAI (`praisonaiagents`), Upsonic, CAMEL (`camel.toolkits`), ControlFlow; the AI SDK
 * (`ai`, and `@ai-sdk/provider-utils`, which defines the `tool` it re-exports), the OpenAI Agents SDK (its
 * realtime package re-exports `tool`).
 */
export const PY_TOOL_MODULES =
  /^(?:langchain(?:_core|_community|_classic)?|agents|crewai|crewai_tools|smolagents|strands|haystack|agno|fastmcp|phi\.tools|praisonaiagents|upsonic|camel\.toolkits|controlflow)(?:\.|$)/;
export const JS_TOOL_MODULES = /^(?:ai|@ai-sdk\/provider-utils|langchain|@langchain\/[\w.-]+|@openai\/agents(?:-core|-realtime)?)(?:\/|$)/;

/**
 * Follows values through one file: a variable assigned from a source (model output, request data), or
 * from an expression using such a variable, carries the source. Across functions it follows arguments
 * into the parameters of functions defined in the file, return values back to their callers, JSX
 * props into the components that receive them, React state set from a source, and attributes of
 * `self`/`this` set in one method and read in another. For model output, component props whose name
 * says they carry it (`llmResponse`, `completion`) carry it.
 */
const flows = new WeakMap<CodeDocument, Map<string, Flow>>();
/**
 * A document's agent-tool parameters (function index, bound name), and the reads of a parameter's fields the
 * framework validates to a closed type (function index, `args.n`): the same for each of its flows of model output.
 */
interface ToolInputs {
  params: ReadonlyArray<readonly [number, string]>;
  closedReads: ReadonlyArray<readonly [number, string]>;
}
const toolInputs = new WeakMap<CodeDocument, ToolInputs>();

/**
 * What `carries` reads of an expression, taken from the syntax tree once: the passes of the analysis
 * then only look names up (asking the native tree again on every pass cost most of the time on large files).
 */
interface Carrier {
  /** It is, or contains, a source (a model call, request data). */
  source: boolean;
  /** The references in it that a carried name can match: identifiers, attributes, members (never a call: no carried name is one). */
  refs: string[];
  /** The functions it calls by name (`f(…)`, `self.f(…)`): it carries the source once one of them returns it. */
  calls: string[];
}

/** An expression with the scope whose carried names it reads. */
interface Use {
  scope: SgNode;
  scopeId: number;
  carrier: Carrier;
}

/** A call of a function of the file (or of a state setter), read once. */
interface CallSite {
  name: string;
  /** Positional arguments; for an object literal, its `key: value` pairs too. */
  positional: Array<{ use: Use; pairs?: Array<{ key: string; use: Use }> }>;
  /** The first positional argument as a state setter reads it: the body of a function passed (`setX(prev => …)`). */
  setterValue?: Use;
  keywords: Array<{ name: string | undefined; use: Use }>;
}

/** `receiver.then(fn)`, `receiver.map(fn)`: the receiver's value goes to the first parameter of `fn` (a function written there, or named). */
interface CallbackSite {
  receiver: Use;
  fn?: FunctionInfo;
  name?: string;
}

/** Something `propagate` runs on each pass that may change what it carries: a return, a call, a callback, a JSX element. */
interface Site {
  /** The indexes of the functions its expressions are in, -1 for the module. */
  scopes: number[];
  /** The functions of the file its expressions call by name: it is run again when one of them is found to return the source. */
  calls: string[];
  /** Carries what it can; true when that changed something. */
  run: () => boolean;
  /** The last pass it was queued for. */
  pass: number;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** For intervals sorted by start (outer first when two start together), the index of the one each is nested in (-1: none). */
function nest(starts: readonly number[], ends: readonly number[]): number[] {
  const parent: number[] = [];
  const open: number[] = [];
  for (let i = 0; i < starts.length; i++) {
    while (open.length > 0 && ends[open[open.length - 1]] < ends[i]) open.pop();
    parent.push(open.length > 0 ? open[open.length - 1] : -1);
    open.push(i);
  }
  return parent;
}

/** JavaScript catch clauses with a parameter, by start: where each ends, the one it is nested in, the names it binds, its function (index, -1 for the module). */
interface CatchScopes {
  starts: number[];
  ends: number[];
  parent: number[];
  names: Array<Set<string>>;
  scope: number[];
  /** Every name a catch clause binds. */
  all: Set<string>;
}

/** A function's body when it is an expression (`x => x.text`, `lambda: …`): its value is returned. */
interface ExpressionBody {
  fn: FunctionInfo;
  use: Use;
}

/**
 * The names carrying the source in one scope: its own (bound in it, or carried into it), else those of
 * the scopes around it that it does not bind itself (a closure reads its enclosing function's and the
 * module's variables). Looked up through the chain, never copied: a file of many functions and many
 * module-level names stays linear.
 */
class ScopeNames {
  constructor(
    readonly own: Set<string>,
    /** Names the scope binds itself (parameters, binding assignments: see `Assignment.binds`): they hide the outer ones. */
    private readonly locals: Set<string>,
    private readonly outer: (() => ScopeNames) | undefined,
  ) {}

  has(name: string): boolean {
    return this.own.has(name) || (this.outer !== undefined && !this.locals.has(name) && this.outer().has(name));
  }
}

interface Assignment {
  names: string[];
  value: Carrier;
  /**
   * It binds its names in its scope, hiding outer ones: a Python assignment to a name not declared
   * `nonlocal`/`global` there, a JavaScript declaration (`let`, `const`, `var`). Not `+=` to an
   * attribute or a JavaScript name, an undeclared JavaScript assignment, nor adding to a list.
   */
  binds: boolean;
  /**
   * An assignment of a nested function to a name it does not bind (`nonlocal cmd; cmd = cmd + out`,
   * `() => { cmd += out }`), recorded again in the scope that binds the name: the function (index) whose
   * names its value is read with.
   */
  from?: number;
}

export class Flow {
  private readonly scopes = new Map<number, ScopeNames>();
  /** Assignments of the file by the id of their scope (the names they bind, what their value carries): found once, reused by every pass. */
  private assignmentsByScope: Map<number, Assignment[]> | undefined;
  private readonly carriers = new Map<number, Carrier>();
  /** Parameters of Python request handlers (request data), by scope id; empty for other scopes. */
  private readonly handlerParams = new Map<number, string[]>();
  /** Names carried into a function's scope from outside it (parameters, props, state), by function node id. */
  private readonly inbound = new Map<number, Set<string>>();
  /** Functions whose return value carries the source, by node id. */
  private readonly returning = new Set<number>();
  /** `self.x` / `this.x` attributes assigned a carried value somewhere in the file. */
  private readonly attributes = new Set<string>();
  private functions: FunctionInfo[] | undefined;
  /** Parameters tainted in every function of a name (see `taintOnce`). */
  private readonly tainted = new Set<string>();
  private byName = new Map<string, FunctionInfo[]>();
  /** Local names of the AI SDK hooks imported by the file and not defined in it (model output when called). */
  private hooks = new Set<string>();
  /** Names assigned an AI SDK hook's result whole (`const chat = useChat()`): read only through its model-output properties. */
  private hookResults = new Set<string>();
  /**
   * The values of JavaScript `const` declarations of one name (`const schema = z.object({…})`), by the id of
   * their scope; null for a name declared there more than once or otherwise (`let`, `var`). Found with the assignments.
   */
  private readonly consts = new Map<number, Map<string, SgNode | null>>();
  /** Reads of a tool parameter's closed fields (`args.n`), which carry nothing in those tools: the tools' indexes, by read. */
  private closedReads: Map<string, number[]> | undefined;
  /** Those reads by the name they read a field of (`args` → `args.n`): an assignment to the name gives them its value. */
  private closedByBase: Map<string, string[]> | undefined;
  /** The file's module node, and its functions by start offset with the function each one is nested in (see `scope`). */
  private root: { node: SgNode; id: number } | undefined;
  private nesting: { starts: number[]; ends: number[]; parent: number[] } = { starts: [], ends: [], parent: [] };
  /** A function's index in `functions` (and `nesting`), by node id. */
  private readonly indexById = new Map<number, number>();
  /** The file's JavaScript catch clauses binding names (see `local`); undefined when there are none. */
  private catches: CatchScopes | undefined;
  /** Set when a function updating a module-level name changed: `propagate` reads every scope again. */
  private moduleChanged = false;
  /** Names a Python function declares `nonlocal` or `global`, by function index: its assignments to them bind outer names. */
  private readonly declared = new Map<number, Map<string, 'global' | 'nonlocal'>>();
  /** `bindings` of a function, by index. */
  private readonly bound = new Map<number, Set<string>>();
  /** Functions assigning names of an enclosing scope, by index: those scopes (-1 for the module), read again when the function changes. */
  private readonly escapes = new Map<number, Set<number>>();
  /**
   * During a pass of `analyse`, the functions that gained carried names: invalidated once at the end of
   * the pass (the passes run to a fixed point), not on every name (each invalidation dropped the names
   * of the outer function and everything nested in it, rebuilt by the next lookup: quadratic).
   */
  private gained: Set<number> | undefined;
  /** During a pass of `propagate`, the names of the functions found to return the source. */
  private returnedNames: string[] | undefined;

  private readonly flavor: Flavor;
  /** The grammar has JSX (JavaScript, TSX; not plain TypeScript). */
  private readonly jsx: boolean;

  private constructor(
    private readonly doc: CodeDocument,
    private readonly kind: SourceKind,
    /** Calls whose result carries nothing (sanitisers for the sinks asked about). */
    private readonly clean?: SanitiserTest,
  ) {
    this.flavor = flavorOf(doc);
    this.jsx = hasJsx(doc);
  }

  /**
   * The flow of `kind` through a parsed file, shared by the rules that ask about the same document.
   * With `sanitised`, the result of a sanitiser of that kind carries nothing (`DOMPurify.sanitize(x)`
   * before HTML sinks, `shlex.quote(x)` before shell ones); a file calling none shares the plain flow.
   */
  static of(doc: CodeDocument, kind: SourceKind, sanitised?: SanitiserKind): Flow {
    let byKind = flows.get(doc);
    if (!byKind) flows.set(doc, (byKind = new Map()));
    const clean = sanitised ? sanitiserTest(doc, sanitised) : undefined;
    const key = clean ? `${kind}:${sanitised}` : kind;
    let flow = byKind.get(key);
    if (!flow) byKind.set(key, (flow = new Flow(doc, kind, clean)));
    return flow;
  }

  private taintedNames(scope: SgNode, scopeId: number): ScopeNames {
    const cached = this.scopes.get(scopeId);
    if (cached) return cached;
    const own = new Set<string>([...(this.inbound.get(scopeId) ?? []), ...this.attributes]);
    const assignments = this.assignmentsIn(scopeId);
    const index = this.indexById.get(scopeId);
    let outer: (() => ScopeNames) | undefined;
    let locals = new Set<string>();
    if (index !== undefined) {
      const up = this.nesting.parent[index];
      const outerScope = up === -1 ? this.root! : { node: this.functions![up].node, id: this.functions![up].id };
      outer = () => this.taintedNames(outerScope.node, outerScope.id);
      locals = this.bindings(index);
    }
    const tainted = new ScopeNames(own, locals, outer);
    this.scopes.set(scopeId, tainted);
    if (this.kind === 'request' && this.flavor === 'python') {
      let params = this.handlerParams.get(scopeId);
      if (!params) this.handlerParams.set(scopeId, (params = isRequestHandler(scope) ? handlerParameters(scope) : []));
      for (const p of params) own.add(p);
    }
    for (let pass = 0; pass < 3; pass++) {
      const before = own.size;
      for (const a of assignments)
        if (this.carried(a.value, a.from === undefined ? tainted : this.namesOf(a.from)))
          for (const n of a.names) {
            own.add(n);
            for (const read of this.closedByBase?.get(n) ?? []) own.add(read);
          }
      if (own.size === before) break;
    }
    return tainted;
  }

  private namesOf(index: number): ScopeNames {
    const fn = this.functions![index];
    return this.taintedNames(fn.node, fn.id);
  }

  /** The names a function binds itself: its parameters and the names its binding assignments give (those hide the outer ones). */
  private bindings(index: number): Set<string> {
    let out = this.bound.get(index);
    if (out) return out;
    const fn = this.functions![index];
    out = new Set<string>();
    for (const p of fn.params) for (const b of p.bound) out.add(b);
    for (const b of fn.rest?.bound ?? []) out.add(b);
    for (const b of fn.otherBound) out.add(b);
    const declared = this.declared.get(index);
    for (const a of this.assignmentsIn(fn.id)) if (a.binds) for (const n of a.names) if (!declared?.has(n)) out.add(n);
    this.bound.set(index, out);
    return out;
  }

  /** What the expression carries, read once: it is or contains a source, the names it reads, the functions it calls. */
  private carrier(expr: SgNode): Carrier {
    const id = expr.id();
    let c = this.carriers.get(id);
    if (!c) {
      c = { source: false, refs: [], calls: [] };
      this.collect(expr, c);
      this.carriers.set(id, c);
    }
    return c;
  }

  private collect(expr: SgNode, into: Carrier): void {
    if (into.source || isFunction(expr)) return;
    const k = String(expr.kind());
    if (isCall(expr)) {
      const callee = calleeText(expr);
      if (NUMERIC.test(callee)) return;
      // A function of the file's own named like a sanitiser (`const sanitize = (s) => s.trim()`) is followed, not trusted.
      if (this.clean?.(callee, expr) && !this.byName.has(calledNameOf(callee) ?? '')) return;
      if (this.kind === 'llm' && (isLlmCallee(callee) || this.hooks.has(callee))) {
        into.source = true;
        return;
      }
      const name = calledNameOf(callee);
      if (name !== undefined && this.byName.has(name)) into.calls.push(name);
    }
    if (this.kind === 'request' && isRequestExpression(expr)) {
      into.source = true;
      return;
    }
    // A length carries nothing (as `len(x)`): `${history.length}`, `items.size`.
    if (k === 'member_expression' || k === 'attribute') {
      const property = (expr.field('property') ?? expr.field('attribute'))?.text();
      if (property === 'length' || property === 'size') return;
      // `args.n` of a tool's `args: RunArgs` whose `n: int`: validated to a number before the tool runs.
      // It carries what assignments to `args` (or `args.n`) in the tool give it, not the validated argument.
      if (this.closedReads?.has(expr.text()) && this.closedRead(expr)) {
        into.refs.push(expr.text());
        return;
      }
      // A hook's result kept whole carries its model output only: `chat.messages`, `chat?.messages`, not `chat.input`.
      if (property !== undefined && this.hookResults.has(expr.field('object')?.text() ?? '') && !AI_SDK_OUTPUTS.has(property)) return;
    }
    if (k === 'subscript_expression' && this.hookResults.has(expr.field('object')?.text() ?? '')) {
      const index = expr.field('index');
      if (index?.kind() === 'string' && !AI_SDK_OUTPUTS.has(unquote(index.text()))) return;
    }
    // A call's text is never a carried name (those are identifiers, attributes and members): only its parts are kept.
    if (REFERENCE_KINDS[this.flavor].includes(k) && !isCall(expr)) into.refs.push(this.local(expr.text(), expr));
    // Indexing a container with a carried key picks one of the container's own values: `ALLOWED[choice]`.
    if (k === 'subscript' || k === 'subscript_expression') {
      const container = expr.field('value') ?? expr.field('object');
      if (container) this.collect(container, into);
      return;
    }
    for (const c of expr.namedChildren()) this.collect(c, into);
  }

  /** Whether a read listed in `closedReads` is in one of its tools (or a function nested in it that does not bind its name again). */
  private closedRead(expr: SgNode): boolean {
    const tools = this.closedReads!.get(expr.text())!;
    const base = BASE_NAME.exec(expr.text())![0];
    for (let i = this.indexById.get(this.scope(expr).id) ?? -1; i !== -1; i = this.nesting.parent[i]) {
      if (tools.includes(i)) return true;
      const fn = this.functions![i];
      if ([...fn.params, ...(fn.rest ? [fn.rest] : [])].some((p) => p.bound.includes(base)) || fn.otherBound.includes(base)) return false;
    }
    return false;
  }

  private carried(c: Carrier, tainted: ScopeNames): boolean {
    if (c.source) return true;
    for (const r of c.refs) if (tainted.has(r)) return true;
    if (this.returning.size === 0) return false;
    return c.calls.some((n) => this.byName.get(n)!.some((f) => this.returning.has(f.id)));
  }

  private use(expr: SgNode, scope?: { node: SgNode; id: number }): Use {
    const s = scope ?? this.scope(expr);
    return { scope: s.node, scopeId: s.id, carrier: this.carrier(expr) };
  }

  private carriedAt(use: Use): boolean {
    return this.carried(use.carrier, this.taintedNames(use.scope, use.scopeId));
  }

  /** The innermost function around a node (not the node itself), or the module: found by offsets among the file's functions. */
  private scope(node: SgNode): { node: SgNode; id: number } {
    const { starts, ends, parent } = this.nesting;
    const r = node.range();
    const start = r.start.index;
    const end = r.end.index;
    let i = lowerBound(starts.length, (k) => starts[k] <= start) - 1;
    // Functions nest: the innermost one around the node is the last one to start before it, or one it is nested in.
    while (i !== -1 && !(ends[i] >= end && (starts[i] < start || ends[i] > end))) i = parent[i];
    if (i === -1) return this.root!;
    const fn = this.functions![i];
    return { node: fn.node, id: fn.id };
  }

  private assignmentsIn(scopeId: number): Assignment[] {
    if (!this.assignmentsByScope) {
      this.assignmentsByScope = new Map();
      /** Names assigned a list in the file (`parts = []`, `const chunks = [...]`, `list()`): the containers `push`/`append` fill. */
      const lists = new Set<string>();
      for (const a of this.root!.node.findAll({ rule: { any: ASSIGNMENT_KINDS[this.flavor].map((kind) => ({ kind })) } })) {
        const [target, value] = targetAndValue(a);
        if (!target) continue;
        if (a.kind() === 'variable_declarator' && target.kind() === 'identifier') this.noteConst(a, target.text(), value);
        // `let cmd;` binds `cmd` (an assignment in the function after it is to its own name) and carries nothing.
        if (!value) {
          if (a.kind() === 'variable_declarator')
            this.addAssignment(this.scope(a).id, { names: this.targetNames(target), value: NOTHING, binds: true });
          continue;
        }
        const hook =
          (isCall(value) && this.hooks.has(calleeText(value))) || (value.kind() === 'identifier' && this.hookResults.has(value.text()));
        const entry = {
          // `const { messages, input } = useChat()`, `const { messages } = chat`: only the hook's model output carries.
          names: hook && target.kind() === 'object_pattern' ? hookOutputNames(target) : this.targetNames(target),
          value: this.carrier(value),
          binds: this.binds(a, target),
        };
        this.addAssignment(this.scope(a).id, entry);
        const vk = value.kind();
        if (vk === 'array' || vk === 'list' || vk === 'list_comprehension' || (isCall(value) && calleeText(value) === 'list'))
          lists.add(target.text());
      }
      // `catch (cmd)`, `function cmd() {}`, `class Cmd {}` bind their names as `let` does.
      if (this.flavor === 'js')
        for (const d of this.root!.node.findAll({ rule: { any: JS_DECLARATIONS.map((kind) => ({ kind })) } })) {
          const target = d.field(d.kind() === 'catch_clause' ? 'parameter' : 'name');
          if (target) this.addAssignment(this.scope(d).id, { names: this.targetNames(target), value: NOTHING, binds: true });
        }
      // `parts.append(delta)`, `chunks.push(text)`: the container carries what is put in it.
      for (const call of allCalls(this.root!.node, this.flavor)) {
        const m = CONTAINER_ADD.exec(calleeText(call));
        const args = m && (lists.has(m[1]) || RECEIVER.test(m[1])) && call.field('arguments');
        if (m && args)
          this.addAssignment(this.scope(call).id, { names: [this.local(m[1], call)], value: this.carrier(args), binds: false });
        // `setattr(args, "n", raw)` is `args.n = raw`; with a field named at run time, it changes `args` whole.
        if (this.flavor === 'python' && calleeText(call) === 'setattr') {
          const [object, field, value] = positional(call);
          if (object?.kind() !== 'identifier' || /^(?:self|cls)$/.test(object.text()) || !value) continue;
          const name =
            field?.kind() === 'string' && !field.text().includes('{') ? `${object.text()}.${unquote(field.text())}` : object.text();
          this.addAssignment(this.scope(call).id, { names: [name], value: this.carrier(value), binds: false });
        }
      }
      if (this.flavor === 'python')
        for (const d of this.root!.node.findAll({ rule: { any: [{ kind: 'nonlocal_statement' }, { kind: 'global_statement' }] } })) {
          const index = this.indexById.get(this.scope(d).id);
          if (index === undefined) continue;
          let names = this.declared.get(index);
          if (!names) this.declared.set(index, (names = new Map()));
          for (const n of d.namedChildren())
            if (n.kind() === 'identifier') names.set(n.text(), d.kind() === 'global_statement' ? 'global' : 'nonlocal');
        }
      this.escapeUpdates();
    }
    return this.assignmentsByScope.get(scopeId) ?? [];
  }

  private noteConst(declarator: SgNode, name: string, value: SgNode | null): void {
    const scopeId = this.scope(declarator).id;
    let names = this.consts.get(scopeId);
    if (!names) this.consts.set(scopeId, (names = new Map()));
    const declaration = declarator.parent();
    const constant = declaration?.kind() === 'lexical_declaration' && declaration.field('kind')?.text() === 'const';
    names.set(name, names.has(name) || !constant ? null : value);
  }

  /**
   * A schema or shape held in a name at `at` (`inputSchema: schema`): the value of the `const` declaring it in
   * the scope that binds the name there (a parameter or a `let` of that name hides an outer `const`), else the node itself.
   */
  private held(node: SgNode | undefined, at: SgNode): SgNode | undefined {
    const k = node?.kind();
    if (k !== 'identifier' && k !== 'shorthand_property_identifier') return node;
    const name = node!.text();
    this.assignmentsIn(this.root!.id);
    let i = this.indexById.get(this.scope(at).id) ?? -1;
    while (i !== -1 && !this.bindings(i).has(name)) i = this.nesting.parent[i];
    return this.consts.get(i === -1 ? this.root!.id : this.functions![i].id)?.get(name) ?? node;
  }

  /** The names an assignment target gives (see `local`). */
  private targetNames(target: SgNode): string[] {
    const out = names(target);
    return this.catches ? out.map((n) => this.local(n, target)) : out;
  }

  /** Whether an assignment node binds the names of its target in its scope (see `Assignment.binds`; Python's declarations are applied by `bindings`). */
  private binds(a: SgNode, target: SgNode): boolean {
    const kind = a.kind();
    const member = MEMBER_KINDS.has(String(target.kind()));
    if (kind === 'augmented_assignment' || kind === 'augmented_assignment_expression') return this.flavor === 'python' && !member;
    // `buf[0] = out`, `state.cmd = out` change an object, they bind no name.
    if (this.flavor === 'python') return !member;
    if (kind === 'variable_declarator') return true;
    // `for (const x of xs)` declares `x`; `for (x of xs)` assigns an outer one.
    if (kind === 'for_in_statement') return a.field('kind') !== null;
    // `x = …` without a declaration assigns an outer name; `obj.x = …` changes the object wherever it is bound.
    return false;
  }

  /**
   * Records each assignment of a nested function to a name it does not bind (declared `nonlocal` or
   * `global` in Python, not declared in JavaScript; `+=` to an attribute, adding to a list) in the scope
   * that binds it (see `Assignment.from`): a Python `global` in the module, otherwise the nearest enclosing
   * function binding the name, else the module.
   */
  private escapeUpdates(): void {
    const { parent } = this.nesting;
    const functions = this.functions!;
    for (let i = 0; i < functions.length; i++) {
      const own = this.assignmentsByScope!.get(functions[i].id);
      if (!own) continue;
      const declared = this.declared.get(i);
      for (const a of own) {
        if (a.from !== undefined) continue;
        for (const n of a.names) {
          // `obj.cmd = out` on a parameter or local `obj` changes the function's own object.
          if (RECEIVER.test(n) || this.bindings(i).has(n) || this.bindings(i).has(BASE_NAME.exec(n)![0])) continue;
          // `obj.cmd = out` changes the object of the scope that binds `obj`.
          const base = BASE_NAME.exec(n)![0];
          let up = parent[i];
          if (declared?.get(n) === 'global' || declared?.get(base) === 'global') up = -1;
          while (up !== -1 && !this.bindings(up).has(n) && !this.bindings(up).has(base)) up = parent[up];
          this.addAssignment(up === -1 ? this.root!.id : functions[up].id, { names: [n], value: a.value, binds: false, from: i });
          let targets = this.escapes.get(i);
          if (!targets) this.escapes.set(i, (targets = new Set()));
          targets.add(up);
        }
      }
    }
  }

  private addAssignment(scopeId: number, entry: Assignment): void {
    const list = this.assignmentsByScope!.get(scopeId);
    if (list) list.push(entry);
    else this.assignmentsByScope!.set(scopeId, [entry]);
  }

  private addInbound(fn: FunctionInfo, name: string): boolean {
    let set = this.inbound.get(fn.id);
    if (!set) this.inbound.set(fn.id, (set = new Set()));
    if (set.has(name)) return false;
    set.add(name);
    if (this.gained) this.gained.add(fn.id);
    else this.invalidate(fn.id);
    return true;
  }

  /** Marks a function's parameter as carrying the source; `prop` picks one property of an object pattern. */
  private taintParam(fn: FunctionInfo, index: number, keyword: string | undefined, prop?: string): boolean {
    const position = index + (fn.receiverParam ? 1 : 0);
    const param =
      keyword !== undefined
        ? fn.params.find((p) => p.keyword === keyword)
        : fn.rest && position >= fn.rest.index
          ? fn.rest
          : fn.params[position];
    if (!param) return false;
    if (prop !== undefined) {
      if (param.props) {
        let changed = false;
        // A property the pattern does not name lands in its `...rest`.
        for (const b of param.props.get(prop) ?? param.others ?? []) changed = this.addInbound(fn, b) || changed;
        return changed;
      }
      return param.keyword !== undefined && this.addInbound(fn, `${param.keyword}.${prop}`);
    }
    let changed = false;
    for (const b of param.bound) changed = this.addInbound(fn, b) || changed;
    return changed;
  }

  /**
   * Taints a parameter of every function of one name, once per `key` (the name and the parameter): a
   * tainted parameter stays tainted, so doing it again for another call changes nothing. Without
   * this, a name defined many times and called many times costs their product.
   */
  private taintOnce(key: string, fns: readonly FunctionInfo[], taint: (fn: FunctionInfo) => boolean): boolean {
    if (this.tainted.has(key)) return false;
    this.tainted.add(key);
    let changed = false;
    for (const fn of fns) changed = taint(fn) || changed;
    return changed;
  }

  /** Forgets the names carried in a function's scope and in the functions nested in it (they read its names). */
  private invalidate(fnId: number, dirty?: Set<number>): void {
    const i = this.indexById.get(fnId);
    if (i === undefined) return;
    const { starts, ends } = this.nesting;
    // Sorted by start, outer first: the functions nested in one follow it, up to its end.
    let j = i;
    for (; j < starts.length && (j === i || (starts[j] < ends[i] && ends[j] <= ends[i])); j++) {
      this.scopes.delete(this.functions![j].id);
      dirty?.add(j);
    }
    // A function updating an outer name changes what that scope carries (and everything nested in it).
    for (let k = i; k < j; k++)
      for (const up of this.escapes.get(k) ?? []) {
        if (up >= i) continue;
        if (up !== -1) this.invalidate(this.functions![up].id, dirty);
        else {
          this.scopes.clear();
          this.moduleChanged = true;
        }
      }
  }

  /** The file's functions, and how they nest (for `scope`). */
  private findFunctions(root: SgNode): FunctionInfo[] {
    // JavaScript catch clauses are found in the same walk (see `local`).
    const kinds = this.flavor === 'js' ? [...FUNCTION_KINDS.js, 'catch_clause'] : FUNCTION_KINDS.python;
    const catchClauses: SgNode[] = [];
    const functions = root
      .findAll({ rule: { any: kinds.map((kind) => ({ kind })) } })
      .filter((n) => n.kind() !== 'catch_clause' || (catchClauses.push(n), false))
      .map(functionInfo)
      .map((f) => ({ f, r: f.node.range() }))
      // Outer before inner when two start together.
      .sort((a, b) => a.r.start.index - b.r.start.index || b.r.end.index - a.r.end.index);
    const starts = functions.map((x) => x.r.start.index);
    const ends = functions.map((x) => x.r.end.index);
    this.nesting = { starts, ends, parent: nest(starts, ends) };
    functions.forEach((x, i) => this.indexById.set(x.f.id, i));
    const found = functions.map((x) => x.f);
    this.functions = found;
    const catches: CatchScopes = { starts: [], ends: [], parent: [], names: [], scope: [], all: new Set() };
    for (const c of catchClauses) {
      const parameter = c.field('parameter');
      if (!parameter) continue;
      const bound = new Set(boundNames(parameter));
      const r = c.range();
      catches.starts.push(r.start.index);
      catches.ends.push(r.end.index);
      catches.names.push(bound);
      catches.scope.push(this.indexById.get(this.scope(c).id) ?? -1);
      for (const n of bound) catches.all.add(n);
    }
    catches.parent = nest(catches.starts, catches.ends);
    if (catches.all.size > 0) this.catches = catches;
    return found;
  }

  /**
   * The name a reference or assignment target at `node` stands for: in a catch clause binding it,
   * the catch parameter's own (`cmd#catch@120`), which hides the outer name there and nowhere else.
   */
  private local(name: string, node: SgNode): string {
    const c = this.catches;
    if (!c) return name;
    const base = BASE_NAME.exec(name)![0];
    if (!c.all.has(base)) return name;
    const at = node.range().start.index;
    let i = lowerBound(c.starts.length, (k) => c.starts[k] <= at) - 1;
    // Catch clauses nest: the innermost binding the name is the last one to start before it, or one it is nested in.
    while (i !== -1 && !(at < c.ends[i] && c.names[i].has(base))) i = c.parent[i];
    if (i === -1) return name;
    // A function in the catch clause with a parameter of that name binds it again.
    for (let f = this.indexById.get(this.scope(node).id) ?? -1; f !== -1 && f !== c.scope[i]; f = this.nesting.parent[f]) {
      const fn = this.functions![f];
      if ([...fn.params, ...(fn.rest ? [fn.rest] : [])].some((p) => p.bound.includes(base)) || fn.otherBound.includes(base)) return name;
    }
    return `${base}#catch@${c.starts[i]}${name.slice(base.length)}`;
  }

  /** Builds the file's functions and runs the cross-function propagation to a fixed point. */
  private analyse(root: SgNode): void {
    if (this.functions) return;
    this.root = { node: root, id: root.id() };
    this.functions = this.findFunctions(root);
    for (const f of this.functions) {
      if (!f.name) continue;
      const list = this.byName.get(f.name);
      if (list) list.push(f);
      else this.byName.set(f.name, [f]);
    }
    if (this.kind === 'llm' && this.flavor === 'js')
      for (const f of this.functions) {
        const first = f.params[0];
        if (first?.props) for (const [prop, bound] of first.props) if (namesModelOutput(prop)) for (const b of bound) this.addInbound(f, b);
        if (first?.keyword === 'props')
          for (const m of f.node.findAll({ rule: { kind: 'member_expression' } }))
            if (m.field('object')?.text() === 'props' && namesModelOutput(m.field('property')?.text() ?? '')) this.addInbound(f, m.text());
      }
    if (this.kind === 'llm' && this.flavor === 'js') for (const h of aiSdkHooks(root)) if (!this.byName.has(h)) this.hooks.add(h);
    const otherValues = new Set<string>();
    if (this.hooks.size > 0)
      for (const a of root.findAll({ rule: { any: [{ kind: 'variable_declarator' }, { kind: 'assignment_expression' }] } })) {
        const [target, value] = targetAndValue(a);
        if (target?.kind() !== 'identifier' || !value) continue;
        if (isCall(value) && this.hooks.has(calleeText(value))) this.hookResults.add(target.text());
        else otherValues.add(target.text());
      }
    // A name kept for a hook's result in one function and for something else in another (`const chat = await
    // openai.chat.completions.create(…)`) is not filtered: the filter goes by name, file-wide.
    for (const name of otherValues) this.hookResults.delete(name);
    const allCallNodes = allCalls(root, this.flavor).map((node) => ({ node, callee: calleeText(node) }));
    if (this.kind === 'llm' && /tool/i.test(this.doc.text)) {
      let inputs = toolInputs.get(this.doc);
      if (!inputs) toolInputs.set(this.doc, (inputs = this.toolParameters(root, allCallNodes)));
      for (const [index, name] of inputs.params) this.addInbound(this.functions![index], name);
      if (inputs.closedReads.length > 0) {
        this.closedReads = new Map();
        this.closedByBase = new Map();
        for (const [index, read] of inputs.closedReads) {
          if (!this.closedReads.has(read)) push(this.closedByBase, BASE_NAME.exec(read)![0], read);
          push(this.closedReads, read, index);
        }
        // `a = args` in the tool: `a.n = raw` sets `args.n`.
        for (const a of root.findAll({ rule: { kind: 'assignment' } })) {
          const alias = a.field('left');
          const base = a.field('right');
          const reads = base?.kind() === 'identifier' ? this.closedByBase.get(base.text()) : undefined;
          if (!reads || alias?.kind() !== 'identifier' || alias.text() === base!.text()) continue;
          const index = this.indexById.get(this.scope(a).id);
          for (const read of [...reads])
            if (index !== undefined && this.closedReads.get(read)!.includes(index))
              push(this.closedByBase, `${alias.text()}${read.slice(base!.text().length)}`, read);
        }
      }
    }
    // Nothing to carry anywhere: skip the propagation (the common case for files without model calls).
    if (this.kind === 'llm' && this.inbound.size === 0 && !allCallNodes.some((c) => isLlmCallee(c.callee) || this.hooks.has(c.callee)))
      return;
    const setters = this.stateSetters(root);
    const calls: CallSite[] = [];
    for (const { node, callee } of allCallNodes) {
      const name = calledNameOf(callee);
      if (name !== undefined && (this.byName.has(name) || /^set[A-Z]/.test(name))) calls.push(this.callSite(node, name, setters.has(name)));
    }
    const callbacks: CallbackSite[] = [];
    if (this.flavor === 'js')
      for (const { node, callee } of allCallNodes) {
        if (!CALLBACK_METHODS.test(callee)) continue;
        const receiver = node.field('function')?.field('object');
        const first = positional(node)[0];
        if (!receiver || !first) continue;
        const index = isFunction(first) ? this.indexById.get(first.id()) : undefined;
        if (index !== undefined) callbacks.push({ receiver: this.use(receiver), fn: this.functions[index] });
        else if (first.kind() === 'identifier' && this.byName.has(first.text()))
          callbacks.push({ receiver: this.use(receiver), name: first.text() });
      }
    const elements = this.jsx
      ? root
          .findAll({ rule: { any: JSX_ELEMENTS.map((kind) => ({ kind })) } })
          .filter((e) => this.byName.has(e.field('name')?.text() ?? ''))
          .map((el) => {
            const scope = this.scope(el);
            const attributes: Array<{ name: string; use: Use }> = [];
            for (const attr of el.namedChildren().filter((c) => c.kind() === 'jsx_attribute')) {
              const [nameNode, valueNode] = attr.namedChildren();
              const value = valueNode?.kind() === 'jsx_expression' ? valueNode.namedChildren()[0] : undefined;
              if (nameNode && value) attributes.push({ name: nameNode.text(), use: this.use(value, scope) });
            }
            return { name: el.field('name')!.text(), attributes };
          })
      : [];
    const returns: Array<{ fnId: number; use: Use }> = [];
    for (const r of root.findAll({ rule: { any: RETURN_KINDS.map((kind) => ({ kind })) } })) {
      const value = r.namedChildren()[0];
      const scope = this.scope(r);
      if (value && scope !== this.root) returns.push({ fnId: scope.id, use: this.use(value, scope) });
    }
    const expressionBodies: ExpressionBody[] = [];
    for (const f of this.functions) {
      const kind = f.node.kind();
      if (kind !== 'arrow_function' && kind !== 'lambda') continue;
      const body = f.node.field('body');
      if (body && body.kind() !== 'statement_block') expressionBodies.push({ fn: f, use: this.use(body, f) });
    }
    const sites: Site[] = [];
    const site = (uses: readonly Use[], run: () => boolean): void => {
      const calls = new Set<string>();
      for (const u of uses) for (const n of u.carrier.calls) calls.add(n);
      const scopes = new Set(uses.map((u) => this.indexById.get(u.scopeId) ?? -1));
      sites.push({ scopes: [...scopes], calls: [...calls], run, pass: -1 });
    };
    for (const r of returns)
      site([r.use], () => {
        if (this.returning.has(r.fnId) || !this.carriedAt(r.use)) return false;
        this.returned(r.fnId);
        return true;
      });
    for (const b of expressionBodies)
      site([b.use], () => {
        if (this.returning.has(b.fn.id) || !this.carriedAt(b.use)) return false;
        this.returned(b.fn.id);
        return true;
      });
    for (const call of calls) {
      const uses = call.positional.flatMap((a) => [a.use, ...(a.pairs ?? []).map((p) => p.use)]);
      for (const item of call.keywords.map((k) => k.use)) uses.push(item);
      if (call.setterValue) uses.push(call.setterValue);
      if (uses.length > 0) site(uses, () => this.propagateCall(call, setters));
    }
    for (const cb of callbacks)
      site([cb.receiver], () => {
        if (!this.carriedAt(cb.receiver)) return false;
        let changed = false;
        if (cb.fn && this.taintParam(cb.fn, 0, undefined)) changed = true;
        if (cb.name && this.taintOnce(`${cb.name}|0`, this.byName.get(cb.name)!, (fn) => this.taintParam(fn, 0, undefined))) changed = true;
        return changed;
      });
    for (const el of elements) {
      const fns = this.byName.get(el.name)!;
      for (const attr of el.attributes)
        site(
          [attr.use],
          () =>
            this.carriedAt(attr.use) &&
            this.taintOnce(`${el.name}|<${attr.name}`, fns, (fn) => this.taintParam(fn, 0, undefined, attr.name)),
        );
    }
    this.propagate(sites);
  }

  /**
   * Runs the sites (returns, calls, callbacks, JSX elements) to a fixed point. The first pass runs them
   * all; each later pass only those a change of the pass before can affect: the sites in a function
   * that gained carried names (and in the functions nested in it), those calling a function found to
   * return the source, and those in scopes that assign such a call. A value carried along a chain of
   * n functions takes n passes of a few sites each; the work stops at that of MAX_PASSES passes over
   * every site, so a file costs at most that many times its size.
   */
  private propagate(sites: readonly Site[]): void {
    const functions = this.functions!;
    const byScope = new Map<number, Site[]>();
    const byCall = new Map<string, Site[]>();
    for (const s of sites) {
      for (const i of s.scopes) push(byScope, i, s);
      for (const n of s.calls) push(byCall, n, s);
    }
    /** Scopes (function index, -1 for the module) with an assignment calling a function, by its name. */
    const assigning = new Map<string, Set<number>>();
    for (const f of [-1, ...functions.keys()])
      for (const a of this.assignmentsIn(f === -1 ? this.root!.id : functions[f].id))
        for (const n of a.value.calls) {
          let set = assigning.get(n);
          if (!set) assigning.set(n, (set = new Set()));
          set.add(f);
        }
    // A scope read anew costs its assignments (a function assigning thousands of calls is read again whole).
    const size = functions.map((f) => this.assignmentsIn(f.id).length + 1);
    const budget = MAX_PASSES * (sites.length + size.reduce((a, b) => a + b, 0) + this.assignmentsIn(this.root!.id).length + 1);
    let work = 0;
    let queue: readonly Site[] = sites;
    let scan: Iterable<number> = functions.keys();
    for (let pass = 0; work <= budget; pass++) {
      this.gained = new Set();
      this.returnedNames = [];
      let changed = false;
      for (const s of queue) if (s.run()) changed = true;
      work += queue.length;
      const before = this.attributes.size;
      for (const i of scan) {
        work += size[i];
        const f = functions[i];
        for (const n of this.taintedNames(f.node, f.id).own) if (RECEIVER.test(n)) this.attributes.add(n);
      }
      const gained = this.gained;
      const returned = this.returnedNames;
      this.gained = undefined;
      this.returnedNames = undefined;
      if (!changed && this.attributes.size === before) break;
      // What the next pass reads anew: scopes whose names may have grown, and sites calling a new returning function.
      const dirty = new Set<number>();
      this.moduleChanged = false;
      for (const id of gained) this.invalidate(id, dirty);
      let all = this.attributes.size !== before || this.moduleChanged;
      for (const n of returned)
        for (const f of assigning.get(n) ?? []) {
          if (f === -1) all = true;
          else this.invalidate(functions[f].id, dirty);
        }
      if (all) {
        work += this.assignmentsIn(this.root!.id).length + 1;
        this.scopes.clear();
        queue = sites;
        scan = functions.keys();
        continue;
      }
      const next: Site[] = [];
      const add = (s: Site): void => {
        if (s.pass !== pass) next.push(s);
        s.pass = pass;
      };
      for (const i of dirty) for (const s of byScope.get(i) ?? []) add(s);
      for (const n of returned) for (const s of byCall.get(n) ?? []) add(s);
      queue = next;
      scan = dirty;
    }
  }

  /** A function found to return the source: its callers are read again. */
  private returned(fnId: number): void {
    this.returning.add(fnId);
    const name = this.functions![this.indexById.get(fnId)!].name;
    if (name !== undefined) this.returnedNames?.push(name);
  }

  /** Carries a call's arguments into the parameters of the functions of its name (and a state setter's value into the state). */
  private propagateCall(call: CallSite, setters: Map<string, { state: string; owner: FunctionInfo }>): boolean {
    let changed = false;
    const setter = setters.get(call.name);
    if (setter && call.setterValue && this.carriedAt(call.setterValue) && this.addInbound(setter.owner, setter.state)) changed = true;
    const fns = this.byName.get(call.name);
    if (!fns) return changed;
    const hasProps = (fn: FunctionInfo, i: number): boolean => fn.params[i + (fn.receiverParam ? 1 : 0)]?.props !== undefined;
    call.positional.forEach((arg, i) => {
      if (arg.pairs) {
        for (const pair of arg.pairs)
          if (
            this.carriedAt(pair.use) &&
            this.taintOnce(`${call.name}|${i}.${pair.key}`, fns, (fn) => hasProps(fn, i) && this.taintParam(fn, i, undefined, pair.key))
          )
            changed = true;
        if (
          this.carriedAt(arg.use) &&
          this.taintOnce(`${call.name}|${i}|plain`, fns, (fn) => !hasProps(fn, i) && this.taintParam(fn, i, undefined))
        )
          changed = true;
      } else if (this.carriedAt(arg.use) && this.taintOnce(`${call.name}|${i}`, fns, (fn) => this.taintParam(fn, i, undefined)))
        changed = true;
    });
    for (const k of call.keywords)
      if (this.carriedAt(k.use) && this.taintOnce(`${call.name}|=${k.name}`, fns, (fn) => this.taintParam(fn, 0, k.name))) changed = true;
    return changed;
  }

  /** Reads a call's arguments once: every pass asks what they carry. */
  private callSite(call: SgNode, name: string, setter: boolean): CallSite {
    const scope = this.scope(call);
    const args = positional(call);
    const site: CallSite = {
      name,
      positional: args.map((arg) => {
        if (arg.kind() !== 'object') return { use: this.use(arg, scope) };
        const pairs: Array<{ key: string; use: Use }> = [];
        for (const pair of arg.namedChildren()) {
          const key =
            pair.kind() === 'pair'
              ? unquote(pair.field('key')?.text() ?? '')
              : pair.kind() === 'shorthand_property_identifier'
                ? pair.text()
                : undefined;
          const value = pair.kind() === 'pair' ? pair.field('value') : pair;
          if (key && value) pairs.push({ key, use: this.use(value, scope) });
        }
        return { use: this.use(arg, scope), pairs };
      }),
      keywords: [],
    };
    if (setter && args[0]) {
      const value = isFunction(args[0]) ? args[0].field('body') : args[0];
      if (value) site.setterValue = this.use(value);
    }
    for (const a of call.field('arguments')?.namedChildren() ?? []) {
      if (a.kind() !== 'keyword_argument') continue;
      const value = a.field('value');
      if (value) site.keywords.push({ name: a.field('name')?.text(), use: this.use(value, scope) });
    }
    return site;
  }

  /** The parameters of the file's agent tools (see `TOOL_DECORATOR`), which carry model output: (function index, name). */
  private toolParameters(root: SgNode, calls: ReadonlyArray<{ node: SgNode; callee: string }>): ToolInputs {
    const out: Array<readonly [number, string]> = [];
    const closedReads: Array<readonly [number, string]> = [];
    const result: ToolInputs = { params: out, closedReads };
    const add: ToolAdd = (fn, name, closed) => void (closed ? closedReads : out).push([this.indexById.get(fn.id)!, name]);
    const python = this.flavor === 'python';
    const aliases = python ? toolAliases(root, PY_TOOL_NAMES, PY_TOOL_MODULES) : toolAliases(root, JS_TOOL_NAMES, JS_TOOL_MODULES);
    let enums: Set<string> | undefined;
    let models: Map<string, Map<string, boolean>> | undefined;
    const fileEnums = (): Set<string> => (enums ??= pyEnums(root));
    const types: PyTypes = { enums: fileEnums, models: () => (models ??= pyModels(root, fileEnums)) };
    /** A function given to a tool at `call`: written there, or a function (not a method) of that name in the call's scope or one around it. */
    const fromNode = (call: SgNode, value: SgNode | undefined, taint: (fn: FunctionInfo) => void): void => {
      if (!value) return;
      if (isFunction(value)) {
        const index = this.indexById.get(value.id());
        if (index !== undefined) taint(this.functions![index]);
        return;
      }
      if (value.kind() !== 'identifier') return;
      const fns = this.byName.get(value.text());
      if (!fns) return;
      const around = new Set<number>([-1]);
      for (let i = this.indexById.get(this.scope(call).id) ?? -1; i !== -1; i = this.nesting.parent[i]) around.add(i);
      for (const fn of fns) if (!isMethod(fn.node) && around.has(this.nesting.parent[this.indexById.get(fn.id)!])) taint(fn);
    };
    if (python) {
      let framework: Imported[] | undefined;
      const frameworkImports = (): Imported[] => (framework ??= importsFrom(root, (m) => PY_TOOL_MODULES.test(m)));
      /**
       * `@tool`, `@function_tool` as a plain name: the framework's when the file imports it from one, or when
       * nothing in the file binds the name (a star import, a snippet without its imports); not another module's
       * (`from mylib import tool`) nor the file's own (`def tool(f)`).
       */
      const pyToolDecorator = (name: string): boolean => isFrameworkName(root, name, PY_TOOL_NAMES, PY_TOOL_MODULES, true);
      for (const f of this.functions!) {
        const parent = f.node.kind() === 'function_definition' ? f.node.parent() : null;
        if (parent?.kind() !== 'decorated_definition') continue;
        const decorated = parent.children().some((c) => {
          if (c.kind() !== 'decorator') return false;
          const text = c.text();
          const name = DECORATOR_NAME.exec(text)?.[1] ?? '';
          if (aliases.has(name)) return true;
          return TOOL_DECORATOR.test(text) && (name === '' || pyToolDecorator(name));
        });
        if (decorated) this.taintPyTool(f, types, add);
      }
      // LangChain's (and CrewAI's) `class Search(BaseTool)`: `_run`/`_arun` take the arguments, validated against their signature.
      const toolClasses = /BaseTool/.test(this.doc.text) ? pyToolClasses(root, PY_TOOL_MODULES) : undefined;
      if (toolClasses?.size)
        for (const f of this.functions!)
          if (
            (f.name === '_run' || f.name === '_arun') &&
            isMethod(f.node) &&
            toolClasses.has(classOf(f.node)?.field('name')?.text() ?? '')
          )
            this.taintPyTool(f, types, add);
      /** `tool`, `lc_tool`, `agents.function_tool`, `tools.tool`: a name the file imports from an agent framework and does not define. */
      const pyToolCall = (callee: string): boolean => {
        if ((!PY_TOOL_CALL.test(callee) && !aliases.has(callee)) || this.byName.has(callee)) return false;
        const dot = callee.lastIndexOf('.');
        if (dot === -1) return isFrameworkName(root, callee, PY_TOOL_NAMES, PY_TOOL_MODULES, false);
        const module = callee.slice(0, dot);
        return frameworkImports().some((i) => i.local === module && !PY_TOOL_NAMES.has(i.name));
      };
      for (const { node, callee } of calls) {
        // `tool(search)`, `function_tool(search)`: the decorator called on a function of the file.
        if (pyToolCall(callee)) {
          fromNode(node, positional(node)[0], (fn) => this.taintPyTool(fn, types, add));
          continue;
        }
        const m = PY_TOOL.exec(callee);
        if (!m) continue;
        // `Tool` passes the model's text as it is; `StructuredTool` validates it against the function's signature.
        const validated = m[1] !== 'Tool';
        const func =
          namedArg(node, 'func') ??
          namedArg(node, 'coroutine') ??
          (callee.endsWith('from_function') ? positional(node)[0] : m[1] === 'Tool' ? positional(node)[1] : undefined);
        fromNode(node, func, (fn) => this.taintPyTool(fn, validated ? types : undefined, add));
      }
      return result;
    }
    for (const { node, callee } of calls) {
      if (!(JS_TOOL.test(callee) || aliases.has(callee)) || this.byName.has(callee)) continue;
      const args = positional(node);
      const first = args[0];
      if (!first) continue;
      if (first.kind() === 'object') {
        // The AI SDK's `tool({ inputSchema, execute })`, `new DynamicStructuredTool({ schema, func })`.
        const closed = zodClosedProps(this.held(objectProperty(first, 'inputSchema', 'parameters', 'schema'), node));
        fromNode(node, objectProperty(first, 'func', 'execute'), (fn) => this.taintJsTool(fn, closed, add));
      } else if (first.kind() === 'string' || first.kind() === 'template_string') {
        // MCP: `server.tool(name, description?, shape?, annotations?, handler)`, `server.registerTool(name, { inputSchema }, handler)`.
        const options = args
          .slice(1, -1)
          .map((a) => this.held(a, node))
          .find((a) => a?.kind() === 'object');
        const closed = zodClosedProps(options && this.held(objectProperty(options, 'inputSchema') ?? options, node));
        fromNode(node, args[args.length - 1], (fn) => this.taintJsTool(fn, closed, add));
      } else {
        // LangChain.js `tool(fn, { schema })`.
        const schema = args[1]?.kind() === 'object' ? this.held(objectProperty(args[1], 'schema'), node) : undefined;
        fromNode(node, first, (fn) => this.taintJsTool(fn, zodClosedProps(schema), add));
      }
    }
    return result;
  }

  /**
   * A JavaScript tool's input (its first parameter), but for the properties its schema or annotation
   * closes (`z.number()`, `z.enum([…])`, `id: number`): the framework validates the model's arguments first.
   */
  private taintJsTool(fn: FunctionInfo, schemaClosed: ReadonlySet<string>, add: ToolAdd): void {
    const input = fn.params[0];
    if (!input) return;
    const list = fn.node.field('parameters');
    const node = list?.kind() === 'formal_parameters' ? list.namedChildren().find((c) => c.kind() !== 'comment') : undefined;
    const annotated = tsClosedParam(node);
    if (annotated.whole) return;
    const closed = (prop: string): boolean => schemaClosed.has(prop) || annotated.props.has(prop);
    if (input.props) {
      for (const [prop, bound] of input.props) if (!closed(prop)) for (const b of bound) add(fn, b);
      for (const b of input.others ?? []) add(fn, b);
      return;
    }
    for (const b of input.bound) add(fn, b);
  }

  /**
   * A Python tool's parameters but the receiver and those the framework fills; with `types` (the
   * framework validates the arguments against the signature) also but those of closed types (`int`,
   * `Literal[…]`, an Enum of the file). A parameter typed with a pydantic model of the file is model
   * output whole (`str(args)`, `args.model_dump_json()`), but for the reads of its fields of closed types (`args.n`).
   */
  private taintPyTool(fn: FunctionInfo, types: PyTypes | undefined, add: ToolAdd): void {
    const skipped = new Set<string>();
    for (const p of fn.node.field('parameters')?.namedChildren() ?? []) {
      const type = p.field('type');
      const t = type && parsePyType(type.text());
      if (!t) continue;
      const bound = patternParam(p, 0).bound;
      if (pyInjected(t) || (types !== undefined && pyClosed(t, types.enums))) for (const b of bound) skipped.add(b);
      else if (types !== undefined && !t.form && t.args.length === 0 && bound.length === 1) {
        for (const [field, closed] of types.models().get(t.name) ?? []) if (closed) add(fn, `${bound[0]}.${field}`, true);
      }
    }
    const params = fn.receiverParam ? fn.params.slice(1) : fn.params;
    for (const p of [...params, ...(fn.rest ? [fn.rest] : [])]) for (const b of p.bound) if (!skipped.has(b)) add(fn, b);
    for (const b of fn.otherBound) if (!skipped.has(b)) add(fn, b);
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
      const scopeId = this.scope(d).id;
      const owner = this.functions!.find((f) => f.id === scopeId);
      if (state?.kind() === 'identifier' && setter?.kind() === 'identifier' && owner)
        out.set(setter.text(), { state: state.text(), owner });
    }
    return out;
  }

  /** True when the expression carries the source: it is one, contains one, or uses a variable that does. */
  reaches(expr: SgNode): boolean {
    if (!this.functions) this.analyse(this.doc.root);
    return this.carriedAt(this.use(expr));
  }
}
