/**
 * Runtime detections written as they happen: a live table line, a JSON line of the result contract,
 * or a Falco-compatible alert (so falcosidekick-style routers take them as they are).
 */
import { hostname } from 'node:os';
import pc from 'picocolors';
import type { Finding, Severity } from '../core/types.js';
import { clean } from './table.js';

export const EVENT_FORMATS = ['table', 'jsonl', 'falco', 'json'] as const;
export type EventFormat = (typeof EVENT_FORMATS)[number];

/** Falco's priorities for Sanctum's severities. */
export const FALCO_PRIORITY: Readonly<Record<Severity, string>> = {
  critical: 'Critical',
  high: 'Error',
  medium: 'Warning',
  low: 'Notice',
  info: 'Informational',
};

const host = hostname();

/** A Falco alert (`json_output` shape) for a finding. */
export function falcoAlert(f: Finding): Record<string, unknown> {
  const ev = f.location.event;
  const r = f.location.resource;
  const fields: Record<string, unknown> = {
    'sanctum.rule_id': f.ruleId,
    'sanctum.slug': f.slug,
    'sanctum.severity': f.severity,
    'sanctum.fingerprint': f.fingerprint,
    'sanctum.status': f.status,
  };
  if (ev) {
    fields['sanctum.event.id'] = ev.auditID;
    fields['sanctum.event.source'] = ev.source ?? 'audit';
    fields['ka.user.name'] = ev.user;
    if (ev.sourceIPs.length) fields['ka.sourceips'] = ev.sourceIPs;
  }
  if (r) {
    fields['ka.target.resource'] = r.kind;
    if (r.namespace) fields['k8s.ns.name'] = r.namespace;
    if (r.name) fields['ka.target.name'] = r.name;
    if (r.kind === 'Pod' && r.name) fields['k8s.pod.name'] = r.name;
  }
  if (f.evidence) fields['sanctum.evidence'] = f.evidence;
  if (f.suppression) fields['sanctum.suppression'] = f.suppression.reason ?? f.suppression.kind;
  return {
    uuid: f.fingerprint.replace(/^sha256:/, '').slice(0, 32),
    time: toFalcoTime(ev?.time),
    rule: f.title,
    priority: FALCO_PRIORITY[f.severity],
    output: `${f.message} (rule=${f.ruleId} user=${ev?.user ?? '-'} event=${ev?.auditID ?? '-'})`,
    output_fields: fields,
    source: ev?.source === 'falco' || ev?.source === 'tetragon' ? 'syscall' : 'k8s_audit',
    tags: ['sanctum', f.ruleId, ...f.frameworks.map((x) => `${x.id}:${x.control}`)],
    hostname: host,
  };
}

function toFalcoTime(t: string | undefined): string {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? new Date().toISOString() : t!;
}

/** Column widths of the live table. */
const W = { time: 20, sev: 8, rule: 7, user: 32 };

export function tableHeader(color: boolean): string {
  const c = pc.createColors(color);
  return c.bold(`${'TIME'.padEnd(W.time)}  ${'SEVERITY'.padEnd(W.sev)}  ${'RULE'.padEnd(W.rule)}  ${'WHO'.padEnd(W.user)}  MESSAGE`) + '\n';
}

/** One line of the live table. */
export function tableLine(f: Finding, color: boolean): string {
  const c = pc.createColors(color);
  const paint: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
    info: c.dim,
  };
  const ev = f.location.event;
  const time = (ev?.time ?? '').replace('T', ' ').slice(0, 19).padEnd(W.time);
  const user = clean(ev?.user ?? '-');
  const who = user.length > W.user ? user.slice(0, W.user - 1) + '…' : user.padEnd(W.user);
  const sev = f.status === 'suppressed' ? c.dim('suppr.'.padEnd(W.sev)) : paint[f.severity](f.severity.toUpperCase().padEnd(W.sev));
  return `${c.dim(time)}  ${sev}  ${f.ruleId.padEnd(W.rule)}  ${who}  ${clean(f.message)}\n`;
}

/** The line a finding is written as in a streaming format. */
export function formatLine(f: Finding, format: Exclude<EventFormat, 'json'>, color: boolean): string {
  if (format === 'table') return tableLine(f, color);
  if (format === 'falco') return JSON.stringify(falcoAlert(f)) + '\n';
  return JSON.stringify(f) + '\n';
}
