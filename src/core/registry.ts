import type { FrameworkCatalogue } from './framework.js';
import type { AnyRule } from './rule.js';
import { isSeverity, SCANNERS, type ScannerName } from './types.js';

const ID_PATTERN = /^(K8S|DF|CMP|MDL|SEC|LLM|SCA|IMG|RT|SAN)-\d{4}$/;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** `pss:restricted`, `owasp-llm-2025`, `owasp-llm-2025:LLM05`. */
export interface FrameworkSelector {
  id: string;
  level?: string;
}

export function parseFrameworkSelector(s: string): FrameworkSelector {
  const [id, level] = s.split(':', 2);
  return level ? { id, level } : { id };
}

export interface RuleSelection {
  scanners?: readonly ScannerName[];
  frameworks?: readonly FrameworkSelector[];
  /** Only these rules (id or slug). */
  only?: readonly string[];
  skip?: readonly string[];
  /** Rules disabled in configuration (id or slug). */
  disabled?: readonly string[];
}

export class RuleRegistry {
  private readonly byKey = new Map<string, AnyRule>();
  readonly rules: readonly AnyRule[];
  readonly frameworks: ReadonlyMap<string, FrameworkCatalogue>;

  constructor(rules: readonly AnyRule[], frameworks: readonly FrameworkCatalogue[]) {
    this.frameworks = new Map(frameworks.map((f) => [f.id, f]));
    for (const f of frameworks) {
      for (const [level, pairs] of Object.entries(f.overrides ?? {})) {
        if (!(f.levels ?? []).includes(level)) throw new RegistryError(`framework ${f.id}: override at unknown level '${level}'`);
        for (const [by, replaced] of Object.entries(pairs))
          if (!(by in f.controls) || !(replaced in f.controls))
            throw new RegistryError(`framework ${f.id}: override of unknown control '${replaced}' by '${by}'`);
      }
    }
    for (const rule of rules) this.add(rule);
    for (const { meta } of rules)
      for (const id of meta.supersedes ?? [])
        if (id === meta.id || !this.byKey.has(id)) throw new RegistryError(`rule ${meta.id}: supersedes unknown rule '${id}'`);
    this.rules = [...rules].sort((a, b) => a.meta.id.localeCompare(b.meta.id));
  }

  private add(rule: AnyRule): void {
    const m = rule.meta;
    if (!ID_PATTERN.test(m.id)) throw new RegistryError(`rule id '${m.id}' does not match ${ID_PATTERN}`);
    if (!SLUG_PATTERN.test(m.slug)) throw new RegistryError(`rule ${m.id}: slug '${m.slug}' is not kebab-case`);
    if (this.byKey.has(m.id)) throw new RegistryError(`duplicate rule id ${m.id}`);
    if (this.byKey.has(m.slug)) throw new RegistryError(`duplicate rule slug ${m.slug}`);
    if (!isSeverity(m.severity)) throw new RegistryError(`rule ${m.id}: unknown severity '${m.severity}'`);
    if (!(SCANNERS as readonly string[]).includes(m.scanner)) throw new RegistryError(`rule ${m.id}: unknown scanner '${m.scanner}'`);
    for (const f of m.frameworks) {
      const cat = this.frameworks.get(f.id);
      if (!cat) throw new RegistryError(`rule ${m.id}: unknown framework '${f.id}'`);
      if (!(f.control in cat.controls)) throw new RegistryError(`rule ${m.id}: unknown control '${f.control}' of framework '${f.id}'`);
      if (f.level !== undefined && !(cat.levels ?? []).includes(f.level))
        throw new RegistryError(`rule ${m.id}: unknown level '${f.level}' of framework '${f.id}'`);
    }
    this.byKey.set(m.id, rule);
    this.byKey.set(m.slug, rule);
  }

  get(idOrSlug: string): AnyRule | undefined {
    return this.byKey.get(idOrSlug) ?? this.byKey.get(idOrSlug.toUpperCase());
  }

  /** Checks that every id or slug names a rule; returns the unknown ones. */
  unknown(keys: readonly string[]): string[] {
    return keys.filter((k) => !this.get(k));
  }

  select(sel: RuleSelection): AnyRule[] {
    const only = sel.only?.length ? new Set(sel.only.map((k) => this.get(k)?.meta.id)) : undefined;
    const skip = new Set([...(sel.skip ?? []), ...(sel.disabled ?? [])].map((k) => this.get(k)?.meta.id));
    return this.rules.filter((r) => {
      const m = r.meta;
      if (only && !only.has(m.id)) return false;
      if (skip.has(m.id)) return false;
      if (sel.scanners?.length && !sel.scanners.includes(m.scanner)) return false;
      if (sel.frameworks?.length && !sel.frameworks.some((f) => this.matchesFramework(r, f))) return false;
      return true;
    });
  }

  private matchesFramework(rule: AnyRule, sel: FrameworkSelector): boolean {
    const cat = this.frameworks.get(sel.id);
    return rule.meta.frameworks.some((ref) => {
      if (ref.id !== sel.id) return false;
      if (!sel.level) return true;
      const levels = cat?.levels;
      if (levels?.includes(sel.level)) {
        // A level includes every lower level (pss:restricted runs baseline controls too).
        return ref.level !== undefined && levels.indexOf(ref.level) <= levels.indexOf(sel.level);
      }
      return ref.control === sel.level;
    });
  }

  /** Validates a framework selector against the known catalogues. */
  checkSelector(sel: FrameworkSelector): string | undefined {
    const cat = this.frameworks.get(sel.id);
    if (!cat) return `unknown framework '${sel.id}' (known: ${[...this.frameworks.keys()].join(', ')})`;
    if (sel.level && !(cat.levels ?? []).includes(sel.level) && !(sel.level in cat.controls))
      return `unknown level or control '${sel.level}' of framework '${sel.id}'`;
    return undefined;
  }
}
