/**
 * Helm charts and Kustomize overlays found among the scanned files are rendered by their own tools
 * (`helm template`, `kustomize build` or `kubectl kustomize`), run by argument vector without a
 * shell, with a timeout and an output limit. The output becomes in-memory files: Helm documents
 * are attributed to their template through the `# Source:` comments. A chart or overlay that
 * cannot be rendered is reported as a scan error, never skipped silently.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import yaml from 'js-yaml';
import { formatBytes } from '../core/engine.js';
import type { RenderOrigins } from '../core/document.js';
import { annotateFile, MemorySourceFile, releaseFile, type SourceFile } from '../core/source-file.js';
import { isHelmValuesName, markValuesRendered } from '../parsers/helm/helm-values.js';
import { loadBounded } from '../core/js-yaml-load.js';
import { HelmOrigins, HelmRenderSources, KustomizeOrigins, type KustomizationModel, type PatchEntry } from './render-origins.js';
import { withoutTrailing } from '../core/trim.js';

export interface RendererOptions {
  /** Values files for every chart (`helm template --values`), relative to `cwd`. */
  helmValues?: readonly string[];
  /** `key=value` settings for every chart (`helm template --set`). */
  helmSet?: readonly string[];
  /** Path of the executable, or false to never use it; looked up on PATH by default. */
  helm?: string | false;
  kustomize?: string | false;
  kubectl?: string | false;
  /** Longest a renderer may run, per chart or overlay. */
  timeoutMs?: number;
  /** Largest output accepted from a renderer. */
  maxOutputBytes?: number;
}

export interface RenderContext extends RendererOptions {
  cwd: string;
  /** PATH used to look the renderers up (default: the process's). */
  path?: string;
  /** `notRendered` names what could not be rendered, for the summary (`3 charts not rendered`). */
  onError(path: string, message: string, notRendered?: 'chart' | 'overlay'): void;
  /** Called with each chart found (its `Chart.yaml`), rendered or not. */
  onChart?(chartFile: string): void;
  /**
   * The absolute paths of every kustomization among the files, before the walk meets them: a patch
   * file outside every overlay's directory (`../../patches/p.yaml`) may come first.
   */
  kustomizations?(): Iterable<string>;
}

export const DEFAULT_RENDER_TIMEOUT_MS = 60_000;
export const DEFAULT_RENDER_MAX_OUTPUT = 64 * 1024 * 1024;

/**
 * How a file relates to a renderer, for the YAML parser: `rendered` output is read even under a
 * chart's `templates/`; a `raw-template` (a template of a rendered chart, a resource or patch of a
 * rendered overlay) is not read as YAML, since the rendered output stands for it, but stays
 * available to the other scanners.
 */
export type RenderState = 'rendered' | 'raw-template';

/**
 * In-memory output of a renderer, named after the file that stands for it (the overlay's
 * kustomization, the chart's template). Its lines are no file's lines: findings are placed through
 * `origins` on the source line that set the value, or name the rendered object without a line.
 */
export class RenderedSourceFile extends MemorySourceFile {
  readonly renderState: RenderState = 'rendered';
  constructor(
    path: string,
    content: string,
    /** What produced it: `helm template charts/app`. */
    readonly renderedBy: string,
    readonly origins?: RenderOrigins,
  ) {
    super(path, content);
  }
}

function markRawTemplate(file: SourceFile): void {
  annotateFile(file, 'renderState', 'raw-template' satisfies RenderState);
}

interface DiskFile extends SourceFile {
  absPath: string;
}

function onDisk(f: SourceFile): f is DiskFile {
  return typeof (f as { absPath?: unknown }).absPath === 'string';
}

export const KUSTOMIZATION_NAMES: ReadonlySet<string> = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
/**
 * What Kustomize clones or downloads instead of reading from disk: URLs (`https://`, `ssh://`, `file://`),
 * go-getter's `git::` and `gh:` forms, scp-like `git@host:`, the well-known hosts, and any path through a
 * `.git` repository or an Azure DevOps `_git` one.
 */
