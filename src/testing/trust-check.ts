/**
 * Checks that a scan of a real repository's tree can be trusted as a CI gate (issue 9): every
 * finding sits on a line that holds what it names, no problem is reported twice, no patch of a
 * kustomization is judged as a whole object, and cross-object findings join only objects that are
 * deployed together. Used by `test/real-trees.test.ts` and by `node bench/run.mjs trust`.
 *
 * The rendered objects a finding is about are rendered again here with the same real renderers, so
 * the value at the finding's object path is known independently of the engine's own bookkeeping.
 */
import { execFileSync } from 'node:child_process';
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import type { Finding, ScanResult } from '../core/types.js';

export type TrustClass = 'location' | 'duplicate' | 'patch-fragment' | 'cross-group';

export interface TrustViolation {
  class: TrustClass;
  finding: string;
  detail: string;
}

export interface TrustReport {
  findings: number;
  /** Rendered findings that name the rendered object and its renders, without a source line (issue 9 point 1's fallback). */
  withoutLine: number;
  renders: string[];
  patchFiles: number;
  crossObjectFindings: number;
  violations: Record<TrustClass, TrustViolation[]>;
}

export interface TrustCheckOptions {
  /** The directory scanned (the scan's `cwd`; finding paths are relative to it). */
  root: string;
  result: ScanResult;
  renderers: { helm?: string; kubectl?: string };
  /** Rule ids of cross-object rules (`appliesTo: k8s-set`). */
  crossObjectRules: ReadonlySet<string>;
  /** Scans one deployment group alone (a render's directory or a plain directory), with `cwd` = `root`. */
  scanGroup(target: string): ScanResult;
}

const KUSTOMIZATION = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

function label(f: Finding): string {
  const l = f.location;
  const r = l.resource ? ` ${l.resource.kind}/${l.resource.name}` : '';
  return `${f.ruleId} ${l.path}:${l.startLine ?? '-'} ${l.objectPath ?? ''}${r}`;
}

function segments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function at(value: unknown, pointer: string): { found: boolean; value?: unknown } {
  let v = value;
  for (const s of segments(pointer)) {
    if (Array.isArray(v) && /^\d+$/.test(s) && Number(s) < v.length) v = v[Number(s)];
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, s)) v = (v as Record<string, unknown>)[s];
    else return { found: false };
  }
  return { found: true, value: v };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The kustomizations under `root` and the patch files they list. */
function kustomizationPatches(root: string, files: string[]): Set<string> {
  const patches = new Set<string>();
  for (const rel of files) {
    if (!KUSTOMIZATION.has(basename(rel))) continue;
    let doc: unknown;
    try {
      doc = yaml.load(readFileSync(join(root, rel), 'utf8'));
    } catch {
      continue;
    }
    if (!isRecord(doc)) continue;
    for (const key of ['patchesStrategicMerge', 'patchesJson6902', 'patches']) {
      const list = doc[key];
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const p = typeof entry === 'string' ? entry : isRecord(entry) && typeof entry.path === 'string' ? entry.path : undefined;
        if (p && !p.includes('\n')) patches.add(join(dirname(rel), p).split('\\').join('/'));
      }
    }
  }
  return patches;
}

/** `kubectl kustomize DIR` / `kustomize build DIR` / `helm template DIR`: the directory rendered. */
function renderDirectory(command: string): string | undefined {
  const m = /^(?:kubectl kustomize|kustomize build|helm template) (.+)$/.exec(command);
  return m?.[1];
}

