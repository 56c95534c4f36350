import type { SgNode } from '@ast-grep/napi';
import { calleeName, calleeText, enclosingScope, isCall, isFunction, type Flavor } from './syntax.js';

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
const RUNNABLE_METHODS = new Set(['invoke', 'ainvoke', 'run', 'arun', 'predict', 'apredict', 'stream', 'astream', 'batch', 'query', 'aquery', 'chat', 'complete', 'kickoff', 'generate']);
const MODEL_RECEIVER = /(?:llm|chain|agent|model|chat|qa|executor|graph|crew|engine|bot|assistant|gpt|claude|gemini|ollama|openai|anthropic|client)/i;

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
const REQUEST_EXPR = /^(?:flask\.)?request\.(?:args|form|json|values|data|get_json|get_data|files|headers|cookies|query_params|path_params|body)\b|^(?:req|request|ctx\.request)\.(?:body|query|params|json|text|formData|searchParams)\b/;

export function isRequestExpression(node: SgNode): boolean {
  const k = node.kind();
  if (k !== 'attribute' && k !== 'member_expression' && k !== 'call' && k !== 'call_expression') return false;
  return REQUEST_EXPR.test(node.text().replace(/\s+/g, '').replace(/^await/, ''));
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
    .map((p) => (p.kind() === 'identifier' ? p.text() : (p.field('name')?.text() ?? p.namedChildren().find((c) => c.kind() === 'identifier')?.text() ?? '')))
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
 * Follows values within one function: a variable assigned from a source (model output, request data),
 * or from an expression using such a variable, carries the source. Nothing crosses function boundaries.
 */
export class Flow {
  private readonly scopes = new Map<number, Set<string>>();

  constructor(
    private readonly flavor: Flavor,
    private readonly kind: SourceKind,
  ) {}

  private isSource(node: SgNode): boolean {
    return this.kind === 'llm' ? isCall(node) && isLlmCall(node) : isRequestExpression(node);
  }

  private taintedNames(scope: SgNode): Set<string> {
    const cached = this.scopes.get(scope.id());
    if (cached) return cached;
    const tainted = new Set<string>();
    this.scopes.set(scope.id(), tainted);
    if (this.kind === 'request' && isRequestHandler(scope) && this.flavor === 'python') for (const p of handlerParameters(scope)) tainted.add(p);
    const assignments = scope
      .findAll({ rule: { any: ASSIGNMENT_KINDS[this.flavor].map((kind) => ({ kind })) } })
      .filter((a) => enclosingScope(a).id() === scope.id() || (a.kind() === 'for_statement' && enclosingScope(a).id() === scope.id()));
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

  /** True when the expression carries the source: it is one, contains one, or uses a variable that does. */
  reaches(expr: SgNode): boolean {
    return this.carries(expr, this.taintedNames(enclosingScope(expr)));
  }
}
