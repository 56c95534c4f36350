import type * as PackageUrlModule from 'packageurl-js';
import type * as SmolTomlModule from 'smol-toml';
import type * as YamlModule from 'yaml';
import { lazyModule } from '../../core/lazy-module.js';
import { ParseFailure } from '../../core/parser.js';

// The libraries of the dependency formats load when a manifest is first read.
export const yamlLib = lazyModule<typeof YamlModule>('yaml');
export const tomlLib = lazyModule<typeof SmolTomlModule>('smol-toml');
export const purlLib = lazyModule<typeof PackageUrlModule>('packageurl-js');

/**
 * The first error of a YAML document as a parse failure, with its line (from its offset: the library
 * gives lines only with its pretty errors). The library turns a stack overflow in its recursion (flow
 * collections nested thousands deep) into an error without a position whose message is JavaScript's
 * own: said as nesting too deep.
 */
export function yamlFailure(label: string, e: { message: string; pos?: [number, number] }, text: string): ParseFailure {
  if (/Maximum call stack/i.test(e.message)) return new ParseFailure(`YAML nesting in ${label} is too deep to parse`);
  let line: number | undefined;
  if (e.pos && e.pos[0] >= 0 && e.pos[0] <= text.length) {
    line = 1;
    for (let i = text.indexOf('\n'); i !== -1 && i < e.pos[0]; i = text.indexOf('\n', i + 1)) line++;
  }
  return new ParseFailure(`invalid YAML in ${label}${line ? ` at line ${line}` : ''}: ${e.message.split('\n')[0]}`, line);
}
