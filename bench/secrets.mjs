#!/usr/bin/env node
// Secrets benchmark: the secrets scanner alone over a copy of the project's own node_modules
// (a real-world tree of JavaScript, TypeScript, JSON, Markdown and native binaries), then
// `secretlint` with its recommended preset over the same tree when it is installed.
// Usage: node bench/secrets.mjs            (prints a Markdown section)
//        import { runSecretsBench } from './secrets.mjs'
import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus as cpuList, loadavg } from 'node:os';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const tree = join(here, '.corpus', 'secrets-tree');

/**
 * Copies `from` into `to`. Nested `node_modules` directories are renamed `_node_modules`, because
 * the scanner (like most tools) skips directories of that name below the target; symbolic links
 * (`.bin`) are left out.
 */
function copyTree(from, to, stats) {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, e.name);
    if (e.isSymbolicLink()) continue;
    if (e.isDirectory()) copyTree(src, join(to, e.name === 'node_modules' ? '_node_modules' : e.name), stats);
    else if (e.isFile()) {
      copyFileSync(src, join(to, e.name));
      const size = lstatSync(src).size;
      stats.files++;
      stats.bytes += size;
      if (!looksBinary(src, size)) stats.textBytes += size;
    }
  }
}

function looksBinary(path, size) {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, 8192));
    readSync(fd, buf, 0, buf.length, 0);
    if (buf.includes(0)) return true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, Math.max(0, buf.length - 3)));
      return false;
    } catch {
      return true;
    }
  } finally {
    closeSync(fd);
  }
}

function prepareTree(log) {
  rmSync(tree, { recursive: true, force: true });
  const stats = { files: 0, bytes: 0, textBytes: 0 };
  log(`copying node_modules to ${tree} …`);
  copyTree(join(root, 'node_modules'), tree, stats);
  return stats;
}

/**
 * Real trees for precision: the AI SDKs and the clients an AI platform calls, installed from the npm
 * registry at pinned versions (with their dependencies) into bench/.corpus/ai-sdks, then copied like
 * node_modules above. The versions are pinned so that the reviewed findings stay comparable.
 */
export const AI_SDKS = {
  '@anthropic-ai/sdk': '1.17.0',
  '@aws-sdk/client-s3': '3.1178.0',
  '@azure/storage-blob': '12.32.0',
  '@google/generative-ai': '0.24.1',
  '@huggingface/inference': '4.13.30',
  '@langchain/core': '1.4.0',
  '@langchain/openai': '1.5.8',
  '@mistralai/mistralai': '2.7.0',
  '@octokit/rest': '22.0.1',
  '@pinecone-database/pinecone': '8.2.0',
  '@qdrant/js-client-rest': '1.18.0',
  '@slack/web-api': '8.2.0',
  ai: '6.0.333',
  'cohere-ai': '8.1.0',
  ioredis: '6.1.0',
  jsonwebtoken: '9.0.3',
  langchain: '1.5.14',
  mongodb: '7.9.1',
  openai: '6.49.0',
  pg: '8.23.1',
  stripe: '23.2.0',
};
const sdkInstall = join(here, '.corpus', 'ai-sdks');
const sdkTree = join(here, '.corpus', 'ai-sdks-tree');

