import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { LineIndex } from '../core/line-index.js';
import type { PinnedVersion, ProjectPackages } from '../core/packages.js';
import { DEFAULT_LIMITS } from '../core/parser.js';
import { DiskSourceFile, looksBinary } from '../core/source-file.js';
import { formatOf, manifestLimitOf } from '../parsers/deps/deps-parser.js';
import type { ManifestKind } from '../parsers/deps/types.js';
import { displayPath } from '../sources/directory.js';

/** Python manifests, weakest first: a lockfile's resolved version wins over a `==` pin of the same directory. */
const PRECEDENCE: Partial<Record<ManifestKind, number>> = {
  pyproject: 1,
  conda: 1,
  requirements: 2,
  'pipfile-lock': 3,
  'poetry-lock': 3,
  'uv-lock': 3,
};

const LOCKFILE_RANK = 3;

/** Names of the Python manifests among the formats the deps scanner reads (the others are never parsed here). */
const PYTHON_MANIFEST = /requirements|constraints|^pyproject\.toml$|^poetry\.lock$|^uv\.lock$|^Pipfile\.lock$|^(?:environment|conda)\b/i;

/** How far up from a scanned file manifests are looked for (the repository root stops it earlier). */
const MAX_LEVELS = 32;

/** PEP 503 normalised name: `Torch_Vision` → `torch-vision`. */
export function normalizePyPIName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * The exact versions pinned by the Python manifests and lockfiles (`requirements*.txt`,
 * `pyproject.toml`, `poetry.lock`, `uv.lock`, `Pipfile.lock`, conda `environment.yml`) of each
 * directory from a scanned file up to its repository root (the directory that holds `.git`).
 * Directories are read when a rule first asks about a file in them, once each; nothing is executed.
 * A file that cannot be read is skipped: the versions are then unknown, which rules already allow for
 * (the deps scanner reports the unreadable manifest itself).
 */
export class ManifestPins implements ProjectPackages {
  private readonly dirs = new Map<string, Map<string, PinnedVersion & { rank: number }>>();

  constructor(private readonly cwd: string) {}

  pinned(path: string, ecosystem: string, name: string): PinnedVersion | undefined {
    if (ecosystem !== 'PyPI') return undefined;
    const key = normalizePyPIName(name);
    let dir = dirname(resolve(this.cwd, path));
    for (let level = 0; level < MAX_LEVELS; level++) {
      const hit = this.pinsIn(dir).get(key);
      if (hit) return { version: hit.version, path: hit.path, ...(hit.line !== undefined ? { line: hit.line } : {}) };
      if (existsSync(join(dir, '.git'))) break;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return undefined;
  }

  private pinsIn(dir: string): Map<string, PinnedVersion & { rank: number }> {
    let pins = this.dirs.get(dir);
    if (pins) return pins;
    pins = new Map();
    this.dirs.set(dir, pins);
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return pins;
    }
    for (const name of names.sort()) {
      const format = PYTHON_MANIFEST.test(name) ? formatOf(name) : undefined;
      if (!format) continue;
      const abs = join(dir, name);
      try {
        const st = statSync(abs);
        if (!st.isFile() || st.size === 0 || st.size > (manifestLimitOf(name, DEFAULT_LIMITS) ?? 0)) continue;
        const file = new DiskSourceFile(displayPath(abs, this.cwd), abs, st.size);
        if (looksBinary(file.head())) continue;
        const text = file.text();
        const manifest = format.parse(text, file.path, { limits: DEFAULT_LIMITS }, file);
        const kindRank = PRECEDENCE[manifest.kind];
        if (kindRank === undefined) continue;
        // A compiled requirements file (pip-compile, uv) is a lockfile too: it outranks its own input.
        const rank = manifest.lockfile ? Math.max(kindRank, LOCKFILE_RANK) : kindRank;
        const lines = new LineIndex(text);
        for (const dep of manifest.packages) {
          if (dep.ecosystem !== 'PyPI' || !dep.version || dep.source) continue;
          const key = normalizePyPIName(dep.name);
          const had = pins.get(key);
          if (had && had.rank >= rank) continue;
          pins.set(key, { version: dep.version, path: file.path, line: lines.position(dep.span.start).line, rank });
        }
      } catch {
        continue;
      }
    }
    return pins;
  }
}
