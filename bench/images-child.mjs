#!/usr/bin/env node
// One image scan in a fresh process (bench/images.mjs): prints time, CPU, peak RSS and counts as JSON.
// It loads what `sanctum image` loads (the image scan, not the whole public API of dist/index.js).
import { clearInterval, setInterval } from 'node:timers';
import { scanImage } from '../dist/scan-image.js';
import { peakRssMB } from './peak-rss.mjs';

const MB = 1024 * 1024;
const peak = { heapUsedMB: 0, arrayBuffersMB: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak.heapUsedMB = Math.max(peak.heapUsedMB, m.heapUsed / MB);
  peak.arrayBuffersMB = Math.max(peak.arrayBuffersMB, m.arrayBuffers / MB);
}, 100);
sampler.unref();
const started = performance.now();
const cpu = process.cpuUsage();
const result = await scanImage({ images: [process.argv[2]], config: false });
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
clearInterval(sampler);
process.stdout.write(
  JSON.stringify({
    ms,
    cpuMs: (used.user + used.system) / 1000,
    maxRssMB: peakRssMB(),
    ...peak,
    files: result.stats.files,
    findings: result.findings.length,
    errors: result.errors.length,
  }),
);