function prepareSdkTree(log) {
  const manifest = JSON.stringify({ name: 'sanctum-bench-ai-sdks', private: true, dependencies: AI_SDKS }, null, 2);
  const pkg = join(sdkInstall, 'package.json');
  if (!existsSync(pkg) || readFileSync(pkg, 'utf8') !== manifest || !existsSync(join(sdkInstall, 'node_modules'))) {
    rmSync(sdkInstall, { recursive: true, force: true });
    mkdirSync(sdkInstall, { recursive: true });
    writeFileSync(pkg, manifest);
    log(`npm install ${Object.keys(AI_SDKS).length} AI SDK packages into ${sdkInstall} …`);
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: sdkInstall,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  rmSync(sdkTree, { recursive: true, force: true });
  const stats = { files: 0, bytes: 0, textBytes: 0 };
  copyTree(join(sdkInstall, 'node_modules'), sdkTree, stats);
  return stats;
}

// Every finding of a precision run, with its path relative to the tree and its source line.
const FINDINGS_CHILD = `
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
const { scanSync } = await import(process.argv[1]);
const r = scanSync({ targets: [process.argv[2]], config: false, scanners: ['secrets'] });
const out = r.findings.map((f) => {
  const line = readFileSync(f.location.path, 'utf8').split('\\n')[f.location.startLine - 1] ?? '';
  return { rule: f.ruleId, path: relative(process.argv[2], f.location.path), line: f.location.startLine, message: f.message, context: line.trim().slice(0, 160) };
});
process.stdout.write(JSON.stringify({ files: r.stats.files, findings: out }));
`;

function findingsOf(dist, dir) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', FINDINGS_CHILD, join(dist, 'index.js'), dir], {
    cwd: root,
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out.toString());
}

/**
 * Precision per rule against bench/secrets-review.json, where every finding seen on these trees is
 * classified by hand (`true` or `false`, with the reason). Findings not in the review are counted
 * as unreviewed and listed, so a change that adds findings shows up until someone reviews them.
 */
function precision(trees, review) {
  const verdicts = new Map(review.findings.map((r) => [`${r.tree}\u0000${r.path}\u0000${r.line}\u0000${r.rule}`, r]));
  const rows = new Map();
  const unreviewed = [];
  for (const [tree, result] of Object.entries(trees)) {
    for (const f of result.findings) {
      const row = rows.get(f.rule) ?? { findings: 0, true: 0, false: 0, unreviewed: 0 };
      rows.set(f.rule, row);
      row.findings++;
      const v = verdicts.get(`${tree}\u0000${f.path}\u0000${f.line}\u0000${f.rule}`);
      if (!v) {
        row.unreviewed++;
        unreviewed.push({ tree, ...f });
      } else row[v.verdict === 'true' ? 'true' : 'false']++;
    }
  }
  const seen = new Set(
    Object.entries(trees).flatMap(([tree, r]) => r.findings.map((f) => `${tree}\u0000${f.path}\u0000${f.line}\u0000${f.rule}`)),
  );
  const gone = review.findings.filter((r) => !seen.has(`${r.tree}\u0000${r.path}\u0000${r.line}\u0000${r.rule}`));
  return { rows, unreviewed, gone };
}

// One scan in a fresh process, so that every run pays for module loading and a cold heap alike.
const CHILD = `
const { scanSync } = await import(process.argv[1]);
const { peakRssMB } = await import(process.argv[3]);
const t0 = performance.now();
const c0 = process.cpuUsage();
const r = scanSync({ targets: [process.argv[2]], config: false, scanners: ['secrets'] });
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const cpuMs = (cpu.user + cpu.system) / 1000;
const byRule = {};
for (const f of r.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
process.stdout.write(JSON.stringify({ ms, cpuMs, files: r.stats.files, rules: r.stats.rules, findings: r.findings.length, errors: r.errors.length, byRule, maxRssMB: peakRssMB() }));
`;

// The floor of any scanner: walk the tree, read every file and decode the text ones.
const READ_CHILD = `
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
const t0 = performance.now();
const c0 = process.cpuUsage();
const dec = new TextDecoder('utf-8', { fatal: false });
let bytes = 0;
let equals = 0;
function walk(d) {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    const p = join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) {
      const b = readFileSync(p);
      bytes += b.length;
      if (b.subarray(0, 8192).includes(0)) continue;
      const text = dec.decode(b);
      // one look at every character: what any scanner written in JavaScript pays at least
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 61) equals++;
    }
  }
}
walk(process.argv[1]);
const cpu = process.cpuUsage(c0);
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, bytes, equals }));
`;

function readOnce() {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', READ_CHILD, tree], { cwd: root, maxBuffer: 1 << 26 });
  return JSON.parse(out.toString());
}

