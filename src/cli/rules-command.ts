import pc from 'picocolors';
import { parseFrameworkSelector } from '../core/registry.js';
import type { AnyRule } from '../core/rule.js';
import { getRegistry, ScanSetupError } from '../scan.js';

function frameworksOf(r: AnyRule): string {
  return r.meta.frameworks.map((f) => `${f.id}:${f.control}${f.level ? `@${f.level}` : ''}`).join(', ');
}

export function listRules(framework: string | undefined, format: string, color: boolean): string {
  const reg = getRegistry();
  let rules = reg.rules.filter((r) => r.meta.appliesTo.length > 0 || r.meta.id.startsWith('SAN-'));
  if (framework) {
    const sel = parseFrameworkSelector(framework);
    const problem = reg.checkSelector(sel);
    if (problem) throw new ScanSetupError(problem);
    rules = reg.select({ frameworks: [sel] });
  }
  if (format === 'json') {
    return (
      JSON.stringify(
        rules.map((r) => ({
          id: r.meta.id,
          slug: r.meta.slug,
          severity: r.meta.severity,
          scanner: r.meta.scanner,
          title: r.meta.title,
          frameworks: r.meta.frameworks,
        })),
        null,
        2,
      ) + '\n'
    );
  }
  if (format !== 'table') throw new ScanSetupError(`unknown format '${format}' for rules (table or json)`);
  const c = pc.createColors(color);
  const rows = rules.map((r) => [r.meta.id, r.meta.severity, r.meta.scanner, r.meta.title, frameworksOf(r)]);
  const w = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length), 0));
  const header = ['ID', 'SEVERITY', 'SCANNER', 'TITLE', 'FRAMEWORKS'];
  const line = (row: string[]) => row.map((cell, i) => (i < 4 ? cell.padEnd(Math.max(w[i], header[i].length)) : cell)).join('  ');
  return [c.bold(line(header)), ...rows.map(line), '', `${rules.length} rules`].join('\n') + '\n';
}

export function explainRule(key: string, color: boolean): string {
  const rule = getRegistry().get(key);
  if (!rule) throw new ScanSetupError(`unknown rule '${key}' (see \`sanctum rules\`)`);
  const m = rule.meta;
  const c = pc.createColors(color);
  const out = [
    c.bold(`${m.id} ${m.slug}`) + `  (${m.severity}, ${m.scanner})`,
    m.title,
    '',
    c.bold('Why'),
    m.rationale,
    '',
    c.bold('Fix'),
    m.remediation,
  ];
  if (m.frameworks.length) out.push('', c.bold('Frameworks'), frameworksOf(rule));
  const show = (label: string, ex: readonly { path: string; content: string | Uint8Array }[]) => {
    for (const e of ex) {
      out.push('', c.bold(`${label} (${e.path})`));
      out.push(typeof e.content === 'string' ? e.content.trimEnd() : `<${e.content.length} bytes of binary content>`);
    }
  };
  show('Bad example', m.examples.bad);
  show('Good example', m.examples.good);
  if (m.references.length) out.push('', c.bold('References'), ...m.references.map((r) => `- ${r}`));
  return out.join('\n') + '\n';
}
