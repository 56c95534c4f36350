import type * as PackageUrlModule from 'packageurl-js';
import type * as SmolTomlModule from 'smol-toml';
import type * as YamlModule from 'yaml';
import type { Document } from 'yaml';
import { parseBoundedYamlDocument, YamlTooDeep } from '../../core/bounded-yaml.js';
import { lazyModule } from '../../core/lazy-module.js';
import { LineIndex } from '../../core/line-index.js';
import { DEFAULT_LIMITS, ParseFailure } from '../../core/parser.js';

// The libraries of the dependency formats load when a manifest is first read.
export const yamlLib = lazyModule<typeof YamlModule>('yaml');
export const tomlLib = lazyModule<typeof SmolTomlModule>('smol-toml');
export const purlLib = lazyModule<typeof PackageUrlModule>('packageurl-js');

/** The 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  return new LineIndex(text).position(offset).line;
}

/**
 * A manifest's YAML document, its first error thrown as a parse failure with its line (from its offset:
 * the library gives lines only with its pretty errors). Keys given twice are not looked for: the
 * library compares each key with every key before it in the map (quadratic: 200 s for a file of 80,000
 * keys), and the readers here look keys up from the end, as PyYAML and the lockfiles' tools read them.
 */
export function parseManifestYaml(text: string, label: string): Document.Parsed {
  let doc: Document.Parsed;
  try {
    doc = parseBoundedYamlDocument(yamlLib(), text, { prettyErrors: false, uniqueKeys: false }, DEFAULT_LIMITS.maxDepth);
  } catch (e) {
    if (!(e instanceof YamlTooDeep)) throw e;
    const line = lineAt(text, e.offset);
    throw new ParseFailure(`YAML nesting in ${label} is deeper than the limit of ${e.limit} levels (line ${line}); not scanned`, line);
  }
  const first = doc.errors[0];
  if (!first) return doc;
  const line = first.pos[0] >= 0 && first.pos[0] <= text.length ? lineAt(text, first.pos[0]) : undefined;
  throw new ParseFailure(`invalid YAML in ${label}${line ? ` at line ${line}` : ''}: ${first.message.split('\n')[0]}`, line);
}
