import type { SgNode } from '@ast-grep/napi';
import { fileImports, importsFrom } from './imports.js';
import { unquote } from './syntax.js';

/**
 * What agent tools' parameter declarations say of the values the model may give them: a parameter the
 * framework fills (not the model), or one validated to a closed type (a number, a flag, one of fixed
 * values) before the tool runs. Read from the syntax tree, each node of an annotation or schema once.
 */

/** Types of parameters a tool's framework fills: `Annotated[dict, InjectedState]`, `config: RunnableConfig`, `ctx: Context`. */
const INJECTED_NAME = /^(?:Injected\w*|RunnableConfig|ToolRuntime|Context|RunContext|RunContextWrapper|\w*CallbackManager\w*)$/;
/** Python types a validated argument of which carries no text. */
const CLOSED_PY = new Set(['int', 'float', 'bool', 'None', 'Literal']);
const UNION_PY = new Set(['Optional', 'Union', '|']);
const ENUM_BASE = /^(?:Enum|IntEnum|StrEnum|Flag|IntFlag)$/;
/** zod schemas of closed types (`z.number()`, `z.coerce.number()`, `z.enum([...])`), and the methods that keep a schema's type. */
const ZOD_BASE = /^(?:z|zod)(?:\.coerce)?$/;
const ZOD_CLOSED = new Set(['number', 'boolean', 'bigint', 'enum', 'nativeEnum', 'literal']);
const ZOD_KEEPS = new Set([
  'optional',
  'nullable',
  'nullish',
  'int',
  'min',
  'max',
  'gt',
  'gte',
  'lt',
  'lte',
  'positive',
  'negative',
  'nonnegative',
  'nonpositive',
  'finite',
  'safe',
  'multipleOf',
  'step',
  'describe',
  'default',
  'refine',
]);
const TS_CLOSED = new Set(['number', 'boolean', 'bigint', 'undefined', 'null', 'never']);

/** A Python annotation read from its text: `Annotated[str, Field(…)]` → `Annotated` with `str` and a call of `Field`. */
interface PyType {
  /** The type's own name: `int` of `int`, `Literal` of `typing.Literal[…]`, `|` of `int | None`, `Field` of `Field(…)`; '' for anything else. */
  name: string;
  /** The items in its brackets (or the sides of `|`). */
  args: PyType[];
  /** A call (`Field(description=…)`), or a string (`"int"`, a forward reference; `"a note"`, metadata). */
  form?: 'call' | 'string';
}

/** Annotations nested deeper than this are read as nothing known. */
const MAX_DEPTH = 32;

/**
 * Reads a Python annotation's text in one pass (a parse of its own: asking the native tree for each part
 * cost more than the rest of a tool's analysis). Undefined when the text is not an annotation it knows.
 */