const REMOTE = /^(?:[a-z][a-z0-9+.-]*:\/\/|git::|gh:|git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\.git(?:\/|$)|\/_git\//i;

/** Finds an executable on a PATH string. */
export function findExecutable(name: string, pathEnv: string | undefined): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = join(dir, name + ext);
      try {
        if (!statSync(p).isFile()) continue;
        accessSync(p, constants.X_OK);
        return p;
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}

function dirPath(displayFilePath: string): string {
  const d = displayFilePath.includes('/') ? displayFilePath.slice(0, displayFilePath.lastIndexOf('/')) : '.';
  return d;
}

function joinDisplay(dir: string, rel: string): string {
  return dir === '.' || dir === '' ? rel : `${dir}/${rel}`;
}

function within(dir: string, abs: string): boolean {
  return abs === dir || abs.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

interface RunResult {
  ok: boolean;
  stdout: string;
  message: string;
}

/** kubectl's log header: severity and date, time, process id, source line (`E1205 10:33:53.659977   10508 run.go:72] `). */
const KLOG_HEADER = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] /;
/** kubectl's structured failure: `"command failed" err="…"` (the message quoted as Go quotes it). */
const KLOG_FAILURE = /^"command failed" err="(.*)"$/;

/** A renderer's stderr line as a message: without kubectl's log header, which differs on every run. */
function messageLine(line: string): string {
  const l = line.trim().replace(KLOG_HEADER, '');
  const failure = KLOG_FAILURE.exec(l);
  return failure ? failure[1].replace(/\\(["\\])/g, '$1') : l;
}

function firstLines(s: string, n = 3): string {
  return s.split('\n').map(messageLine).filter(Boolean).slice(0, n).join(' | ').slice(0, 500);
}

/** An absolute POSIX path in a renderer's message: after a space, quote, bracket or `=`, up to a space, quote or bracket. */
const ABSOLUTE_PATH = /(?<=^|[\s'"`([=,])\/[^\s'"`()[\],]+/g;

/**
 * A renderer's message with the absolute paths of this machine (the overlay, chart and values
 * files it was given, and what it found from them) made relative to the scan's display root, as
 * every other error names files. A path whose first segment is no directory of the file system
 * (a JSON pointer such as `/spec/hostNetwork`) is left as it is.
 */
export function withDisplayPaths(message: string, cwd: string): string {
  let realCwd = cwd;
  try {
    realCwd = realpathSync(cwd);
  } catch {
    // The scan's directory is gone: paths are made relative to it as given.
  }
  const roots = new Map<string, boolean>();
  const isRoot = (segment: string): boolean => {
    let known = roots.get(segment);
    if (known === undefined) {
      known = existsSync(`/${segment}`);
      roots.set(segment, known);
    }
    return known;
  };
  return message.replace(ABSOLUTE_PATH, (token) => {
    const path = withoutTrailing(token, ':.;');
    if (!isRoot(path.split('/')[1])) return token;
    const base = realCwd !== cwd && (path === realCwd || path.startsWith(realCwd + '/')) ? realCwd : cwd;
    const rel = relative(base, path) || '.';
    return rel.split(sep).join('/') + token.slice(path.length);
  });
}

/** Runs a renderer by argument vector (no shell), bounded in time and output. */
function run(bin: string, args: string[], cwd: string, ctx: RenderContext): RunResult {
  const timeout = ctx.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS;
  const maxBuffer = ctx.maxOutputBytes ?? DEFAULT_RENDER_MAX_OUTPUT;
  try {
    const stdout = execFileSync(bin, args, {
      cwd,
      encoding: 'utf8',
      timeout,
      maxBuffer,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
      shell: false,
    });
    return { ok: true, stdout, message: '' };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { status?: number | null; signal?: string | null; stderr?: string | Buffer };
    const stderr = typeof err.stderr === 'string' ? err.stderr : (err.stderr?.toString('utf8') ?? '');
    if (err.code === 'ENOENT') return { ok: false, stdout: '', message: `${bin} was not found` };
    if (err.code === 'ENOBUFS') return { ok: false, stdout: '', message: `output over the ${formatBytes(maxBuffer)} limit` };
    if (err.code === 'ETIMEDOUT' || (err.signal && err.status === null))
      return { ok: false, stdout: '', message: `timed out after ${timeout >= 1000 ? `${Math.round(timeout / 1000)} s` : `${timeout} ms`}` };
    const detail = firstLines(withDisplayPaths(stderr, ctx.cwd)) || withDisplayPaths(err.message.split('\n')[0], ctx.cwd);
    return { ok: false, stdout: '', message: `exit status ${err.status ?? '?'}: ${detail}` };
  }
}

/** Splits `helm template` output into one file per template, using the `# Source:` comments. */
export function splitHelmOutput(output: string, chartDisplayDir: string): Array<{ path: string; text: string }> {
  const groups = new Map<string, string[]>();
  const fallback = joinDisplay(chartDisplayDir, 'Chart.yaml');
  let current: string[] = [];
  const flush = (): void => {
    const text = current.join('\n');
    current = [];
    if (!/\S/.test(text.replace(/^#.*$/gm, ''))) return;
    const m = /^# Source: (.+)$/m.exec(text);
    let path = fallback;
    if (m) {
      const src = m[1].trim();
      const slash = src.indexOf('/');
      path = slash > 0 ? joinDisplay(chartDisplayDir, src.slice(slash + 1)) : fallback;
    }
    const list = groups.get(path) ?? [];
    list.push(text);
    groups.set(path, list);
  };
  for (const line of output.split('\n')) {
    if (line === '---' || line.startsWith('--- ') || line === '---\r') flush();
    else current.push(line);
  }
  flush();
  return [...groups].map(([path, docs]) => ({ path, text: docs.join('\n---\n') + '\n' }));
}

interface Chart {
  abs: string;
  display: string;
  rendered: boolean;
}

interface KustomizationRefs {
  /** Local directories it builds on (`resources`, `bases`, `components`), in order. */
  dirs: string[];
  /** Local files it reads as resources. */
  files: string[];
  /** Local files it reads as patches. */
  patches: string[];
  /** Its patch entries, in order, inline ones included. */
  patchEntries: PatchEntry[];
  remote: string[];
  /** The directories of `components` (also in `dirs`). */
  componentDirs: string[];
  /** A `kind: Component` is only built as part of an overlay. */
  component: boolean;
  /** Uses `helmCharts`, which kustomize only inflates with `--enable-helm` (and may download). */
  helmCharts: boolean;
}

function kustomizationRefs(absPath: string): KustomizationRefs {
  const out: KustomizationRefs = {
    dirs: [],
    files: [],
    patches: [],
    patchEntries: [],
    remote: [],
    componentDirs: [],
    component: false,
    helmCharts: false,
  };
  let doc: unknown;
  try {
    const text = readFileSync(absPath, 'utf8');
    doc = loadBounded(text, { schema: yaml.CORE_SCHEMA });
  } catch {
    return out;
  }
  if (typeof doc !== 'object' || doc === null) return out;
  const k = doc as Record<string, unknown>;
  out.component = k.kind === 'Component';
  out.helmCharts = Array.isArray(k.helmCharts);
  const base = dirname(absPath);
  const local = (entry: unknown): string | undefined =>
    typeof entry === 'string' && !entry.includes('\n') && !isAbsolute(entry) && !REMOTE.test(entry) && !entry.includes('?ref=')
      ? resolve(base, entry)
      : undefined;
  for (const key of ['resources', 'bases', 'components']) {
    const list = k[key];
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (typeof entry === 'string' && (REMOTE.test(entry) || entry.includes('?ref='))) {
        out.remote.push(entry);
        continue;
      }
      const p = local(entry);
      if (!p) continue;
      let dir = false;
      try {
        dir = statSync(p).isDirectory();
      } catch {
        /* missing: kustomize reports it */
      }
      (dir ? out.dirs : out.files).push(p);
      if (dir && key === 'components') out.componentDirs.push(p);
    }
  }
  // Generators, transformers and the like load their entries as resources are loaded: remote ones are fetched too.
  for (const key of ['generators', 'transformers', 'validators', 'configurations', 'crds']) {
    const list = k[key];
    if (Array.isArray(list))
      for (const entry of list) if (typeof entry === 'string' && (REMOTE.test(entry) || entry.includes('?ref='))) out.remote.push(entry);
  }
  // Kustomize applies patchesStrategicMerge, then patchesJson6902, then patches.
  for (const key of ['patchesStrategicMerge', 'patchesJson6902', 'patches']) {
    const list = k[key];
    if (!Array.isArray(list)) continue;
    list.forEach((entry, i) => {
      const e = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : undefined;
      const p = local(e ? e.path : entry);
      if (p) out.patches.push(p);
      const patchEntry: PatchEntry = { kustomization: absPath, at: [key, i] };
      if (p) patchEntry.file = p;
      else if (typeof e?.patch === 'string') patchEntry.inline = e.patch;
      else if (typeof entry === 'string' && entry.includes('\n')) patchEntry.inline = entry;
      else return;
      if (typeof e?.target === 'object' && e.target !== null) patchEntry.target = e.target as Record<string, unknown>;
      out.patchEntries.push(patchEntry);
    });
  }
  return out;
}

function kustomizationFileIn(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_NAMES) {
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** How many directories up a file may sit below a kustomization and still be held back for it. */
const KUSTOMIZE_DEPTH = 4;

/**
 * Passes the walked files through and renders what it can:
 * - each Helm chart when its `Chart.yaml` comes by; the chart's raw `templates/` are then not read
 *   as YAML (the rendered output stands for them) but stay available to the other scanners;
 * - the top-level Kustomize overlays once every file has been seen. Files at or below a
 *   kustomization are held back until then: the resources and patches of an overlay that rendered
 *   are not read as YAML on their own (a patch is not an object, and the rendered overlay already
 *   holds the resources); all others are scanned as usual.
 */
export function* withRenderedSources(files: Iterable<SourceFile>, ctx: RenderContext): Generator<SourceFile> {
  const charts: Chart[] = [];
  const kustomizations: DiskFile[] = [];
  const held: DiskFile[] = [];
  const underKustomization = new Map<string, boolean>();
  const refsOf = new Map<string, KustomizationRefs>();
  const refs = (abs: string): KustomizationRefs => {
    let r = refsOf.get(abs);
    if (!r) {
      r = kustomizationRefs(abs);
      refsOf.set(abs, r);
    }
    return r;
  };
  let patches: Set<string> | undefined;
  /** A patch file of some kustomization of the scan, wherever it lies: a fragment, never judged alone. */
  const isPatch = (abs: string): boolean => {
    patches ??= ctx.kustomizations ? patchFiles([...ctx.kustomizations()], refs) : new Set();
    return patches.has(abs);
  };
  const lookup = (opt: string | false | undefined, name: string): string | undefined =>
    opt === false ? undefined : typeof opt === 'string' ? opt : findExecutable(name, ctx.path ?? process.env.PATH);
  const inKustomizeTree = (dir: string, depth = 0): boolean => {
    const known = underKustomization.get(dir);
    if (known !== undefined) return known;
    const parent = dirname(dir);
    const v = kustomizationFileIn(dir) !== undefined || (depth < KUSTOMIZE_DEPTH && parent !== dir && inKustomizeTree(parent, depth + 1));
    if (depth === 0) underKustomization.set(dir, v);
    return v;
  };

  for (const file of files) {
    if (!onDisk(file)) {
      yield file;
      continue;
    }
    const name = basename(file.absPath);
    const parent = charts.find((c) => within(c.abs, file.absPath));
    if (name === 'Chart.yaml' && !parent) {
      const chart: Chart = { abs: dirname(file.absPath), display: dirPath(file.path), rendered: false };
      charts.push(chart);
      ctx.onChart?.(file.path);
      yield* renderChart(chart, file, lookup(ctx.helm, 'helm'), ctx);
      yield file;
      continue;
    }
    if (parent) {
      if (parent.rendered && isChartTemplate(parent.abs, file.absPath)) markRawTemplate(file);
      else if (parent.rendered && isHelmValuesName(file.path)) markValuesRendered(file);
      yield file;
      continue;
    }
    if (inKustomizeTree(dirname(file.absPath))) {
      if (KUSTOMIZATION_NAMES.has(name)) kustomizations.push(file);
      // Held until the walk ends: its bytes are read again when it is scanned.
      releaseFile(file);
      held.push(file);
      continue;
    }
    if (isPatch(file.absPath)) markRawTemplate(file);
    yield file;
  }
  const covered = new Set<string>();
  yield* renderKustomizations(kustomizations, lookup(ctx.kustomize, 'kustomize'), lookup(ctx.kubectl, 'kubectl'), covered, refs, ctx);
  for (const f of held) {
    if (covered.has(f.absPath)) markRawTemplate(f);
    yield f;
  }
}

/** Patch files of every kustomization: fragments of objects, never judged alone, rendered or not. */
function patchFiles(kustomizations: readonly string[], refs: (abs: string) => KustomizationRefs): Set<string> {
  const out = new Set<string>();
  for (const k of kustomizations) for (const p of refs(k).patches) out.add(p);
  return out;
}

/** True for files under `templates/` of the chart or of one of its subcharts. */
function isChartTemplate(chartAbs: string, abs: string): boolean {
  const rel = abs.slice(chartAbs.length + 1).split(sep);
  for (let i = 0; i < rel.length - 1; i++) {
    if (rel[i] === 'templates' && (i === 0 || rel[i - 2] === 'charts')) return true;
  }
  return false;
}

function* renderChart(chart: Chart, chartFile: DiskFile, helm: string | undefined, ctx: RenderContext): Generator<SourceFile> {
  if (!helm) {
    ctx.onError(
      chartFile.path,
      'Helm chart not rendered: the helm binary was not found on PATH, so its templates are not scanned, only its values (install helm, or render the chart with `helm template` and scan the output)',
      'chart',
    );
    return;
  }
  const args = ['template', chart.abs];
  // `--flag=value`: a value that starts with `-` is never read as another flag.
  for (const v of ctx.helmValues ?? []) args.push(`--values=${resolve(ctx.cwd, v)}`);
  for (const s of ctx.helmSet ?? []) args.push(`--set=${s}`);
  const r = run(helm, args, chart.abs, ctx);
  if (!r.ok) {
    ctx.onError(
      chartFile.path,
      `Helm chart not rendered (helm template: ${r.message}); its templates are not scanned, only its values`,
      'chart',
    );
    return;
  }
  chart.rendered = true;
  const label = `helm template ${chart.display}`;
  const valuesFiles = [join(chart.abs, 'values.yaml'), ...(ctx.helmValues ?? []).map((v) => resolve(ctx.cwd, v))].map((abs) => ({
    abs,
    display: relative(ctx.cwd, abs).split(sep).join('/'),
  }));
  const sources = new HelmRenderSources(ctx.cwd);
  for (const part of splitHelmOutput(r.stdout, chart.display))
    yield new RenderedSourceFile(
      part.path,
      part.text,
      label,
      new HelmOrigins(part.text, resolve(ctx.cwd, part.path), part.path, valuesFiles, sources),
    );
}

function* renderKustomizations(
  all: DiskFile[],
  kustomize: string | undefined,
  kubectl: string | undefined,
  covered: Set<string>,
  refs: (abs: string) => KustomizationRefs,
  ctx: RenderContext,
): Generator<SourceFile> {
  if (all.length === 0) return;
  for (const p of patchFiles(
    all.map((f) => f.absPath),
    refs,
  ))
    covered.add(p);
  const referenced = new Set<string>();
  for (const f of all) for (const d of refs(f.absPath).dirs) referenced.add(d);
  /**
   * The kustomizations an overlay builds on, itself included, through its bases and components, in
   * the order Kustomize applies them: each base before the overlays that include it.
   */
  const cover = (kfile: string, seen: Set<string>): void => {
    if (seen.has(kfile)) return;
    seen.add(kfile);
    for (const d of refs(kfile).dirs) {
      const k = kustomizationFileIn(d);
      if (k) cover(k, seen);
    }
    seen.delete(kfile);
    seen.add(kfile);
  };
  for (const file of all) {
    const dir = dirname(file.absPath);
    const ref = refs(file.absPath);
    if (referenced.has(dir) || ref.component) continue;
    const seen = new Set<string>();
    cover(file.absPath, seen);
    const remote = [...seen].flatMap((k) => refs(k).remote);
    if (remote.length > 0) {
      ctx.onError(
        file.path,
        `Kustomize overlay not rendered: it refers to remote resources (${remote.slice(0, 3).join(', ')}) and scans run offline`,
        'overlay',
      );
      continue;
    }
    if ([...seen].some((k) => refs(k).helmCharts)) {
      ctx.onError(
        file.path,
        'Kustomize overlay not rendered: it inflates helmCharts, which needs --enable-helm and may download charts; scans run offline',
        'overlay',
      );
      continue;
    }
    const tool = kustomize
      ? { bin: kustomize, args: ['build', dir], label: 'kustomize build' }
      : kubectl
        ? { bin: kubectl, args: ['kustomize', dir], label: 'kubectl kustomize' }
        : undefined;
    if (!tool) {
      ctx.onError(
        file.path,
        'Kustomize overlay not rendered: neither kustomize nor kubectl was found on PATH, so the overlay as deployed is not scanned (its plain resource files still are)',
        'overlay',
      );
      continue;
    }
    const r = run(tool.bin, tool.args, dir, ctx);
    if (!r.ok) {
      ctx.onError(file.path, `Kustomize overlay not rendered (${tool.label}: ${r.message})`, 'overlay');
      continue;
    }
    for (const k of seen) for (const f of [k, ...refs(k).files, ...refs(k).patches]) covered.add(f);
    const kustomizationsIn = (dirs: string[]): string[] => dirs.map(kustomizationFileIn).filter((k): k is string => k !== undefined);
    const chain: KustomizationModel[] = [...seen].map((k) => {
      const r = refs(k);
      const bases = r.dirs.filter((d) => !r.componentDirs.includes(d));
      return {
        abs: k,
        files: r.files,
        patches: r.patchEntries,
        bases: kustomizationsIn(bases),
        components: kustomizationsIn(r.componentDirs),
      };
    });
    const label = `${tool.label} ${dirPath(file.path)}`;
    yield new RenderedSourceFile(file.path, r.stdout, label, new KustomizeOrigins(r.stdout, chain, ctx.cwd));
  }
}