function scanOnce(dist) {
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', CHILD, join(dist, 'index.js'), tree, join(here, 'peak-rss.mjs')],
    {
      cwd: root,
      maxBuffer: 1 << 26,
    },
  );
  return JSON.parse(out.toString());
}

function secretlintOnce(log) {
  const bin = join(root, 'node_modules', '.bin', 'secretlint');
  if (!existsSync(bin) || !existsSync(join(root, 'node_modules', '@secretlint', 'secretlint-rule-preset-recommend')))
    return { skipped: 'secretlint or @secretlint/secretlint-rule-preset-recommend is not installed' };
  const rc = join(here, '.corpus', 'secretlintrc.json');
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  const report = join(here, '.corpus', 'secretlint-report.json');
  log('running secretlint (recommended preset) …');
  const t0 = performance.now();
  const r = spawnSync(bin, ['**/*', '--secretlintrc', rc, '--format', 'json', '--output', report, '--no-color', '--maskSecrets'], {
    cwd: tree,
    maxBuffer: 1 << 28,
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=4096' },
  });
  const ms = performance.now() - t0;
  let findings;
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    findings = json.reduce((n, f) => n + (f.messages?.length ?? 0), 0);
  } catch {
    findings = undefined;
  }
  return { ms, exit: r.status, findings, stderr: r.stderr?.toString().slice(0, 300) };
}

