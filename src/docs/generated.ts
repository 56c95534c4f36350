import { configJsonSchema } from '../core/config.js';
import { RuleRegistry } from '../core/registry.js';
import { allFrameworks } from '../frameworks/index.js';
import { allRules } from '../rules/index.js';
import { renderRuleDocs } from './rule-docs.js';

/** Directories whose every file is generated: files there that are not rendered are stale. */
export const GENERATED_DIRS = ['docs/rules'];

/**
 * Every file `npm run gen` writes from metadata, keyed by path from the repository root:
 * docs/rules/*.md and the JSON Schema of `.sanctum.yaml`.
 */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  // The registry rejects duplicate ids and slugs and unknown framework controls.
  const registry = new RuleRegistry(allRules, allFrameworks);
  for (const [name, text] of renderRuleDocs(registry.rules, allFrameworks)) files.set(`docs/rules/${name}`, text);
  files.set('schemas/sanctum-config.schema.json', JSON.stringify(configJsonSchema(registry.rules), null, 2) + '\n');
  return files;
}
