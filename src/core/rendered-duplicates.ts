import type { Finding } from './types.js';

/**
 * One problem, one finding: a base reached through several Kustomize overlays (or a template
 * rendered more than once) yields the same finding at the same source line once per render. They
 * are folded into the first, which lists every render in `location.renderedBy`. Findings that
 * could not be placed on a source line name their own render and are never folded.
 */
export function foldRenderedDuplicates(findings: Finding[]): Finding[] {
  const kept = new Map<string, Finding>();
  const out: Finding[] = [];
  for (const f of findings) {
    const l = f.location;
    if (!l.renderedBy || l.startLine === undefined) {
      out.push(f);
      continue;
    }
    const key = [f.ruleId, f.status, l.path, l.startLine, l.startColumn, l.endLine, l.endColumn].join('\u0000');
    const first = kept.get(key);
    if (!first) {
      kept.set(key, f);
      out.push(f);
      continue;
    }
    const renders = new Set([...(first.location.renderedBy ?? []), ...l.renderedBy]);
    first.location.renderedBy = [...renders].sort();
  }
  return out;
}