export function parsePyType(text: string): PyType | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const fail = (): never => {
    throw parseFailure;
  };
  /** Past a quoted string starting at `i` (after any prefix letters); returns its content. */
  const str = (): string => {
    const q = text[i];
    const triple = text.startsWith(q.repeat(3), i);
    const open = triple ? 3 : 1;
    const start = i + open;
    let j = start;
    for (; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === q && (!triple || text.startsWith(q.repeat(3), j))) break;
    }
    if (j >= text.length) fail();
    i = j + open;
    return text.slice(start, j);
  };
  /** Past balanced brackets from the opening one at `i`. */
  const skipBalanced = (): void => {
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"' || c === "'") {
        str();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      i++;
      if (depth === 0) return;
    }
    fail();
  };
  const union = (depth: number): PyType => {
    if (depth > MAX_DEPTH) fail();
    const parts = [primary(depth)];
    ws();
    while (text[i] === '|') {
      i++;
      parts.push(primary(depth));
      ws();
    }
    return parts.length === 1 ? parts[0] : { name: '|', args: parts };
  };
  const primary = (depth: number): PyType => {
    ws();
    const prefix = /^[rbuRBUfF]{0,2}["']/.exec(text.slice(i, i + 3));
    if (prefix) {
      i += prefix[0].length - 1;
      const content = str();
      return { name: /^[A-Za-z_][\w.]*$/.test(content) ? content.slice(content.lastIndexOf('.') + 1) : '', args: [], form: 'string' };
    }
    const id = /^[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*/.exec(text.slice(i, i + 200));
    if (!id) {
      // A number, `...`, a list: read as nothing known, up to the next separator.
      const start = i;
      while (i < text.length && !',|])'.includes(text[i])) {
        if ('([{'.includes(text[i]) || text[i] === '"' || text[i] === "'") {
          if (text[i] === '"' || text[i] === "'") str();
          else skipBalanced();
        } else i++;
      }
      if (i === start) fail();
      return { name: '', args: [] };
    }
    i += id[0].length;
    const dotted = id[0].replace(/\s+/g, '');
    const name = dotted.slice(dotted.lastIndexOf('.') + 1);
    ws();
    if (text[i] === '(') {
      skipBalanced();
      return { name, args: [], form: 'call' };
    }
    const args: PyType[] = [];
    if (text[i] === '[') {
      i++;
      for (;;) {
        ws();
        if (text[i] === ']') break;
        args.push(union(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== ']') fail();
      }
      i++;
    }
    return { name, args };
  };
  try {
    const t = union(0);
    ws();
    return i === text.length ? t : undefined;
  } catch (e) {
    if (e === parseFailure) return undefined;
    throw e;
  }
}
const parseFailure = new Error('not an annotation');

/** True for a Python annotation of a parameter the framework fills: `InjectedState`, `Annotated[dict, InjectedState]`, `Optional[RunnableConfig]`. */
export function pyInjected(t: PyType): boolean {
  if (t.form !== 'string' && INJECTED_NAME.test(t.name)) return true;
  if (t.form) return false;
  if (t.name === 'Annotated')
    return (
      (t.args[0] !== undefined && pyInjected(t.args[0])) || t.args.slice(1).some((a) => a.form !== 'string' && INJECTED_NAME.test(a.name))
    );
  if (UNION_PY.has(t.name)) return t.args.some((a) => pyInjected(a));
  return false;
}

/** True for a Python annotation no validated value of which carries text: `int`, `Literal[…]`, `Optional[bool]`, an Enum of the file. */
export function pyClosed(t: PyType, enums: () => ReadonlySet<string>): boolean {
  if (t.form === 'call') return false;
  if (CLOSED_PY.has(t.name)) return true;
  if (t.name === 'Annotated') return t.args[0] !== undefined && pyClosed(t.args[0], enums);
  if (UNION_PY.has(t.name)) return t.args.length > 0 && t.args.every((a) => pyClosed(a, enums));
  return t.name !== '' && t.args.length === 0 && enums().has(t.name);
}

function lastName(node: SgNode): string {
  const k = node.kind();
  if (k === 'identifier') return node.text();
  if (k === 'attribute') return node.field('attribute')?.text() ?? '';
  return '';
}

/** The classes of a Python module subclassing a class `base` accepts, or a class of the module doing so defined before them. */
function pySubclasses(root: SgNode, base: (b: SgNode) => boolean): Set<string> {
  const out = new Set<string>();
  for (const c of root.findAll({ rule: { kind: 'class_definition' } })) {
    const name = c.field('name')?.text();
    const bases = c.field('superclasses')?.namedChildren() ?? [];
    if (name && bases.some((b) => base(b) || out.has(lastName(b)))) out.add(name);
  }
  return out;
}

/** The classes of a Python module subclassing `Enum` (or an Enum class defined before them). */
export function pyEnums(root: SgNode): Set<string> {
  return pySubclasses(root, (b) => ENUM_BASE.test(lastName(b)));
}

const moduleDefinitions = new WeakMap<SgNode, ReadonlySet<string>>();

/**
 * The names a Python module's own top-level statements define: `def tool`, `class BaseTool`, `tool = …`
 * (also under `if`/`try` at the top level), not imports. Read once per root node.
 */
export function pyModuleDefinitions(root: SgNode): ReadonlySet<string> {
  const cached = moduleDefinitions.get(root);
  if (cached) return cached;
  const out = new Set<string>();
  const visit = (statements: SgNode[]): void => {
    for (let s of statements) {
      if (s.kind() === 'decorated_definition') s = s.field('definition') ?? s;
      const k = s.kind();
      if (k === 'function_definition' || k === 'class_definition') {
        const name = s.field('name')?.text();
        if (name) out.add(name);
      } else if (k === 'expression_statement') {
        const a = s.namedChildren()[0];
        const left = a?.kind() === 'assignment' ? a.field('left') : undefined;
        if (left?.kind() === 'identifier') out.add(left.text());
      } else if (PY_TOP_BLOCKS.has(String(k)))
        for (const c of s.namedChildren())
          if (c.kind() === 'block' || PY_TOP_BLOCKS.has(String(c.kind()))) visit(c.kind() === 'block' ? c.namedChildren() : [c]);
    }
  };
  visit(root.namedChildren());
  moduleDefinitions.set(root, out);
  return out;
}
/** Top-level statements whose blocks run as the module's own: `if`, `try` and their clauses. */
const PY_TOP_BLOCKS: ReadonlySet<string> = new Set([
  'if_statement',
  'elif_clause',
  'else_clause',
  'try_statement',
  'except_clause',
  'finally_clause',
]);

/**
 * Whether a plain name of a Python module is a framework's `names` (one of them): an import from a module
 * `modules` accepts binds it as one (under that name or an alias); or, with `unbound`, it is one and nothing
 * in the file binds it (no import, no module-level definition: a star import, a snippet without its imports).
 * Bound by another module's import (`from mylib import tool`) or the file's own (`def tool(f)`), it is not.
 */
export function isFrameworkName(root: SgNode, name: string, names: ReadonlySet<string>, modules: RegExp, unbound: boolean): boolean {
  let imported = false;
  for (const i of fileImports(root)) {
    if (i.local.split('.')[0] !== name) continue;
    if (i.local === name && names.has(i.name) && modules.test(i.module)) return true;
    imported = true;
  }
  return unbound && !imported && names.has(name) && !pyModuleDefinitions(root).has(name);
}

const BASE_TOOL: ReadonlySet<string> = new Set(['BaseTool']);

/**
 * The classes of a Python module subclassing an agent framework's `BaseTool` (or such a class defined before
 * them): a `BaseTool` imported from a module `modules` accepts, under its name or an alias, or reached through
 * such a module (`tools.BaseTool`); a `BaseTool` nothing in the file binds (a star import, a snippet without
 * its imports) counts too; one imported from another module (`from mylib import BaseTool`) or a class
 * `BaseTool` of the file's own does not (a subclass of one that subclasses a framework's does).
 */
export function pyToolClasses(root: SgNode, modules: RegExp): Set<string> {
  /** Of each name the imports bind (the first of a dotted path): whether a framework's module binds it. */
  const bound = new Map<string, boolean>();
  for (const i of fileImports(root)) {
    const local = i.local.split('.')[0];
    bound.set(local, bound.get(local) === true || modules.test(i.module));
  }
  return pySubclasses(root, (b) => {
    if (b.kind() === 'identifier') return isFrameworkName(root, b.text(), BASE_TOOL, modules, true);
    if (b.kind() !== 'attribute' || lastName(b) !== 'BaseTool') return false;
    let head = b.field('object');
    while (head?.kind() === 'attribute') head = head.field('object');
    const imported = head?.kind() === 'identifier' ? bound.get(head.text()) : undefined;
    return imported ?? true;
  });
}

/**
 * The pydantic models of a Python module (classes subclassing `BaseModel`, or a model of the module defined
 * before them): each field (those annotated in the class body and in its models' bodies) with whether its
 * type is closed (see `pyClosed`).
 */
export function pyModels(root: SgNode, enums: () => ReadonlySet<string>): Map<string, Map<string, boolean>> {
  const out = new Map<string, Map<string, boolean>>();
  for (const c of root.findAll({ rule: { kind: 'class_definition' } })) {
    const name = c.field('name')?.text();
    const bases = (c.field('superclasses')?.namedChildren() ?? []).map(lastName);
    if (!name || !bases.some((b) => b === 'BaseModel' || out.has(b))) continue;
    const fields = new Map<string, boolean>();
    for (const b of bases) for (const [f, closed] of out.get(b) ?? []) fields.set(f, closed);
    for (const statement of c.field('body')?.namedChildren() ?? []) {
      const a = statement.kind() === 'expression_statement' ? statement.namedChildren()[0] : undefined;
      const left = a?.kind() === 'assignment' ? a.field('left') : undefined;
      const type = a?.field('type');
      if (left?.kind() !== 'identifier' || !type) continue;
      const t = parsePyType(type.text());
      fields.set(left.text(), t !== undefined && pyClosed(t, enums));
    }
    out.set(name, fields);
  }
  return out;
}

/**
 * The local names the file's imports give agent-tool APIs under another name: `from langchain.tools import tool as lc_tool`
 * (Python), `import { tool as lcTool } from '@langchain/core/tools'` (JavaScript); only from the modules `modules` matches
 * (`from mylib import tool as t` is the file's own `tool`).
 */
export function toolAliases(root: SgNode, names: ReadonlySet<string>, modules: RegExp): Set<string> {
  const out = new Set<string>();
  for (const i of importsFrom(root, (m) => modules.test(m))) if (i.local !== i.name && names.has(i.name)) out.add(i.local);
  return out;
}

/** True for a zod schema of a closed type: `z.number().int()`, `z.enum([...]).optional()`, `z.literal('x')`, `z.boolean()`. */
function zodClosed(node: SgNode): boolean {
  let n = node;
  for (;;) {
    if (n.kind() !== 'call_expression') return false;
    const f = n.field('function');
    if (f?.kind() !== 'member_expression') return false;
    const prop = f.field('property')?.text() ?? '';
    const obj = f.field('object');
    if (!obj) return false;
    if (obj.kind() === 'call_expression') {
      if (!ZOD_KEEPS.has(prop)) return false;
      n = obj;
      continue;
    }
    return ZOD_CLOSED.has(prop) && ZOD_BASE.test(obj.text());
  }
}

/** The properties of a zod object schema (`z.object({…})`, or the raw shape MCP servers take) that are closed. */
export function zodClosedProps(schema: SgNode | undefined): Set<string> {
  const out = new Set<string>();
  let n = schema;
  // `z.object({…}).strict().describe(…)`: the object's call under the chained methods.
  while (n?.kind() === 'call_expression') {
    const f = n.field('function');
    if (f?.kind() !== 'member_expression') return out;
    const obj = f.field('object');
    if (obj?.kind() === 'call_expression') n = obj;
    else if (obj && ZOD_BASE.test(obj.text()) && /^(?:object|strictObject)$/.test(f.field('property')?.text() ?? '')) {
      n = n.field('arguments')?.namedChildren()[0];
      break;
    } else return out;
  }
  if (n?.kind() !== 'object') return out;
  for (const p of n.namedChildren()) {
    if (p.kind() !== 'pair') continue;
    const key = p.field('key');
    const value = p.field('value');
    if (key && value && zodClosed(value)) out.add(unquote(key.text()));
  }
  return out;
}

/** True for a TypeScript type no value of which carries text: `number`, `boolean`, `'a' | 'b'`. */
function tsClosed(t: SgNode): boolean {
  const k = t.kind();
  if (k === 'predefined_type') return TS_CLOSED.has(t.text());
  if (k === 'literal_type') return true;
  if (k === 'union_type' || k === 'parenthesized_type') {
    const parts = t.namedChildren();
    return parts.length > 0 && parts.every(tsClosed);
  }
  return false;
}

/**
 * What a TypeScript parameter's annotation closes: the whole parameter (`id: number`), or properties of
 * its object (`({ id }: { id: number; q: string })` → `id`).
 */
export function tsClosedParam(param: SgNode | undefined): { whole: boolean; props: Set<string> } {
  const props = new Set<string>();
  const t = param?.field('type')?.namedChildren()[0];
  if (!t) return { whole: false, props };
  if (t.kind() === 'object_type') {
    for (const s of t.namedChildren()) {
      if (s.kind() !== 'property_signature') continue;
      const key = s.field('name')?.text();
      const type = s.field('type')?.namedChildren()[0];
      if (key && type && tsClosed(type)) props.add(unquote(key));
    }
    return { whole: false, props };
  }
  return { whole: tsClosed(t), props };
}
