/**
 * The fuzzer's parent: bundles the child (the scanner's current source, with rolldown) and runs the
 * cases of each format in a child process, with a wall-clock watchdog per case. A case that runs
 * past `hangMs` is a hang: the child is killed and a new one goes on after it. A child that dies
 * (out of memory) fails its case the same way; peak memory past `maxRssMb` is reported too.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ChildMessage, ParentMessage } from './protocol.js';
import { signature, type Problem } from './run-case.js';

export interface CampaignOptions {
  formats?: readonly string[];
  seed: number;
  /** Cases per format (with `seconds`, whichever ends first). */
  iterations: number;
  /** Wall-clock budget per format. */
  seconds?: number;
  /** A case that runs longer is a hang. */
  hangMs: number;
  /** Peak resident memory of the child past this is a problem. */
  maxRssMb?: number;
  /** Inputs that fail are written here (and minimized with `minimize`). */
  outDir?: string;
  minimize?: boolean;
  onProgress?(line: string): void;
}

export interface CampaignFailure extends Problem {
  format: string;
  seed: number;
  index: number;
  path: string;
  size?: number;
  saved?: string[];
}

export interface CampaignResult {
  formats: string[];
  cases: Record<string, number>;
  failures: CampaignFailure[];
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The child bundled from the current source; imports of packages stay imports, resolved from the project. */
async function bundleWorker(): Promise<string> {
  const { rolldown } = await import('rolldown');
  const dir = join(root, 'node_modules', '.cache', 'sanctum-fuzz', `${process.pid}-${Date.now()}`);
  const bundle = await rolldown({
    input: join(root, 'src', 'testing', 'fuzz', 'worker.ts'),
    platform: 'node',
    logLevel: 'silent',
    external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0'),
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
    plugins: [
      {
        name: 'source-meta-url',
        // Each module keeps the location of its source file: package.json, the test corpora and lazily loaded packages are found from there.
        transform(code, id) {
          return code.includes('import.meta.url')
            ? { code: code.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(id).href)) }
            : null;
        },
      },
    ],
  });
  await bundle.write({ dir, format: 'esm', entryFileNames: 'worker.mjs', sourcemap: true });
  await bundle.close();
  return dir;
}