export function checkTrust(opts: TrustCheckOptions): TrustReport {
  const { root, result } = opts;
  const violations: Record<TrustClass, TrustViolation[]> = { location: [], duplicate: [], 'patch-fragment': [], 'cross-group': [] };
  const add = (cls: TrustClass, f: Finding, detail: string): void => {
    violations[cls].push({ class: cls, finding: label(f), detail });
  };
  const texts = new Map<string, string[] | null>();
  const linesOf = (rel: string): string[] | null => {
    let t = texts.get(rel);
    if (t === undefined) {
      try {
        t = readFileSync(join(root, rel), 'utf8').split('\n');
      } catch {
        t = null;
      }
      texts.set(rel, t);
    }
    return t;
  };
  const renders = new Map<string, unknown[]>();
  const rendered = (command: string): unknown[] => {
    let docs = renders.get(command);
    if (!docs) {
      const dir = renderDirectory(command);
      let out = '';
      if (dir && command.startsWith('helm') && opts.renderers.helm)
        out = execFileSync(opts.renderers.helm, ['template', resolve(root, dir)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      else if (dir && opts.renderers.kubectl)
        out = execFileSync(opts.renderers.kubectl, ['kustomize', resolve(root, dir)], { encoding: 'utf8', maxBuffer: 1 << 26 });
      docs = yaml.loadAll(out).filter(isRecord);
      renders.set(command, docs);
    }
    return docs;
  };
  const plain = new Map<string, unknown[]>();
  const plainDocs = (rel: string): unknown[] => {
    let docs = plain.get(rel);
    if (!docs) {
      try {
        docs = yaml.loadAll(readFileSync(join(root, rel), 'utf8')).filter(isRecord);
      } catch {
        docs = [];
      }
      plain.set(rel, docs);
    }
    return docs;
  };
  const objectOf = (docs: unknown[], f: Finding): unknown => {
    const r = f.location.resource!;
    return docs.find((d) => {
      if (!isRecord(d) || d.kind !== r.kind || !isRecord(d.metadata)) return false;
      if (d.metadata.name !== r.name) return false;
      return r.namespace === undefined || d.metadata.namespace === undefined || d.metadata.namespace === r.namespace;
    });
  };

  const allFiles = walkRelative(root);
  const patchFiles = kustomizationPatches(root, allFiles);
  let withoutLine = 0;
  const seen = new Map<string, Finding>();
  const renderNames = new Set<string>();

  for (const f of result.findings) {
    const l = f.location;
    for (const r of l.renderedBy ?? []) renderNames.add(r);

    // (b) One problem, one finding.
    const resource = l.resource ? `${l.resource.kind}/${l.resource.namespace ?? ''}/${l.resource.name}` : '';
    const key = `${f.ruleId}|${l.path}|${l.startLine ?? l.objectPath ?? ''}|${resource}|${l.startLine === undefined ? f.message : ''}`;
    const first = seen.get(key);
    if (first)
      add('duplicate', f, `same rule, file, line and resource as ${label(first)} (${first.location.renderedBy?.join(', ') ?? 'plain'})`);
    else seen.set(key, f);

    // (c) A patch of a kustomization is never judged alone.
    if (patchFiles.has(l.path) && !l.renderedBy?.length && l.resource)
      add('patch-fragment', f, 'a patch of a kustomization was judged as a whole object');

    // (a) The line holds the key or value the finding names.
    if (l.startLine === undefined) {
      if (l.objectPath === undefined) continue;
      if (l.renderedBy?.length && l.resource) withoutLine++;
      else add('location', f, 'an object finding with neither a line nor the render that produced it');
      continue;
    }
    const lines = linesOf(l.path);
    if (!lines) {
      add('location', f, 'its file cannot be read');
      continue;
    }
    const end = l.endLine ?? l.startLine;
    if (end > lines.length || l.startLine < 1) {
      add('location', f, `line ${end} is past the end of the file (${lines.length} lines)`);
      continue;
    }
    const text = lines.slice(l.startLine - 1, end).join('\n');
    if (l.objectPath === undefined || !l.resource) {
      const prefix = f.evidence?.split('…')[0].trim().slice(0, 12);
      if (prefix && prefix.length >= 4 && !text.includes(prefix) && !f.ruleId.startsWith('SAN-'))
        add('location', f, `the line does not hold the evidence '${prefix}'`);
      continue;
    }
    const source = l.renderedBy?.length ? rendered(l.renderedBy[0]) : plainDocs(l.path);
    const object = objectOf(source, f);
    if (!object) {
      add('location', f, `no ${l.resource.kind}/${l.resource.name} in ${l.renderedBy?.[0] ?? l.path}`);
      continue;
    }
    const v = at(object, l.objectPath);
    const why = holds(
      text,
      lines.slice(Math.max(0, l.startLine - 4), l.startLine - 1).reverse(),
      l.objectPath,
      v,
      KUSTOMIZATION.has(basename(l.path)),
    );
    if (why) add('location', f, `${why}; the lines read: ${JSON.stringify(text.slice(0, 160))}`);
  }

  // (d) Cross-object findings join only objects deployed together: each is found again when its group is scanned alone.
  const cross = result.findings.filter((f) => opts.crossObjectRules.has(f.ruleId));
  const groups = new Map<string, ScanResult>();
  const alone = (target: string): ScanResult => {
    let r = groups.get(target);
    if (!r) {
      r = opts.scanGroup(target);
      groups.set(target, r);
    }
    return r;
  };
  const same = (a: Finding, b: Finding): boolean =>
    a.ruleId === b.ruleId &&
    a.message === b.message &&
    a.location.path === b.location.path &&
    a.location.startLine === b.location.startLine &&
    a.location.objectPath === b.location.objectPath;
  for (const f of cross) {
    const targets = f.location.renderedBy?.length
      ? f.location.renderedBy.map(renderDirectory).filter((d): d is string => d !== undefined)
      : [f.location.path.includes('/') ? f.location.path.slice(0, f.location.path.lastIndexOf('/')) : '.'];
    for (const target of targets)
      if (!alone(target).findings.some((g) => same(f, g))) add('cross-group', f, `not found when ${target} is scanned alone`);
  }

  return {
    findings: result.findings.length,
    withoutLine,
    renders: [...renderNames].sort(),
    patchFiles: [...patchFiles].filter((p) => allFiles.includes(p)).length,
    crossObjectFindings: cross.length,
    violations,
  };
}

/**
 * Why `text` (the finding's lines) does not hold the value at `pointer`, or undefined when it does:
 * the key that holds it, the list entry, the scalar itself, or (in a kustomization) the transformer
 * entry that produced the value.
 */
function holds(
  text: string,
  before: string[],
  pointer: string,
  v: { found: boolean; value?: unknown },
  inKustomization: boolean,
): string | undefined {
  const segs = segments(pointer);
  const last = segs[segs.length - 1];
  const scalar = v.found && (typeof v.value === 'string' || typeof v.value === 'number' || typeof v.value === 'boolean');
  const scalarHere = scalar && text.includes(String(v.value));
  if (inKustomization) {
    // A transformer (namespace, namePrefix, images, labels) or an inline patch set the value.
    if (scalarHere) return undefined;
    if (scalar && typeof v.value === 'string') {
      const m = /^(.*?)(?::([^:/@]+))?(?:@(sha256:[0-9a-f]+))?$/.exec(v.value);
      if (m && ((m[2] && new RegExp(`newTag:\\s*["']?${escapeRegExp(m[2])}["']?\\s*$`, 'm').test(text)) || (m[3] && text.includes(m[3]))))
        return undefined;
      if (m?.[1] && new RegExp(`newName:\\s*["']?${escapeRegExp(m[1])}["']?\\s*$`, 'm').test(text)) return undefined;
    }
    if (isRecord(v.value) && Object.keys(v.value).some((k) => text.includes(`${k}:`))) return undefined;
    if (last !== undefined && !/^\d+$/.test(last) && new RegExp(`(^|[\\s{,-])${escapeRegExp(last)}:`).test(text) && !scalar)
      return undefined;
    return `the transformer or patch here does not produce ${scalar ? `'${String(v.value)}'` : pointer}`;
  }
  if (!v.found) return `the rendered object has nothing at ${pointer}`;
  if (last === undefined) return /^\s*(apiVersion|kind|metadata|---)/.test(text) ? undefined : 'a whole-object finding not at its object';
  if (/^\d+$/.test(last)) {
    if (/^\s*-/.test(text) || /(^|\s)value:/.test(text))
      return scalar && !scalarHere && !/(^|\s)value:/.test(text) ? `the list entry does not hold '${String(v.value)}'` : undefined;
    return 'not a list entry';
  }
  if (new RegExp(`(^|[\\s{,"'-])${escapeRegExp(last)}["']?\\s*:`).test(text)) return undefined;
  // The `value:` of a JSON 6902 operation whose `path` (just above) writes the value or an ancestor of it.
  if (/^\s*-?\s*value:/.test(text)) {
    const op = before.map((b) => /path:\s*(\S+)\s*$/.exec(b)?.[1]).find((p) => p !== undefined);
    if (op && pointer.startsWith(op.replace(/\/-$/, ''))) return undefined;
  }
  // A JSON 6902 operation: `path: /.../key` with its `value:`.
  if (new RegExp(`path:\\s*\\S*/${escapeRegExp(last)}\\s*$`, 'm').test(text) || (/(^|\s)value:/.test(text) && scalarHere)) return undefined;
  if (scalarHere) return undefined;
  return `the lines hold neither the key '${last}' nor its value`;
}

function walkRelative(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk('');
  return out;
}
