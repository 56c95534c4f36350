// Shared by bench/compare-reports.mjs and bench/cluster-compare.mjs: one build's report, as a digest.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Runs `bin/sanctum ARGS --output FILE` of the checkout at `root` and returns the report's digest (`digestOf`). */
export function reportDigest(root, args, file, env = process.env) {
  try {
    execFileSync(process.execPath, [join(resolve(root), 'bin', 'sanctum'), ...args, '--output', file], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
      maxBuffer: 1 << 26,
    });
  } catch (e) {
    // Exit code 1: findings at the failing severity; the report was written.
    if (e.status !== 1) throw e;
  }
  return digestOf(file);
}

/**
 * The report's SHA-256 with its first `durationMs` read as 0, and its size. Reports of a large corpus
 * run to hundreds of MB: only digests are kept, never the texts.
 */
export function digestOf(file) {
  const bytes = readFileSync(file);
  const key = Buffer.from('"durationMs": ');
  const hash = createHash('sha256');
  const at = bytes.indexOf(key);
  if (at < 0) hash.update(bytes);
  else {
    let end = at + key.length;
    while (end < bytes.length && bytes[end] >= 0x30 && bytes[end] <= 0x39) end++;
    hash
      .update(bytes.subarray(0, at + key.length))
      .update('0')
      .update(bytes.subarray(end));
  }
  return { digest: hash.digest('hex'), bytes: bytes.length };
}