class Child {
  readonly proc: ChildProcess;
  private listener: ((m: ChildMessage) => void) | undefined;
  private exited: ((how: string) => void) | undefined;
  stderr = '';
  constructor(entry: string) {
    this.proc = fork(entry, [], {
      execArgv: ['--max-old-space-size=3072', '--enable-source-maps'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.proc.on('message', (m: ChildMessage) => this.listener?.(m));
    this.proc.on('exit', (code, signal) => this.exited?.(signal ?? `exit code ${code}`));
  }
  listen(on: (m: ChildMessage) => void, exited: (how: string) => void): void {
    this.listener = on;
    this.exited = exited;
  }
  send(m: ParentMessage): void {
    this.proc.send(m);
  }
  kill(): void {
    this.listener = undefined;
    this.exited = undefined;
    this.proc.kill('SIGKILL');
  }
}

async function start(entry: string): Promise<{ child: Child; formats: string[] }> {
  const child = new Child(entry);
  const formats = await new Promise<string[]>((resolve, reject) =>
    child.listen(
      (m) => m.type === 'ready' && resolve(m.formats),
      (how) => reject(new Error(`fuzz child ended before it was ready (${how}): ${child.stderr}`)),
    ),
  );
  return { child, formats };
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const dir = await bundleWorker();
  const entry = join(dir, 'worker.mjs');
  const failures: CampaignFailure[] = [];
  const seen = new Set<string>();
  const fail = (f: CampaignFailure): void => {
    failures.push(f);
    const key = signature(f);
    if (seen.has(key)) return;
    seen.add(key);
    opts.onProgress?.(
      `new problem: ${f.kind} in ${f.format} case ${f.index} (${f.path}): ${f.detail.slice(0, 300)}${f.saved?.length ? ` [saved: ${f.saved.join(', ')}]` : ''}`,
    );
  };
  const cases: Record<string, number> = {};
  const first = await start(entry);
  let child = first.child;
  const known = first.formats;
  const formats = opts.formats?.length ? [...opts.formats] : known;
  for (const f of formats) if (!known.includes(f)) throw new Error(`no seeds of format ${f} (known: ${known.join(', ')})`);
  try {
    for (const format of formats) {
      const until = Date.now() + (opts.seconds ?? 1e9) * 1000;
      let next = 0;
      cases[format] = 0;
      // A directory case renders charts and overlays with real helm and kubectl: a third as many.
      const iterations = format.startsWith('tree-') ? Math.ceil(opts.iterations / 3) : opts.iterations;
      while (next < iterations && Date.now() < until) {
        const outcome = await runPart(
          child,
          { type: 'run', format, seed: opts.seed, from: next, to: iterations, until, outDir: opts.outDir, minimize: opts.minimize },
          opts,
        );
        for (const d of outcome.done) {
          cases[format]++;
          for (const p of d.problems) fail({ ...p, format, seed: opts.seed, index: d.index, path: d.path, size: d.size, saved: d.saved });
          if (opts.maxRssMb && d.maxRssKb > opts.maxRssMb * 1024) {
            fail({
              kind: 'memory',
              detail: `peak resident memory ${Math.round(d.maxRssKb / 1024)} MB`,
              format,
              seed: opts.seed,
              index: d.index,
              path: d.path,
              size: d.size,
            });
            outcome.restart = true;
          }
        }
        next = outcome.next;
        if (outcome.stuck !== undefined) {
          cases[format]++;
          const kind = outcome.how === 'hang' ? 'hang' : /out of memory/i.test(child.stderr) ? 'memory' : 'exception';
          const detail =
            outcome.how === 'hang'
              ? `still running after ${opts.hangMs} ms`
              : `the process ended (${outcome.how}): ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`;
          child.kill();
          ({ child } = await start(entry));
          const saved = opts.outDir ? [await saveCase(child, format, opts.seed, outcome.stuck, opts.outDir)] : undefined;
          fail({ kind, detail, format, seed: opts.seed, index: outcome.stuck, path: '', saved });
          next = outcome.stuck + 1;
        } else if (outcome.restart) {
          child.kill();
          ({ child } = await start(entry));
        }
      }
      opts.onProgress?.(`${format}: ${cases[format]} cases, ${failures.filter((f) => f.format === format).length} problems`);
    }
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  return { formats, cases, failures };
}

interface PartOutcome {
  done: Extract<ChildMessage, { type: 'done' }>[];
  next: number;
  /** The case during which the child hung or died. */
  stuck?: number;
  how?: string;
  restart?: boolean;
}

/** Runs cases until the child finishes the range, hangs on one or dies; a peak of memory over the limit stops it early. */
function runPart(child: Child, run: Extract<ParentMessage, { type: 'run' }>, opts: CampaignOptions): Promise<PartOutcome> {
  return new Promise((resolve) => {
    const outcome: PartOutcome = { done: [], next: run.from };
    let current: number | undefined;
    let timer: NodeJS.Timeout | undefined;
    const end = (how?: string): void => {
      clearTimeout(timer);
      if (how !== undefined && current !== undefined) {
        outcome.stuck = current;
        outcome.how = how;
      }
      resolve(outcome);
    };
    child.listen(
      (m) => {
        if (m.type === 'start' || m.type === 'alive') {
          current = m.index;
          clearTimeout(timer);
          timer = setTimeout(() => end('hang'), opts.hangMs);
        } else if (m.type === 'done') {
          clearTimeout(timer);
          current = undefined;
          outcome.done.push(m);
          outcome.next = m.index + 1;
          if (opts.maxRssMb && m.maxRssKb > opts.maxRssMb * 1024) {
            // Stopped here: a new child starts with its memory low again.
            outcome.restart = true;
            child.kill();
            end();
          }
        } else if (m.type === 'finished') {
          outcome.next = m.next;
          end();
        }
      },
      (how) => end(how),
    );
    child.send(run);
  });
}

function saveCase(child: Child, format: string, seed: number, index: number, outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  return new Promise((resolve) => {
    child.listen(
      (m) => m.type === 'saved' && resolve(m.file),
      () => resolve(''),
    );
    child.send({ type: 'save', format, seed, index, outDir });
  });
}
