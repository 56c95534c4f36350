/**
 * The fuzzer's child process: runs the cases the parent asks for, one after another, and says when
 * each starts and ends, so that the parent's watchdog can tell a hang (the child is then killed and
 * a new one goes on after that case).
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testVulnerabilities } from '../memory-vulnerabilities.js';
import { takeLargestAllocation } from './allocations.js';
import { fuzzInput, type FuzzInput } from './cases.js';
import { minimize } from './minimize.js';
import { realRenderers } from '../real-renderers.js';
import { runCase, runContextCase, runImageCase, runTreeCase, signature, type Problem } from './run-case.js';
import { fuzzSeeds } from './seeds.js';
import type { ChildMessage, ParentMessage } from './protocol.js';
import { TREES, writeTreeCase } from './trees.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const seeds = fuzzSeeds(root);
const vulnerabilities = testVulnerabilities();
const send = (m: ChildMessage): void => void process.send!(m);
const renderers = realRenderers();
/** Directory cases need the real renderers (linux-x64 test binaries). */
const treeFormats = renderers.helm && renderers.kubectl ? Object.keys(TREES) : [];
const work = mkdtempSync(join(tmpdir(), 'sanctum-fuzz-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function treeCase(m: { format: string; seed: number }, index: number, outDir?: string): { problems: Problem[]; saved: string[] } {
  const target = writeTreeCase(root, work, m.format, m.seed, index);
  takeLargestAllocation();
  const problems = runTreeCase(work, target, {
    vulnerabilities,
    renderers: { helm: renderers.helm, kubectl: renderers.kubectl, kustomize: false, timeoutMs: 10_000 },
  });
  const saved: string[] = [];
  if (problems.length && outDir) {
    const to = join(outDir, `${m.format}-${m.seed}-${index}`);
    cpSync(join(work, target), to, { recursive: true, verbatimSymlinks: true });
    saved.push(to);
  }
  return { problems, saved };
}

/** Larger single allocations than this, for an input of at most a few MiB, are reported. */
const ALLOCATION_LIMIT = 256 * 1024 * 1024;

/** The problems of one input, read by what its seed names (a file written to the work directory for the readers of paths). */
async function readProblems(input: FuzzInput, bytes: Uint8Array): Promise<Problem[]> {
  if (input.reader === 'scan') return runCase(input.path, bytes, { vulnerabilities });
  const dir = join(work, 'case');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, input.path), bytes);
  return input.reader === 'image' ? runImageCase(dir, input.path, { vulnerabilities }) : runContextCase(dir, input.path);
}

async function problemsOf(input: FuzzInput): Promise<Problem[]> {
  const { bytes } = input;
  takeLargestAllocation();
  const problems = await readProblems(input, bytes);
  const largest = takeLargestAllocation();
  if (largest > ALLOCATION_LIMIT && largest > 64 * bytes.length)
    problems.push({ kind: 'allocation', detail: `a single allocation of ${largest} bytes for an input of ${bytes.length} bytes` });
  return problems;
}

function save(outDir: string, format: string, seed: number, index: number, bytes: Uint8Array, path: string, suffix = ''): string {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${format}-${seed}-${index}${suffix}-${basename(path)}`);
  writeFileSync(file, bytes);
  return file;
}

process.on('message', (m: ParentMessage) => void handle(m));

async function handle(m: ParentMessage): Promise<void> {
  if (m.type === 'save' && TREES[m.format]) {
    const to = join(m.outDir, `${m.format}-${m.seed}-${m.index}`);
    cpSync(join(work, writeTreeCase(root, work, m.format, m.seed, m.index)), to, { recursive: true, verbatimSymlinks: true });
    send({ type: 'saved', file: to });
    return;
  }
  if (m.type === 'save') {
    const input = fuzzInput(seeds, m.format, m.seed, m.index);
    send({ type: 'saved', file: save(m.outDir, m.format, m.seed, m.index, input.bytes, input.path) });
    return;
  }
  let index = m.from;
  for (; index < m.to && Date.now() < m.until; index++) {
    send({ type: 'start', index });
    await flush();
    if (TREES[m.format]) {
      const { problems, saved } = treeCase(m, index, m.outDir);
      send({ type: 'done', index, path: 'tree', size: 0, problems, saved, maxRssKb: process.resourceUsage().maxRSS });
      await flush();
      continue;
    }
    const input = fuzzInput(seeds, m.format, m.seed, index);
    const problems = await problemsOf(input);
    const saved: string[] = [];
    if (problems.length && m.outDir) {
      saved.push(save(m.outDir, m.format, m.seed, index, input.bytes, input.path));
      if (m.minimize) {
        const wanted = signature(problems[0]);
        // Minimizing takes many tries: each one restarts the parent's watchdog, so that only a try that hangs is a hang.
        const small = await minimize(input.bytes, async (b) => {
          send({ type: 'alive', index });
          await flush();
          return (await readProblems(input, b)).some((p) => signature(p) === wanted);
        });
        saved.push(save(m.outDir, m.format, m.seed, index, small, input.path, '-min'));
      }
    }
    send({ type: 'done', index, path: input.path, size: input.bytes.length, problems, saved, maxRssKb: process.resourceUsage().maxRSS });
    await flush();
  }
  send({ type: 'finished', next: index });
}

/** Messages are written when the event loop runs: each case lets it run, so that the parent sees when a case ends. */
function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
send({ type: 'ready', formats: [...new Set(seeds.map((s) => s.format)), ...treeFormats].sort() });
