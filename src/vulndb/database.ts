import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PackageRef, VulnerabilityMatch, VulnerabilitySource } from '../core/vulnerability.js';
import { IndexFormatError, IndexReader } from './index-file.js';
import { affectedBy } from './match.js';
import type { StoredRecord } from './osv.js';
import { applicableEcosystems, packageKey } from './osv.js';
import { describeSystemError } from '../core/system-error.js';
import { jsonErrorMessage } from '../core/printable.js';

export const RECORDS_FILE = 'records.jsonl';
export const INDEX_FILE = 'index.bin';
export const META_FILE = 'meta.json';

export interface EcosystemMeta {
  records: number;
  /** When records of this ecosystem were last imported (ISO time). */
  importedAt: string;
  /** The newest `modified` among its records: how fresh the data itself is. */
  newestModified?: string;
  /** Where they came from: files, archives or URLs. */
  sources: string[];
}

export interface DatabaseMeta {
  format: 1;
  updatedAt: string;
  records: number;
  ecosystems: Record<string, EcosystemMeta>;
}

/** Sanctum's cache directory: `$SANCTUM_CACHE_DIR`, else the platform's user cache directory + `sanctum`. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SANCTUM_CACHE_DIR) return env.SANCTUM_CACHE_DIR;
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'sanctum', 'cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'sanctum');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sanctum');
}

/** Where the vulnerability database lives: `<cache dir>/db`. */
export function defaultDatabaseDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'db');
}

/**
 * How results name the database directory: symbolically, never as this machine's absolute path
 * (`$SANCTUM_CACHE_DIR/db`, `$XDG_CACHE_HOME/sanctum/db`, `~/.cache/sanctum/db`), or
 * `<vulnerability database>` for a directory outside the cache.
 */
export function databaseDisplayPath(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (dir !== join(cacheDir(env, platform), 'db')) return '<vulnerability database>';
  if (env.SANCTUM_CACHE_DIR) return '$SANCTUM_CACHE_DIR/db';
  if (platform === 'win32') return env.LOCALAPPDATA ? '%LOCALAPPDATA%/sanctum/cache/db' : '~/AppData/Local/sanctum/cache/db';
  if (platform === 'darwin') return '~/Library/Caches/sanctum/db';
  return env.XDG_CACHE_HOME ? '$XDG_CACHE_HOME/sanctum/db' : '~/.cache/sanctum/db';
}

export class DatabaseError extends Error {}

/** Matches an open database keeps while a scan runs (every deps rule asks about the same packages). */
const MAX_MATCHES = 100_000;
/**
 * Packages whose parsed records it keeps: few, since a package is matched once per version and the
 * records of the packages seen just before are the likely ones to be asked again (nested copies of
 * one package at other versions sit together in a lockfile). Memory stays flat whatever the database.
 */
const MAX_RECORD_SETS = 512;

export function readMeta(dir: string): DatabaseMeta | undefined {
  const path = join(dir, META_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as DatabaseMeta;
    if (meta?.format !== 1 || typeof meta.ecosystems !== 'object') throw new Error('unknown format');
    return meta;
  } catch (e) {
    throw new DatabaseError(`the vulnerability database in ${dir} is damaged (${META_FILE}: ${jsonErrorMessage(e)}); import it again`);
  }
}

/**
 * The vulnerability database opened for a scan: the index's bucket table in memory, records read
 * with positioned reads only for the packages asked about, and kept while the scan runs.
 */
export class VulnerabilityDatabase implements VulnerabilitySource {
  private readonly cache = new Map<string, StoredRecord[]>();
  private readonly matched = new Map<string, VulnerabilityMatch[]>();

  private constructor(
    readonly dir: string,
    readonly meta: DatabaseMeta,
    private readonly index: IndexReader,
    private readonly indexFd: number,
    private readonly recordsFd: number,
  ) {}

