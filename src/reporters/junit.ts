import type { AnyRule } from '../core/rule.js';
import { severityRank, type Finding, type ScanResult } from '../core/types.js';
import { RULE_DOCS_URL, type Reporter } from './reporter.js';

/** Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const INVALID_XML =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlText(s: string): string {
  return s.replace(INVALID_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function where(f: Finding): string {
  const l = f.location;
  const pos = l.startLine !== undefined ? `:${l.startLine}:${l.startColumn ?? 1}` : '';
  const r = l.resource;
  const res = r ? ` ${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name ?? ''}` : '';
  return `${l.path}${pos}${res}`;
}

interface Suite {
  name: string;
  cases: string[];
  failures: number;
  errors: number;
  skipped: number;
}

/**
 * JUnit XML: one test suite per rule that ran, so CI test views list every check. A finding at or
 * above `--fail-on` is a failing test case, a suppressed finding or one below the threshold a skipped
 * one, and a rule without findings one passing case. Files that could not be scanned are errors of a
 * separate `sanctum: scan errors` suite.
 */
export const junitReporter: Reporter = (result: ScanResult, ctx) => {
  const threshold = ctx.failOn === 'none' ? Infinity : severityRank(ctx.failOn);
  const byRule = new Map<string, Finding[]>();
  for (const f of result.findings) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  const rules = new Map<string, { id: string; slug: string; title: string; remediation?: string }>();
  const describe = (r: AnyRule) => ({ id: r.meta.id, slug: r.meta.slug, title: r.meta.title, remediation: r.meta.remediation });
  for (const r of ctx.rules) rules.set(r.meta.id, describe(r));
  for (const f of result.findings) {
    if (rules.has(f.ruleId)) continue;
    const r = ctx.lookup?.(f.ruleId);
    rules.set(f.ruleId, r ? describe(r) : { id: f.ruleId, slug: f.slug, title: f.title });
  }

  const suites: Suite[] = [];
  for (const rule of rules.values()) {
    const suite: Suite = { name: `${rule.id} ${rule.slug}`, cases: [], failures: 0, errors: 0, skipped: 0 };
    const findings = byRule.get(rule.id) ?? [];
    const open = (f: Finding) =>
      `    <testcase classname="${xmlAttr(f.location.path)}" name="${xmlAttr(`${rule.id} ${where(f)}`)}" time="0">`;
    for (const f of findings) {
      if (f.status === 'suppressed') {
        suite.skipped++;
        const why = f.suppression
          ? `suppressed (${f.suppression.kind})${f.suppression.reason ? `: ${f.suppression.reason}` : ''}`
          : 'suppressed';
        suite.cases.push(`${open(f)}\n      <skipped message="${xmlAttr(why)}"/>\n    </testcase>`);
      } else if (severityRank(f.severity) >= threshold) {
        suite.failures++;
        const body = [
          `${f.severity.toUpperCase()} ${rule.title}`,
          `${where(f)}${f.location.objectPath ? ` ${f.location.objectPath}` : ''}`,
          ...(f.evidence ? [`evidence: ${f.evidence}`] : []),
          ...(rule.remediation ? ['', rule.remediation] : []),
          '',
          `${RULE_DOCS_URL}${rule.slug}.md`,
        ].join('\n');
        suite.cases.push(
          `${open(f)}\n      <failure message="${xmlAttr(f.message)}" type="${f.severity}">${xmlText(body)}</failure>\n    </testcase>`,
        );
      } else {
        suite.skipped++;
        suite.cases.push(
          `${open(f)}\n      <skipped message="${xmlAttr(`${f.severity}, below --fail-on ${ctx.failOn}: ${f.message}`)}"/>\n    </testcase>`,
        );
      }
    }
    if (findings.length === 0)
      suite.cases.push(`    <testcase classname="${xmlAttr(rule.id)}" name="${xmlAttr(`${rule.id} ${rule.title}`)}" time="0"/>`);
    suites.push(suite);
  }

  if (result.errors.length > 0) {
    const suite: Suite = { name: 'sanctum: scan errors', cases: [], failures: 0, errors: result.errors.length, skipped: 0 };
    for (const e of result.errors) {
      const at = `${e.path}${e.line ? `:${e.line}` : ''}`;
      suite.cases.push(
        `    <testcase classname="${xmlAttr(e.path)}" name="${xmlAttr(`scan ${at}`)}" time="0">\n      <error message="${xmlAttr(e.message)}" type="scan-error">${xmlText(`${at}: ${e.message}`)}</error>\n    </testcase>`,
      );
    }
    suites.push(suite);
  }

  const count = (s: Suite) => Math.max(s.cases.length, 1);
  const total = (k: 'failures' | 'errors' | 'skipped') => suites.reduce((n, s) => n + s[k], 0);
  const tests = suites.reduce((n, s) => n + count(s), 0);
  const seconds = (result.stats.durationMs / 1000).toFixed(3);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sanctum" tests="${tests}" failures="${total('failures')}" errors="${total('errors')}" skipped="${total('skipped')}" time="${seconds}">`,
  ];
  for (const s of suites) {
    out.push(
      `  <testsuite name="${xmlAttr(s.name)}" tests="${count(s)}" failures="${s.failures}" errors="${s.errors}" skipped="${s.skipped}" time="0">`,
      ...s.cases,
      '  </testsuite>',
    );
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
};
