import type { PinnedVersion } from '../../../core/packages.js';
import type { RuleContext } from '../../../core/rule.js';
import type { SourceFile } from '../../../core/source-file.js';
import { pep440 } from '../../../vulndb/versions/pep440.js';

export interface PythonPin extends PinnedVersion {
  /** The pinned version is older than `version`. */
  below(version: string): boolean;
  /** `torch 2.5.1 (pinned in requirements.txt:2)`. */
  label: string;
}

/**
 * The version of a PyPI package the project of `file` pins, compared as PEP 440 versions (a local
 * build `2.5.1+cu121` is 2.5.1). Undefined when the project pins no exact version, or the version is
 * not PEP 440: the rule then says what it says for an unknown version.
 */
export function pythonPin(ctx: RuleContext, file: SourceFile, name: string): PythonPin | undefined {
  const pin = ctx.settings.packages?.pinned(file.path, 'PyPI', name);
  if (!pin || !pep440.valid(pin.version)) return undefined;
  const where = `${pin.path}${pin.line !== undefined ? `:${pin.line}` : ''}`;
  return { ...pin, below: (version) => pep440.compare(pin.version, version) < 0, label: `${name} ${pin.version} (pinned in ${where})` };
}
