import type * as YamlModule from 'yaml';
import type { CST, Document, DocumentOptions, ParseOptions, SchemaOptions } from 'yaml';

/** A document nested deeper than allowed: where the first collection past the limit starts. */
export class YamlTooDeep extends Error {
  constructor(
    readonly limit: number,
    readonly offset: number,
  ) {
    super(`YAML nesting is deeper than the limit of ${limit} levels`);
  }
}

/** The offset of the first collection nested deeper than `limit`, or -1 (counted without recursion). */
function tooDeepAt(tokens: readonly CST.Token[], limit: number): number {
  const stack: { token: CST.Token | undefined; depth: number }[] = tokens.map((token) => ({ token, depth: 0 }));
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') {
      stack.push({ token: token.value, depth });
    } else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > limit) return token.offset;
      for (const item of token.items) {
        if ('key' in item) stack.push({ token: item.key ?? undefined, depth: depth + 1 });
        stack.push({ token: item.value, depth: depth + 1 });
      }
    }
  }
  return -1;
}

/**
 * The `yaml` library's `parseDocument`, refusing documents nested deeper than `maxDepth`. The library
 * composes nodes recursively, and a stack overflow there can abort the whole process (when it strikes
 * while V8 compiles a regular expression) rather than throw; its concrete syntax tree is built without
 * recursion, so the depth is measured on it before anything is composed.
 */
export function parseBoundedYamlDocument(
  lib: typeof YamlModule,
  text: string,
  options: ParseOptions & DocumentOptions & SchemaOptions,
  maxDepth: number,
): Document.Parsed {
  const tokens = Array.from(new lib.Parser(options.lineCounter?.addNewLine).parse(text));
  const deep = tooDeepAt(tokens, maxDepth);
  if (deep !== -1) throw new YamlTooDeep(maxDepth, deep);
  const composer = new lib.Composer(options);
  let doc: Document.Parsed | undefined;
  for (const next of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = next;
    else {
      doc.errors.push(
        new lib.YAMLParseError(
          [next.range[0], next.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
  }
  return doc!;
}
