import type { FrameworkRef } from './types.js';

export interface FrameworkCatalogue {
  id: string;
  title: string;
  url: string;
  /** Known control ids with their titles. */
  controls: Readonly<Record<string, string>>;
  /** Levels a control can be mapped at, when the framework has levels (PSS: baseline, restricted). */
  levels?: readonly string[];
  /**
   * Controls that, at a level, are checked in place of a lower level's control:
   * `{ restricted: { restrictedVolumes: 'hostPathVolumes' } }` means that at `restricted` a
   * `hostPathVolumes` violation is reported as `restrictedVolumes` (Pod Security Admission's OverrideCheckIDs).
   */
  overrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

export function defineFramework(f: FrameworkCatalogue): FrameworkCatalogue {
  return f;
}

/**
 * The framework references a finding carries when levels of its frameworks are selected: a control
 * that a selected level checks through another control is named as that one, at that level (a hostPath
 * volume scanned at `pss:restricted` is a `restrictedVolumes` violation). References of frameworks without
 * a selected level stay as the rule declares them.
 */
export function refsAtLevels(
  refs: readonly FrameworkRef[],
  selectedLevels: ReadonlyMap<string, readonly string[]>,
  catalogues: ReadonlyMap<string, FrameworkCatalogue>,
): FrameworkRef[] {
  const out: FrameworkRef[] = [];
  const seen = new Set<string>();
  const add = (r: FrameworkRef) => {
    const key = `${r.id}\u0000${r.control}\u0000${r.level ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(r);
  };
  for (const ref of refs) {
    const cat = catalogues.get(ref.id);
    const levels = selectedLevels.get(ref.id);
    if (!cat?.levels || !levels?.length || ref.level === undefined) {
      add(ref);
      continue;
    }
    for (const level of levels) {
      // A level includes the lower levels; a control of a higher level is not checked at this one.
      if (cat.levels.indexOf(ref.level) > cat.levels.indexOf(level)) continue;
      const replacement = Object.entries(cat.overrides?.[level] ?? {}).find(([, replaced]) => replaced === ref.control)?.[0];
      add(replacement ? { id: ref.id, control: replacement, level } : ref);
    }
  }
  return out;
}
