import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FrameworkCatalogue } from '../core/framework.js';
import { SEVERITIES, severityRank, type Finding, type ScanResult, type Severity } from '../core/types.js';
import { allFrameworks } from '../frameworks/index.js';
import type { Reporter, ReportContext } from './reporter.js';
import { RULE_DOCS_URL } from './reporter.js';

const SEVERITY_COLOURS: Readonly<Record<Severity, string>> = {
  critical: '#b3122e',
  high: '#e4572e',
  medium: '#f0a202',
  low: '#3a86ff',
  info: '#8d99ae',
};
/** Lines of context shown around a finding; a snippet never grows past MAX_SNIPPET lines. */
const CONTEXT = 2;
const MAX_SNIPPET = 12;
/** Findings past this many carry no snippet: the report of a huge scan stays openable. */
const MAX_SNIPPETS = 2000;
const MAX_LINE = 400;

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

let chartScript: string | undefined;
/** Chart.js, inlined: the report loads nothing from the network. */
function chartJs(): string {
  if (chartScript === undefined) {
    // The package exports no path to its UMD build: it sits beside the CommonJS entry.
    const file = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
    chartScript = readFileSync(file, 'utf8')
      // Its last line points at a source map that is not shipped.
      .replace(/\n\/\/# [^\n]*\s*$/, '\n')
      .replace(/<\/(script)/gi, '<\\/$1');
  }
  return chartScript;
}

/** JSON safe inside a <script> element. */
const scriptJson = (v: unknown): string =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

function isSensitive(f: Finding, ctx: ReportContext): boolean {
  if (ctx.lookup?.(f.ruleId)?.meta.scanner === 'secrets') return true;
  // Evidence the scanner redacted (a short prefix plus an ellipsis) means the line holds a secret.
  return f.evidence !== undefined && f.evidence.includes('…');
}

interface Snippet {
  lines: Array<{ n: number; text: string; hit: boolean; masked: boolean }>;
}

/** The lines around a finding, with every line of a secret finding in the file masked. */
function snippetOf(f: Finding, lines: readonly string[], masked: ReadonlySet<number>): Snippet | undefined {
  const start = f.location.startLine;
  if (start === undefined || start < 1 || start > lines.length) return undefined;
  const end = Math.min(Math.max(f.location.endLine ?? start, start), lines.length, start + MAX_SNIPPET - 1);
  const from = Math.max(1, start - CONTEXT);
  const to = Math.min(lines.length, end + CONTEXT, from + MAX_SNIPPET - 1);
  const out: Snippet['lines'] = [];
  for (let n = from; n <= to; n++) {
    const raw = lines[n - 1];
    const hidden = masked.has(n);
    out.push({
      n,
      text: hidden ? '⟨line hidden: it holds a secret⟩' : raw.length > MAX_LINE ? raw.slice(0, MAX_LINE) + '…' : raw,
      hit: n >= start && n <= end,
      masked: hidden,
    });
  }
  return { lines: out };
}

function frameworkRows(findings: readonly Finding[], catalogues: readonly FrameworkCatalogue[]) {
  const byControl = new Map<string, { framework: string; control: string; levels: Set<string>; count: number; worst: Severity }>();
  for (const f of findings) {
    if (f.status !== 'fail') continue;
    for (const ref of f.frameworks) {
      const key = `${ref.id}\u0000${ref.control}`;
      const e =
        byControl.get(key) ??
        byControl.set(key, { framework: ref.id, control: ref.control, levels: new Set(), count: 0, worst: f.severity }).get(key)!;
      e.count++;
      if (ref.level) e.levels.add(ref.level);
      if (severityRank(f.severity) > severityRank(e.worst)) e.worst = f.severity;
    }
  }
  return catalogues
    .map((c) => {
      const failing = Object.entries(c.controls)
        .map(([id, title]) => ({ id, title, e: byControl.get(`${c.id}\u0000${id}`) }))
        .filter((x) => x.e);
      return { c, failing, total: Object.keys(c.controls).length };
    })
    .filter((x) => x.failing.length > 0);
}

const CSS = `
:root{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2433;background:#f5f6f8}
body{margin:0 auto;max-width:1200px;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}
.muted{color:#5c6577;font-size:13px}
.cards{display:flex;gap:10px;flex-wrap:wrap;margin:16px 0}
.card{background:#fff;border-radius:8px;padding:10px 16px;min-width:90px;box-shadow:0 1px 2px #0001}
.card b{display:block;font-size:24px}
.chart{background:#fff;border-radius:8px;padding:12px;height:220px;box-shadow:0 1px 2px #0001}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e3e6eb;vertical-align:top}
.sev{display:inline-block;border-radius:4px;color:#fff;padding:1px 6px;font-size:12px;font-weight:600}
details.file{background:#fff;border-radius:8px;margin:8px 0;box-shadow:0 1px 2px #0001}
details.file>summary{padding:10px 14px;cursor:pointer;font-weight:600;word-break:break-all}
.finding{border-top:1px solid #e3e6eb;padding:10px 14px}
.finding .head{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.finding .msg{margin:4px 0}
pre.snippet{background:#1d2433;color:#e8eaf0;border-radius:6px;padding:8px 0;overflow-x:auto;font-size:12px;margin:6px 0}
pre.snippet span{display:block;padding:0 10px;white-space:pre}
pre.snippet span.hit{background:#4a1f2a}
pre.snippet span.masked{color:#f0a202;font-style:italic}
pre.snippet i{color:#8d99ae;font-style:normal;display:inline-block;width:4em;user-select:none}
.fix{background:#eef7ee;border-left:3px solid #2f9e44;padding:6px 10px;margin:6px 0;font-size:13px;white-space:pre-wrap}
.tag{background:#e9ecf2;border-radius:4px;padding:1px 5px;font-size:12px}
.suppressed{opacity:.7}
.filters label{margin-right:12px;font-size:13px}
`;

const SCRIPT = `
(function(){
  var data = JSON.parse(document.getElementById('sanctum-data').textContent);
  var canvas = document.getElementById('severity-chart');
  if (window.Chart && canvas) {
    new Chart(canvas, {
      type: 'bar',
      data: { labels: data.severities, datasets: [{ label: 'findings', data: data.counts, backgroundColor: data.colours }] },
      options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
    document.body.setAttribute('data-chart', 'ready');
  }
  var boxes = document.querySelectorAll('.filters input[type=checkbox]');
  function apply(){
    var on = {};
    boxes.forEach(function(b){ on[b.value] = b.checked; });
    document.querySelectorAll('.finding').forEach(function(el){ el.hidden = !on[el.getAttribute('data-severity')]; });
    document.querySelectorAll('details.file').forEach(function(d){ d.hidden = !d.querySelector('.finding:not([hidden])'); });
  }
  boxes.forEach(function(b){ b.addEventListener('change', apply); });
})();
`;

/**
 * One self-contained HTML file for a single run: summary, severity chart, compliance table, and
 * findings grouped by file with their snippets (lines of secret findings hidden). It loads nothing
 * from the network (Chart.js is inlined; a Content-Security-Policy forbids every fetch).
 */
export const htmlReporter: Reporter = (result: ScanResult, ctx) => {
  const shown = result.findings.filter((f) => f.status === 'fail' || ctx.showSuppressed !== false);
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressed = 0;
  for (const f of result.findings) {
    if (f.status === 'fail') counts[f.severity]++;
    else suppressed++;
  }
  const byFile = new Map<string, Finding[]>();
  for (const f of shown) (byFile.get(f.location.path) ?? byFile.set(f.location.path, []).get(f.location.path)!).push(f);
  const worst = (list: Finding[]) => Math.max(...list.map((f) => severityRank(f.severity)));
  const files = [...byFile].sort((a, b) => worst(b[1]) - worst(a[1]) || a[0].localeCompare(b[0]));

  const sev = (s: Severity) => `<span class="sev" style="background:${SEVERITY_COLOURS[s]}">${s}</span>`;
  const out: string[] = [];
  out.push(
    '<!doctype html><html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Sanctum report: ${escapeHtml(result.targets.join(', ') || 'scan')}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>Sanctum report</h1><div class="muted">${escapeHtml(result.targets.join(', '))} · ${escapeHtml(result.tool.name)} ${escapeHtml(result.tool.version)} · ${result.stats.files} files, ${result.stats.resources} resources, ${result.stats.rules} rules, ${result.stats.durationMs} ms</div>`,
    '<div class="cards" id="summary">',
    ...SEVERITIES.map((s) => `<div class="card" data-severity="${s}"><b style="color:${SEVERITY_COLOURS[s]}">${counts[s]}</b>${s}</div>`),
    `<div class="card"><b>${suppressed}</b>suppressed</div><div class="card"><b>${result.errors.length}</b>errors</div></div>`,
    '<div class="chart"><canvas id="severity-chart" aria-label="Findings by severity" role="img"></canvas></div>',
  );

  const compliance = frameworkRows(result.findings, allFrameworks);
  out.push('<h2>Compliance</h2>');
  if (compliance.length === 0) out.push('<p class="muted">No failing control in any framework.</p>');
  else {
    out.push(
      '<table id="compliance"><thead><tr><th>Framework</th><th>Control</th><th>Level</th><th>Findings</th><th>Worst</th></tr></thead><tbody>',
    );
    for (const { c, failing, total } of compliance) {
      failing.forEach(({ id, title, e }, i) => {
        out.push(
          '<tr>',
          i === 0
            ? `<td rowspan="${failing.length}"><b>${escapeHtml(c.title)}</b><div class="muted">${failing.length} of ${total} controls failing</div></td>`
            : '',
          `<td><span class="tag">${escapeHtml(id)}</span> ${escapeHtml(title)}</td><td>${escapeHtml([...e!.levels].sort().join(', '))}</td><td>${e!.count}</td><td>${sev(e!.worst)}</td></tr>`,
        );
      });
    }
    out.push('</tbody></table>');
  }

  out.push(
    `<h2>Findings</h2><div class="filters">`,
    ...SEVERITIES.map((s) => `<label><input type="checkbox" value="${s}" checked> ${s}</label>`),
    '</div>',
  );
  if (files.length === 0) out.push('<p class="muted">No findings.</p>');
  let snippets = 0;
  for (const [path, list] of files) {
    list.sort((a, b) => (a.location.startLine ?? 0) - (b.location.startLine ?? 0) || severityRank(b.severity) - severityRank(a.severity));
    let lines: string[] | undefined;
    const masked = new Set<number>();
    if (ctx.readSource && snippets < MAX_SNIPPETS && list.some((f) => f.location.startLine !== undefined)) {
      const text = ctx.readSource(path);
      if (text !== undefined) {
        lines = text.split(/\r?\n/);
        for (const f of list)
          if (isSensitive(f, ctx) && f.location.startLine !== undefined)
            for (let n = f.location.startLine; n <= (f.location.endLine ?? f.location.startLine); n++) masked.add(n);
      }
    }
    out.push(`<details class="file" open><summary>${escapeHtml(path)} <span class="muted">(${list.length})</span></summary>`);
    for (const f of list) {
      const rule = ctx.lookup?.(f.ruleId);
      const l = f.location;
      const res = l.resource ? `${l.resource.kind} ${l.resource.namespace ? l.resource.namespace + '/' : ''}${l.resource.name ?? ''}` : '';
      out.push(
        `<div class="finding${f.status === 'suppressed' ? ' suppressed' : ''}" data-severity="${f.severity}" data-rule="${escapeHtml(f.ruleId)}">`,
        `<div class="head">${sev(f.severity)} <a href="${RULE_DOCS_URL}${encodeURIComponent(f.slug)}"><b>${escapeHtml(f.ruleId)}</b></a> ${escapeHtml(f.title)}`,
        l.startLine !== undefined ? ` <span class="muted">line ${l.startLine}${l.startColumn ? `:${l.startColumn}` : ''}</span>` : '',
        res ? ` <span class="tag">${escapeHtml(res)}</span>` : '',
        ...f.frameworks.map((x) => ` <span class="tag">${escapeHtml(`${x.id}:${x.control}${x.level ? '@' + x.level : ''}`)}</span>`),
        f.status === 'suppressed'
          ? ` <span class="tag">suppressed${f.suppression?.reason ? ': ' + escapeHtml(f.suppression.reason) : ''}</span>`
          : '',
        '</div>',
        `<div class="msg">${escapeHtml(f.message)}</div>`,
        f.evidence ? `<div class="muted">evidence: <code>${escapeHtml(f.evidence)}</code></div>` : '',
      );
      if (lines && snippets < MAX_SNIPPETS) {
        const s = snippetOf(f, lines, masked);
        if (s) {
          snippets++;
          out.push(
            '<pre class="snippet">',
            ...s.lines.map(
              (x) => `<span class="${x.hit ? 'hit' : ''}${x.masked ? ' masked' : ''}"><i>${x.n}</i>${escapeHtml(x.text)}</span>`,
            ),
            '</pre>',
          );
        }
      }
      const fix = f.fix?.description ?? rule?.meta.remediation;
      if (fix) out.push(`<div class="fix"><b>Fix:</b> ${escapeHtml(fix)}</div>`);
      out.push('</div>');
    }
    out.push('</details>');
  }

  if (result.errors.length) {
    out.push('<h2>Errors</h2><table id="errors"><thead><tr><th>Path</th><th>Line</th><th>Message</th></tr></thead><tbody>');
    for (const e of result.errors)
      out.push(`<tr><td>${escapeHtml(e.path)}</td><td>${e.line ?? ''}</td><td>${escapeHtml(e.message)}</td></tr>`);
    out.push('</tbody></table>');
  }
  const data = { severities: SEVERITIES, counts: SEVERITIES.map((s) => counts[s]), colours: SEVERITIES.map((s) => SEVERITY_COLOURS[s]) };
  out.push(
    `<script type="application/json" id="sanctum-data">${scriptJson(data)}</script>`,
    `<script>${chartJs()}</script>`,
    `<script>${SCRIPT}</script>`,
    '</body></html>\n',
  );
  return out.join('');
};