/** Runs the benchmark; returns the figures and a Markdown section for bench/RESULTS.md. */
export async function runSecretsBench({
  dist = process.env.SANCTUM_DIST ?? join(root, 'dist'),
  runs = 3,
  secretlint = true,
  log = (m) => console.error(m),
} = {}) {
  const corpus = prepareTree(log);
  const scans = [];
  for (let i = 0; i < runs; i++) {
    log(`sanctum --scanners secrets, run ${i + 1}/${runs} …`);
    scans.push(scanOnce(dist));
  }
  scans.sort((a, b) => a.ms - b.ms);
  const best = scans[0];
  const reads = [];
  for (let i = 0; i < runs; i++) reads.push(readOnce());
  reads.sort((a, b) => a.ms - b.ms);
  const floor = reads[0];
  const mb = corpus.bytes / 1e6;
  const textMb = corpus.textBytes / 1e6;
  const load = loadavg()[0];
  const cpus = cpuList().length;
  const result = {
    corpus,
    load,
    sanctum: { ...best, mbPerS: mb / (best.ms / 1000), textMbPerS: textMb / (best.ms / 1000), cpuMbPerS: mb / (best.cpuMs / 1000) },
    floor: { ...floor, mbPerS: mb / (floor.ms / 1000), cpuMbPerS: mb / (floor.cpuMs / 1000) },
    secretlint: secretlint ? secretlintOnce(log) : { skipped: 'disabled' },
  };
  log('precision: the AI SDK snapshot …');
  const sdkCorpus = prepareSdkTree(log);
  const review = JSON.parse(readFileSync(join(here, 'secrets-review.json'), 'utf8'));
  const trees = { node_modules: findingsOf(dist, tree), 'ai-sdks': findingsOf(dist, sdkTree) };
  const { rows: byRule, unreviewed, gone } = precision(trees, review);
  result.precision = { byRule: Object.fromEntries(byRule), unreviewed, sdkCorpus };
  const sl = result.secretlint;
  const rows = [
    `| floor: walk, read and decode every file, one JavaScript loop over every character | ${(floor.ms / 1000).toFixed(2)} s (CPU ${(floor.cpuMs / 1000).toFixed(2)} s) | ${result.floor.mbPerS.toFixed(0)} MB/s (CPU ${result.floor.cpuMbPerS.toFixed(0)}) | | | |`,
    `| sanctum \`scan --scanners secrets\` (all ${best.rules} secret rules) | ${(best.ms / 1000).toFixed(2)} s (CPU ${(best.cpuMs / 1000).toFixed(2)} s) | ${result.sanctum.mbPerS.toFixed(0)} MB/s (CPU ${result.sanctum.cpuMbPerS.toFixed(0)}) | ${result.sanctum.textMbPerS.toFixed(0)} MB/s | ${best.findings} | ${best.maxRssMB.toFixed(0)} MB |`,
    sl.skipped
      ? `| secretlint (recommended preset) | skipped: ${sl.skipped} | | | | |`
      : `| secretlint ${'`'}**/*${'`'} (recommended preset) | ${(sl.ms / 1000).toFixed(2)} s | ${(mb / (sl.ms / 1000)).toFixed(1)} MB/s | ${(textMb / (sl.ms / 1000)).toFixed(1)} MB/s | ${sl.findings ?? '?'} | — |`,
  ];
  result.markdown =
    `## Secrets\n\nA copy of the project's own \`node_modules\` (\`bench/secrets.mjs\`): ${corpus.files.toLocaleString('en')} files, ` +
    `${mb.toFixed(1)} MB (${textMb.toFixed(1)} MB of text; binaries are recognised by their first bytes and not read further). ` +
    `Sanctum: best of ${runs}, each in a fresh process, wall time of \`scanSync\` including the directory walk and file reads ` +
    `(CPU time in parentheses: the machine's 1-minute load average was ${load.toFixed(1)} on ${cpus} cores).\n\n` +
    `| work | time | MB/s (whole tree) | MB/s (text) | findings | peak RSS |\n| --- | ---: | ---: | ---: | ---: | ---: |\n${rows.join('\n')}\n\n` +
    `Findings per rule: ${
      Object.entries(best.byRule)
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }; ${best.errors} error entries (files over the size limit).\n\n` +
    `Sanctum's CPU time is ${(best.cpuMs / floor.cpuMs).toFixed(1)}× the floor's.\n\n` +
    `Budget: ≥ 100 MB/s with every detector on.\n\n` +
    `### Precision on real trees\n\n` +
    `Every finding of \`scan --scanners secrets\` on two real trees, classified by hand in \`bench/secrets-review.json\` (true: a credential; false: anything else, with the reason): ` +
    `the \`node_modules\` copy above (${trees['node_modules'].files.toLocaleString('en')} files scanned) and a snapshot of ${Object.keys(AI_SDKS).length} AI SDKs and the clients an AI platform calls ` +
    `(${Object.entries(AI_SDKS)
      .map(([n, v]) => `${n}@${v}`)
      .join(', ')}), installed with \`npm install --ignore-scripts\` with their dependencies: ` +
    `${sdkCorpus.files.toLocaleString('en')} files, ${(sdkCorpus.bytes / 1e6).toFixed(1)} MB (${trees['ai-sdks'].files.toLocaleString('en')} scanned).\n\n` +
    `| rule | findings | true | false | unreviewed | precision |\n| --- | ---: | ---: | ---: | ---: | ---: |\n` +
    ([...byRule.entries()]
      .sort()
      .map(
        ([rule, r]) =>
          `| ${rule} | ${r.findings} | ${r.true} | ${r.false} | ${r.unreviewed} | ${r.true + r.false ? ((100 * r.true) / (r.true + r.false)).toFixed(0) + ' %' : '—'} |`,
      )
      .join('\n') || '| (none) | 0 | 0 | 0 | 0 | — |') +
    `\n\n${unreviewed.length ? `Unreviewed: ${unreviewed.map((u) => `${u.tree}/${u.path}:${u.line} ${u.rule}`).join('; ')}.` : 'Every finding is reviewed.'} ` +
    `Reviewed findings no longer reported: ${gone.length} (${gone.filter((g) => g.verdict === 'false').length} false, ${gone.filter((g) => g.verdict === 'true').length} true; by rule: ${
      Object.entries(gone.reduce((m, g) => ({ ...m, [g.rule]: (m[g.rule] ?? 0) + 1 }), {}))
        .sort()
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }). ${review.note}\n`;
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await runSecretsBench({ secretlint: !process.argv.includes('--no-secretlint') });
  console.log(r.markdown);
}
