import { describe, expect, it } from 'vitest';
import { summaryLine, tableReporter } from './table.js';
import { realResult, selectedRules, syntheticResult } from './testing/fixtures.js';

const ctx = { rules: selectedRules(), color: false, failOn: 'high' as const };
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/;

describe('table reporter', () => {
  it('groups findings by file with position, severity, rule, message and resource; lists errors; ends with a summary', () => {
    const r = { ...realResult(), stats: { ...realResult().stats, durationMs: 7 } };
    const lines = tableReporter(r, ctx).split('\n');
    expect(lines).toEqual([
      'deploy/pod dir/vllm.yaml',
      "  11:7  CRITICAL  K8S-0003  Container 'vllm' runs privileged  Pod llm/vllm",
      '',
      'Errors (not scanned or partly scanned)',
      expect.stringMatching(/^ {2}deploy\/broken\.yaml(:\d+)? {2}.+/),
      '',
      '1 finding (1 critical) · 2 files · 1 resource · 1 rule · 1 suppressed · 1 error · 7 ms',
      '1 suppressed finding not shown: --show-suppressed lists them',
      '',
    ]);
  });

  it('shows suppressed findings with their reason on request, and marks fixable ones', () => {
    const out = tableReporter(syntheticResult(), { ...ctx, showSuppressed: true });
    expect(out).toContain('k8s/app.yaml\n  11:7  CRITICAL  K8S-0003  Container "a&b" <runs> privileged (fixable)  Pod llm/app\n');
    expect(out).toContain('k8s/other.yaml\n  3:1  LOW   K8S-0003  low one');
    expect(out).toContain('  9:1  HIGH  K8S-0003  accepted (suppressed: ticket SEC-1)\n');
    expect(out).not.toContain('not shown');
  });

  it('colours severities only when asked (the CLI asks on a TTY)', () => {
    expect(tableReporter(syntheticResult(), ctx)).not.toMatch(ANSI);
    const coloured = tableReporter(syntheticResult(), { ...ctx, color: true });
    expect(coloured).toMatch(ANSI);
    expect(coloured).toContain('\u001b[1m\u001b[31mCRITICAL');
    expect(coloured).toContain('\u001b[36mLOW');
  });

  it('never passes control characters of scanned content to the terminal', () => {
    const out = tableReporter(syntheticResult(), ctx);
    expect(out).toContain('low one \\x01 with a control character');
    const r = syntheticResult();
    r.findings[0].message = 'evil \u001b]0;title\u0007 \r done';
    r.errors[0].path = 'x\u001b[2J.yaml';
    const evil = tableReporter(r, ctx);
    // eslint-disable-next-line no-control-regex
    expect(evil).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(evil).toContain('evil \\x1b]0;title\\x07 \\x0d done');
    expect(evil).toContain('x\\x1b[2J.yaml');
  });

  it('says so when there is nothing to report', () => {
    const empty = { ...realResult(), findings: [], errors: [], stats: { files: 0, resources: 0, rules: 3, durationMs: 1 } };
    expect(tableReporter(empty, ctx)).toBe('No findings · 0 files · 0 resources · 3 rules · 0 errors · 1 ms\n');
    expect(summaryLine(syntheticResult(), false)).toBe(
      '2 findings (1 critical, 1 low) · 3 files · 2 resources · 1 rule · 1 suppressed · 1 error · 12 ms',
    );
  });

  it('says how many charts and overlays were not rendered, and never an unqualified "No findings" then', () => {
    const errors = [
      { path: 'charts/ollama/Chart.yaml', message: 'Helm chart not rendered: …', notRendered: 'chart' as const },
      { path: 'charts/open-webui/Chart.yaml', message: 'Helm chart not rendered: …', notRendered: 'chart' as const },
      { path: 'deploy/prod/kustomization.yaml', message: 'Kustomize overlay not rendered: …', notRendered: 'overlay' as const },
      { path: 'broken.yaml', message: 'YAML parse error' },
    ];
    const r = { ...realResult(), findings: [], errors, stats: { files: 4, resources: 0, rules: 3, durationMs: 1 } };
    expect(summaryLine(r, false)).toBe(
      'No findings in what could be scanned · 4 files · 0 resources · 3 rules · 4 errors · 2 charts not rendered · 1 overlay not rendered · 1 ms',
    );
    expect(summaryLine({ ...r, errors: errors.slice(0, 1) }, false)).toBe(
      'No findings in what could be scanned · 4 files · 0 resources · 3 rules · 1 error · 1 chart not rendered · 1 ms',
    );
  });
});