  /** Opens the database in `dir`; undefined when there is none, `DatabaseError` when it is damaged. */
  static open(dir: string = defaultDatabaseDir()): VulnerabilityDatabase | undefined {
    const meta = readMeta(dir);
    if (!meta) return undefined;
    let indexFd: number | undefined;
    let recordsFd: number | undefined;
    try {
      indexFd = openSync(join(dir, INDEX_FILE), 'r');
      recordsFd = openSync(join(dir, RECORDS_FILE), 'r');
      return new VulnerabilityDatabase(dir, meta, new IndexReader(indexFd), indexFd, recordsFd);
    } catch (e) {
      if (indexFd !== undefined) closeSync(indexFd);
      if (recordsFd !== undefined) closeSync(recordsFd);
      const why = e instanceof IndexFormatError ? e.message : describeSystemError(e);
      throw new DatabaseError(`the vulnerability database in ${dir} cannot be opened (${why}); import it again`);
    }
  }

  close(): void {
    closeSync(this.indexFd);
    closeSync(this.recordsFd);
  }

  /** Every stored record that names the package. */
  records(ecosystem: string, name: string): StoredRecord[] {
    const key = packageKey(ecosystem, name);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const out: StoredRecord[] = [];
    // The importer writes the records of a package one after the other: one read per run of them.
    const refs = this.index.lookup(key).sort((a, b) => a.offset - b.offset);
    for (let i = 0; i < refs.length;) {
      let j = i + 1;
      while (j < refs.length && refs[j].offset === refs[j - 1].offset + refs[j - 1].length + 1) j++;
      const start = refs[i].offset;
      const buf = Buffer.alloc(refs[j - 1].offset + refs[j - 1].length - start);
      const n = readSync(this.recordsFd, buf, 0, buf.length, start);
      for (; i < j; i++) {
        const at = refs[i].offset - start;
        try {
          out.push(JSON.parse(buf.toString('utf8', at, Math.min(n, at + refs[i].length))) as StoredRecord);
        } catch {
          throw new DatabaseError(
            `the vulnerability database in ${this.dir} is damaged (record at byte ${refs[i].offset}); import it again`,
          );
        }
      }
    }
    if (this.cache.size >= MAX_RECORD_SETS) this.cache.clear();
    this.cache.set(key, out);
    return out;
  }

  /** Records of the package in its own ecosystem and in those that apply to it (`applicableEcosystems`), each once. */
  private applicable(ecosystem: string, name: string): { records: StoredRecord[]; keys: Set<string> } {
    const ecosystems = applicableEcosystems(ecosystem);
    if (ecosystems.length === 1) return { records: this.records(ecosystem, name), keys: new Set([packageKey(ecosystem, name)]) };
    const keys = new Set(ecosystems.map((e) => packageKey(e, name)));
    const byId = new Map<string, StoredRecord>();
    for (const e of ecosystems) for (const r of this.records(e, name)) if (!byId.has(r.id)) byId.set(r.id, r);
    return { records: [...byId.values()], keys };
  }

  affecting(pkg: PackageRef): VulnerabilityMatch[] {
    const key = `${pkg.ecosystem}\u0000${pkg.name}\u0000${pkg.version}`;
    let out = this.matched.get(key);
    if (!out) {
      out = this.match(pkg);
      if (this.matched.size >= MAX_MATCHES) this.matched.clear();
      this.matched.set(key, out);
    }
    return out;
  }

  private match(pkg: PackageRef): VulnerabilityMatch[] {
    const { records, keys } = this.applicable(pkg.ecosystem, pkg.name);
    const out: VulnerabilityMatch[] = [];
    for (const rec of records) {
      let hit = false;
      const fixed = new Set<string>();
      for (const a of rec.affected) {
        if (!keys.has(packageKey(a.ecosystem, a.name))) continue;
        const r = affectedBy(a, pkg.version);
        if (!r.affected) continue;
        hit = true;
        for (const f of r.fixed) fixed.add(f);
      }
      if (hit) out.push(toMatch(rec, [...fixed]));
    }
    return out;
  }

  knownMalicious(ecosystem: string, name: string): VulnerabilityMatch[] {
    return this.applicable(ecosystem, name)
      .records.filter((r) => r.malicious)
      .map((r) => toMatch(r, []));
  }
}

function toMatch(rec: StoredRecord, fixed: string[]): VulnerabilityMatch {
  const m: VulnerabilityMatch = {
    id: rec.id,
    aliases: rec.aliases,
    summary: rec.summary,
    severity: rec.severity,
    fixed,
    references: rec.references,
    malicious: rec.malicious,
  };
  if (rec.cvss) m.cvss = rec.cvss;
  return m;
}
