#!/usr/bin/env node
// One image scan in a fresh process (bench/images.mjs): prints time, CPU, peak RSS and counts as JSON.
import { scanImage } from '../dist/index.js';

const started = performance.now();
const cpu = process.cpuUsage();
const result = await scanImage({ images: [process.argv[2]], config: false });
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(
  JSON.stringify({
    ms,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
    files: result.stats.files,
    findings: result.findings.length,
    errors: result.errors.length,
  }),
);
