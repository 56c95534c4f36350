import type { SgNode } from '@ast-grep/napi';
import { allCalls, calleeText, positional, unquote } from './syntax.js';

/**
 * A name a file binds by importing it: `from m import a as b` → module `m`, name `a`, local `b`.
 * Python: `from m import a [as b]`, `import m [as b]`. JavaScript: `import { a as b } from 'm'`,
 * `import b from 'm'`, `import * as b from 'm'`, TypeScript's `import b = require('m')`, `const { a: b } = require('m')`,
 * `const b = require('m').a`, `const b = require('m')`, and the same of a dynamic import: `const { a: b } = await import('m')`,
 * `const b = (await import('m')).a`, `const b = await import('m')`.
 */
export interface Imported {
  /** The module as written, without spaces or quotes: `langchain_core.tools`, `.utils`, `@langchain/core/tools`. */
  module: string;
  /**
   * The name taken from the module: `a` of `from m import a`; '' for the module itself (`import m as b`,
   * `import * as b from 'm'`, `const b = require('m')`); `default` for a JavaScript default import.
   */
  name: string;
  /** The name the file uses for it: the alias, else the name; of `import a.b` without an alias, the path `a.b` the file writes. */
  local: string;
}

const PY_IMPORTS = [{ kind: 'import_from_statement' }, { kind: 'import_statement' }];
const dotted = (node: SgNode | null | undefined): string => node?.text().replace(/\s+/g, '') ?? '';

function pythonImports(root: SgNode, out: Imported[]): void {
  for (const statement of root.findAll({ rule: { any: PY_IMPORTS } })) {
    const from = statement.kind() === 'import_from_statement';
    const module = from ? dotted(statement.field('module_name')) : '';
    for (const item of statement.fieldChildren('name')) {
      const aliased = item.kind() === 'aliased_import';
      const name = dotted(aliased ? item.field('name') : item);
      const local = aliased ? dotted(item.field('alias')) : name;
      if (!name || !local) continue;
      out.push(from ? { module, name, local } : { module: name, name: '', local });
    }
  }
}

/** The local names an object pattern binds from the properties of what it takes apart: `{ a, b: c, d = 1 }` → a→a, b→c, d→d. */
function patternProperties(pattern: SgNode, module: string, out: Imported[]): void {
  for (const c of pattern.namedChildren()) {
    const k = c.kind();
    if (k === 'shorthand_property_identifier_pattern') out.push({ module, name: c.text(), local: c.text() });
    else if (k === 'object_assignment_pattern') {
      const left = c.field('left');
      if (left?.kind() === 'shorthand_property_identifier_pattern') out.push({ module, name: left.text(), local: left.text() });
    } else if (k === 'pair_pattern') {
      const key = c.field('key');
      let value = c.field('value');
      if (value?.kind() === 'assignment_pattern') value = value.field('left');
      if (key && value?.kind() === 'identifier') out.push({ module, name: unquote(key.text()), local: value.text() });
    }
  }
}

function jsImports(root: SgNode, out: Imported[]): void {
  for (const statement of root.findAll({ rule: { kind: 'import_statement' } })) {
    // TypeScript's `import b = require('m')`: the module whole.
    const required = statement.namedChildren().find((c) => c.kind() === 'import_require_clause');
    if (required) {
      const local = required.namedChildren().find((c) => c.kind() === 'identifier');
      const from = required.namedChildren().find((c) => c.kind() === 'string');
      if (local && from) out.push({ module: unquote(from.text()), name: '', local: local.text() });
      continue;
    }
    const source = statement.field('source');
    const clause = statement.namedChildren().find((c) => c.kind() === 'import_clause');
    if (!source || !clause) continue;
    const module = unquote(source.text());
    for (const c of clause.namedChildren()) {
      const k = c.kind();
      if (k === 'identifier') out.push({ module, name: 'default', local: c.text() });
      else if (k === 'namespace_import') {
        const local = c.namedChildren().find((n) => n.kind() === 'identifier');
        if (local) out.push({ module, name: '', local: local.text() });
      } else if (k === 'named_imports')
        for (const s of c.namedChildren()) {
          if (s.kind() !== 'import_specifier') continue;
          const name = unquote(s.field('name')?.text() ?? '');
          const local = s.field('alias')?.text() ?? name;
          if (name) out.push({ module, name, local });
        }
    }
  }
  // `require('m')` or `import('m')` (awaited) as a declaration's value (`const x = require('m')`, `const { a } = await import('m')`)
  // or under one member (`require('m').a`, `(await import('m')).a`).
  for (const call of allCalls(root, 'js')) {
    if (call.kind() !== 'call_expression') continue;
    const callee = calleeText(call);
    if (callee !== 'require' && callee !== 'import') continue;
    const source = positional(call)[0];
    const sk = source?.kind();
    if (
      !source ||
      (sk !== 'string' && sk !== 'template_string') ||
      source.namedChildren().some((c) => c.kind() === 'template_substitution')
    )
      continue;
    const module = unquote(source.text());
    let node: SgNode = call;
    let up = call.parent();
    const unwrap = (): void => {
      while (up && (up.kind() === 'await_expression' || up.kind() === 'parenthesized_expression')) {
        node = up;
        up = up.parent();
      }
    };
    unwrap();
    let name = '';
    if (up?.kind() === 'member_expression' && up.field('object')?.id() === node.id()) {
      name = up.field('property')?.text() ?? '';
      up = up.parent();
    }
    if (up?.kind() !== 'variable_declarator') continue;
    const target = up.field('name');
    if (target?.kind() === 'identifier') out.push({ module, name, local: target.text() });
    else if (target?.kind() === 'object_pattern' && name === '') patternProperties(target, module, out);
  }
}

const importsUnder = new WeakMap<SgNode, readonly Imported[]>();

/**
 * Every name the file's imports bind, read once per root node (pass the document's own, `doc.root`), as
 * its grammar has them: a Python module's, else a JavaScript or TypeScript program's.
 */
export function fileImports(root: SgNode): readonly Imported[] {
  let found = importsUnder.get(root);
  if (!found) {
    const out: Imported[] = [];
    if (root.kind() === 'module') pythonImports(root, out);
    else jsImports(root, out);
    importsUnder.set(root, (found = out));
  }
  return found;
}

/** The names the file imports from the modules `module` accepts, with their local names. */
export function importsFrom(root: SgNode, module: (name: string) => boolean): Imported[] {
  return fileImports(root).filter((i) => module(i.module));
}
