import pc from 'picocolors';
import type { Finding, ImageSummary, ScanResult, Severity } from '../core/types.js';
import { SEVERITIES } from '../core/types.js';
import { formatBytes } from '../core/engine.js';
import type { Reporter } from './reporter.js';

type Paint = (s: string) => string;

function painter(color: boolean): Record<Severity, Paint> & { dim: Paint; bold: Paint; ok: Paint } {
  const c = pc.createColors(color);
  return {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
    info: c.dim,
    dim: c.dim,
    bold: c.bold,
    ok: c.green,
  };
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/g;

/** Scanned content must not drive the terminal: control characters (ESC, CR, …) are shown escaped. */
export function clean(s: string): string {
  return s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function where(f: Finding): string {
  const l = f.location;
  return l.startLine !== undefined ? `${l.startLine}:${l.startColumn ?? 1}` : '-';
}

function resourceName(f: Finding): string {
  const r = f.location.resource;
  if (!r) return f.location.detail ?? '';
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name ?? ''}`.trimEnd();
}

function note(f: Finding): string {
  if (f.status === 'suppressed') return ` (suppressed: ${f.suppression?.reason ?? f.suppression?.kind ?? 'yes'})`;
  return f.fix?.edits.length ? ' (fixable)' : '';
}

/** `image · layer 2 sha256:0123… · RUN pip install …`; config and history findings come first as layer "config". */
function imageHeading(f: Finding): string | undefined {
  const img = f.location.image;
  if (!img) return undefined;
  const layer = img.layer;
  if (!layer) return `${img.ref} · image config and history`;
  const step = layer.createdBy ? ` · ${layer.createdBy.replace(/\s+/g, ' ').slice(0, 100)}` : '';
  return `${img.ref} · layer ${layer.index} ${layer.digest.slice(0, 19)}${step}`;
}

function byImageLayer(a: Finding, b: Finding): number {
  const ia = a.location.image;
  const ib = b.location.image;
  if (!ia || !ib) return ia ? 1 : ib ? -1 : 0;
  if (ia.ref !== ib.ref) return ia.ref < ib.ref ? -1 : 1;
  return (ia.layer?.index ?? -1) - (ib.layer?.index ?? -1);
}

/** Human output: findings grouped by file (for images: by layer, then file), then a summary line with counts and errors. */
export const tableReporter: Reporter = (result: ScanResult, ctx) => {
  const p = painter(ctx.color);
  const out: string[] = [];
  const shown = result.findings.filter((f) => f.status === 'fail' || ctx.showSuppressed);
  const byFile = new Map<string, Finding[]>();
  // Findings in container images: by image and layer, then by file.
  const ordered = shown.some((f) => f.location.image) ? [...shown].sort(byImageLayer) : shown;
  for (const f of ordered) {
    const key = `${imageHeading(f) ?? ''}\u0000${f.location.path}`;
    const list = byFile.get(key) ?? [];
    list.push(f);
    byFile.set(key, list);
  }
  let lastHeading: string | undefined;
  for (const findings of byFile.values()) {
    const heading = imageHeading(findings[0]);
    if (heading !== undefined && heading !== lastHeading) out.push(p.bold(clean(heading)));
    lastHeading = heading;
    const removed = findings[0].location.image?.removedBy;
    const path = findings[0].location.path + (removed ? ` (deleted by layer ${removed.index}, still in the image)` : '');
    out.push((heading !== undefined ? '  ' : '') + p.bold(clean(path)));
    const rows = findings.map((f) => [
      where(f),
      (p[f.severity] as Paint)(f.severity.toUpperCase()),
      f.ruleId,
      clean(f.message) + (note(f) ? p.dim(clean(note(f))) : ''),
      resourceName(f) ? p.dim(clean(resourceName(f))) : '',
    ]);
    const plain = findings.map((f) => [where(f), f.severity.toUpperCase(), f.ruleId]);
    const widths = [0, 1, 2].map((i) => Math.max(...plain.map((r) => r[i].length)));
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      const pad = (i: number) => ' '.repeat(widths[i] - plain[k][i].length);
      const indent = heading !== undefined ? '    ' : '  ';
      out.push(`${indent}${r[0]}${pad(0)}  ${r[1]}${pad(1)}  ${r[2]}${pad(2)}  ${r[3]}${r[4] ? '  ' + r[4] : ''}`);
    }
    out.push('');
  }
  if (result.errors.length > 0) {
    out.push(p.bold('Errors (not scanned or partly scanned)'));
    for (const e of result.errors) out.push(clean(`  ${e.path}${e.line ? `:${e.line}` : ''}  ${e.message}`));
    out.push('');
  }
  for (const image of result.images ?? []) out.push(clean(imageLine(image)));
  out.push(summaryLine(result, ctx.color));
  const hidden = ctx.showSuppressed ? 0 : result.findings.filter((f) => f.status === 'suppressed').length;
  if (hidden > 0) out.push(p.dim(`${hidden} suppressed finding${hidden === 1 ? '' : 's'} not shown: --show-suppressed lists them`));
  return out.join('\n') + '\n';
};

/** `Image acme/serve:1.4 · Debian GNU/Linux 12 · linux/amd64 · 7 layers, 812.4 MiB · user root · 431 Debian, 87 PyPI packages`. */
function imageLine(image: ImageSummary): string {
  const os = image.os ? image.os.name + (image.os.endOfLifeReached ? ` (end of life ${image.os.endOfLife})` : '') : 'OS not identified';
  const packages = Object.entries(image.packages).map(([ecosystem, n]) => `${n} ${ecosystem}`);
  return [
    `Image ${image.ref}`,
    os,
    image.platform,
    `${image.layers.length} layer${image.layers.length === 1 ? '' : 's'}, ${formatBytes(image.bytes)}`,
    `user ${image.user || 'root'}`,
    packages.length ? `${packages.join(', ')} packages` : 'no packages found',
  ]
    .filter(Boolean)
    .join(' · ');
}

export function summaryLine(result: ScanResult, color: boolean): string {
  const p = painter(color);
  const counts = new Map<Severity, number>();
  let suppressed = 0;
  for (const f of result.findings) {
    if (f.status === 'suppressed') suppressed++;
    else counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  const parts = SEVERITIES.filter((s) => counts.get(s)).map((s) => (p[s] as Paint)(`${counts.get(s)} ${s}`));
  const charts = result.errors.filter((e) => e.notRendered === 'chart').length;
  const overlays = result.errors.filter((e) => e.notRendered === 'overlay').length;
  // Templates that were not rendered were not judged: never an unqualified "No findings" then.
  const nothing = charts + overlays > 0 ? p.medium('No findings in what could be scanned') : p.ok('No findings');
  const head = total === 0 ? nothing : `${total} finding${total === 1 ? '' : 's'} (${parts.join(', ')})`;
  const tail = [
    `${result.stats.files} file${result.stats.files === 1 ? '' : 's'}`,
    `${result.stats.resources} resource${result.stats.resources === 1 ? '' : 's'}`,
    `${result.stats.rules} rule${result.stats.rules === 1 ? '' : 's'}`,
    suppressed ? `${suppressed} suppressed` : '',
    result.errors.length ? p.high(`${result.errors.length} error${result.errors.length === 1 ? '' : 's'}`) : '0 errors',
    charts ? p.high(`${charts} chart${charts === 1 ? '' : 's'} not rendered`) : '',
    overlays ? p.high(`${overlays} overlay${overlays === 1 ? '' : 's'} not rendered`) : '',
    `${result.stats.durationMs} ms`,
  ].filter(Boolean);
  return `${head} · ${tail.join(' · ')}`;
}
