#!/usr/bin/env node
// Code rules benchmark: the flow analysis the LLM-00xx rules share (model output or request data
// followed through a file) on one large generated Python file, at three sizes, to show that CPU and
// memory grow with the file's length and not faster. Each run is a fresh process (`--child`).
// Usage: node bench/code.mjs            (prints a Markdown section; needs dist/: npm run build)
//        import { runCodeBench } from './code.mjs'
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import os from 'node:os';
import { peakRssMB } from './peak-rss.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

/** Generated files: a function defined again and again, calling itself with model output; module-level statements. */
const SHAPES = {
  'one function name defined every 5 lines, each definition calling it': () =>
    'def step(llm, t):\n    c = llm.invoke(t)\n    os.system(c)\n    step(llm, c)\n\n',
  'module-level statements': (i) => `a${i} = f(${i})\nb${i} = a${i} + 1\nprint(b${i})\nos.system(b${i})\nc = llm.invoke(b${i})\n`,
};

export function pythonFile(shape, lines) {
  const unit = SHAPES[shape];
  const parts = ['import os\n'];
  let count = 1;
  for (let i = 0; count < lines; i++) {
    const u = unit(i);
    parts.push(u);
    count += u.split('\n').length - 1;
  }
  return parts.join('').split('\n').slice(0, lines).join('\n') + '\n';
}

async function child(shape, lines, rule) {
  const { scanSync } = await import(pathToFileURL(join(root, 'dist/scan.js')));
  const { MemorySourceFile } = await import(pathToFileURL(join(root, 'dist/core/source-file.js')));
  const text = pythonFile(shape, lines);
  const t0 = process.cpuUsage();
  const result = scanSync({ targets: [], files: [new MemorySourceFile('big.py', text)], config: false, rules: [rule] });
  const cpu = process.cpuUsage(t0);
  if (result.errors.length) throw new Error(JSON.stringify(result.errors));
  return { cpuMs: (cpu.user + cpu.system) / 1000, maxRssMB: peakRssMB(), findings: result.findings.length, bytes: text.length };
}

export async function runCodeBench() {
  const rule = 'LLM-0011';
  const load = os.loadavg()[0];
  const rows = [];
  for (const shape of Object.keys(SHAPES)) {
    for (const lines of [25_000, 50_000, 100_000]) {
      const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', shape, String(lines), rule], { cwd: root });
      const r = JSON.parse(out.toString());
      rows.push(
        `| ${shape} | ${lines.toLocaleString('en')} | ${(r.bytes / 2 ** 20).toFixed(1)} MiB | ${(r.cpuMs / 1000).toFixed(2)} s | ${r.maxRssMB.toFixed(0)} MB | ${r.findings.toLocaleString('en')} |`,
      );
    }
  }
  return (
    `## Code rules on one large file\n\n` +
    `\`${rule}\` (model output run as a shell command) alone on one generated Python file (\`bench/code.mjs\`), each run in a fresh process. ` +
    `CPU is the scan's (parse, flow analysis, findings), without module loading; peak RSS is the whole process. ` +
    `The machine is shared (2 cores, 1-minute load average ${load.toFixed(1)} when the runs began): compare how each shape grows with its length rather than absolute times.\n\n` +
    `| file | lines | size | CPU | peak RSS | findings |\n| --- | ---: | ---: | ---: | ---: | ---: |\n` +
    rows.join('\n') +
    '\n'
  );
}

if (process.argv[2] === '--child') {
  const [, , , shape, lines, rule] = process.argv;
  process.stdout.write(JSON.stringify(await child(shape, Number(lines), rule)));
} else if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runCodeBench());
}
