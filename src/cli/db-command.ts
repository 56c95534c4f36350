import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { Option } from 'commander';
import { shownPath } from '../core/system-error.js';
import { ScanSetupError } from '../scan.js';
import type { DatabaseMeta } from '../vulndb/database.js';
import type { ImportOptions, ImportResult } from '../vulndb/import.js';
import { collect } from './list-flag.js';

/** Where OSV publishes one zip of all records per ecosystem. */
export const OSV_BUCKET = 'https://osv-vulnerabilities.storage.googleapis.com';
export const DEFAULT_ECOSYSTEMS = ['PyPI', 'npm', 'Go', 'crates.io'];
const MAX_DOWNLOAD = 4 * 2 ** 30;
const IDLE_TIMEOUT_MS = 60_000;
const SHOWN_PROBLEMS = 20;

interface DbIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd?: string;
}

// The vulndb modules (version schemes, CVSS calculator) load only when a db command runs, not at every start.
const database = () => import('../vulndb/database.js');

async function databaseDir(): Promise<string> {
  return (await database()).defaultDatabaseDir(process.env);
}

/** `sanctum db import|update|status`: the offline vulnerability database. */
export function addDbCommand(program: Command, io: DbIO): void {
  const db = program.command('db').description('the offline vulnerability database (OSV records) used by the deps scanner');

  db.command('import')
    .description("import OSV records: JSON files, directories of them, or an ecosystem's all.zip")
    .argument('<paths...>', 'files, directories or zip archives')
    .action(async (paths: string[]) => {
      const cwd = io.cwd ?? process.cwd();
      const dir = await databaseDir();
      const result = await runImport(
        dir,
        paths.map((p) => resolve(cwd, p)),
        { sourceLabels: paths },
      );
      report(result, dir, io, paths);
    });

  db.command('update')
    .description('download the OSV all.zip of each ecosystem and import it (the only command that uses the network)')
    .addOption(
      new Option('--ecosystem <name>', `OSV ecosystem, repeatable (default: ${DEFAULT_ECOSYSTEMS.join(', ')})`)
        .argParser(collect)
        .default([]),
    )
    .option(
      '--mirror <url>',
      'base URL that serves <ecosystem>/all.zip like the OSV bucket (default: $SANCTUM_OSV_MIRROR, else the OSV bucket)',
    )
    .action(async (flags: { ecosystem: string[]; mirror?: string }) => {
      const ecosystems = flags.ecosystem.length ? [...new Set(flags.ecosystem)] : DEFAULT_ECOSYSTEMS;
      const base = (flags.mirror ?? process.env.SANCTUM_OSV_MIRROR ?? OSV_BUCKET).replace(/\/+$/, '');
      const dir = await databaseDir();
      const downloads = join(dir + '.downloads');
      mkdirSync(downloads, { recursive: true });
      try {
        const files: string[] = [];
        const urls: string[] = [];
        for (const eco of ecosystems) {
          const url = `${base}/${encodeURIComponent(eco)}/all.zip`;
          const file = join(downloads, `${eco.replace(/[^A-Za-z0-9._-]/g, '_')}-all.zip`);
          io.stderr.write(`downloading ${url}\n`);
          await download(url, file);
          files.push(file);
          urls.push(url);
        }
        report(await runImport(dir, files, { replaceEcosystems: ecosystems, sourceLabels: urls }), dir, io, urls);
      } finally {
        rmSync(downloads, { recursive: true, force: true });
      }
    });

  db.command('status')
    .description('show the ecosystems loaded, their record counts, and how old they are')
    .option('-f, --format <format>', 'table or json', 'table')
    .action(async (flags: { format: string }) => {
      if (flags.format !== 'table' && flags.format !== 'json')
        throw new ScanSetupError(`unknown format '${flags.format}' for db status (table or json)`);
      const { readMeta, DatabaseError } = await database();
      const dir = await databaseDir();
      let meta: DatabaseMeta | undefined;
      try {
        meta = readMeta(dir);
      } catch (e) {
        throw e instanceof DatabaseError ? new ScanSetupError(e.message) : e;
      }
      io.stdout.write(flags.format === 'json' ? statusJson(dir, meta) : statusTable(dir, meta));
    });
}

async function runImport(dir: string, inputs: string[], options: ImportOptions): Promise<ImportResult> {
  const { importOsv, ImportError } = await import('../vulndb/import.js');
  const { DatabaseError } = await database();
  try {
    return importOsv(dir, inputs, options);
  } catch (e) {
    if (e instanceof ImportError || e instanceof DatabaseError) throw new ScanSetupError(e.message);
    throw e;
  }
}

/** Prints the outcome of an import of `sources` (as the user named them); an import that read no record at all is a setup error. */
function report(result: ImportResult, dir: string, io: DbIO, sources: readonly string[]): void {
  for (const p of result.problems.slice(0, SHOWN_PROBLEMS))
    io.stderr.write(`warning: ${shownPath(p.path, io.cwd ?? process.cwd())}: ${p.message}\n`);
  if (result.problems.length > SHOWN_PROBLEMS) io.stderr.write(`warning: … and ${result.problems.length - SHOWN_PROBLEMS} more problems\n`);
  if (!result.changed && result.problems.length > 0)
    throw new ScanSetupError('no OSV record could be imported; the database was not changed');
  if (!result.changed)
    throw new ScanSetupError(
      `no OSV record found in ${sources.join(', ')} (records are read from .json files and .zip archives); the database was not changed`,
    );
  const per = Object.entries(result.ecosystems)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([e, n]) => `${e} ${n.toLocaleString('en')}`)
    .join(', ');
  io.stdout.write(
    `imported ${records(result.imported)}${per ? ` (${per})` : ''}` +
      (result.skipped ? `, skipped ${result.skipped.toLocaleString('en')} withdrawn or without packages` : '') +
      `; the database in ${dir} holds ${records(result.total)}\n`,
  );
}

/** `1 record`, `2,000 records`. */
const records = (n: number): string => `${n.toLocaleString('en')} record${n === 1 ? '' : 's'}`;

function ago(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const ms = now - Date.parse(iso);
  if (!Number.isFinite(ms)) return '—';
  const hours = ms / 3_600_000;
  if (hours < 1) return 'less than an hour ago';
  if (hours < 48) return `${Math.floor(hours)} hour${Math.floor(hours) === 1 ? '' : 's'} ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

const day = (iso: string | undefined): string => (iso ? iso.slice(0, 10) : '—');

function statusTable(dir: string, meta: DatabaseMeta | undefined): string {
  if (!meta)
    return `No vulnerability database in ${dir}.\nRun \`sanctum db update\` (downloads from OSV) or \`sanctum db import all.zip\`.\n`;
  const rows = Object.entries(meta.ecosystems).map(([name, e]) => [
    name,
    e.records.toLocaleString('en'),
    `${day(e.importedAt)} (${ago(e.importedAt)})`,
    day(e.newestModified),
    e.sources.join(', '),
  ]);
  const header = ['ECOSYSTEM', 'RECORDS', 'IMPORTED', 'NEWEST RECORD', 'SOURCE'];
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(w[i]))).join('  ');
  return (
    `Vulnerability database: ${dir}\n${records(meta.records)}, updated ${meta.updatedAt.slice(0, 16).replace('T', ' ')} UTC (${ago(meta.updatedAt)})\n\n` +
    [line(header), ...rows.map(line)].join('\n') +
    '\n'
  );
}

function statusJson(dir: string, meta: DatabaseMeta | undefined): string {
  if (!meta) return JSON.stringify({ path: dir, present: false }, null, 2) + '\n';
  const ageDays = Math.floor((Date.now() - Date.parse(meta.updatedAt)) / 86_400_000);
  return (
    JSON.stringify(
      { path: dir, present: true, records: meta.records, updatedAt: meta.updatedAt, ageDays, ecosystems: meta.ecosystems },
      null,
      2,
    ) + '\n'
  );
}

/** Downloads `url` to `file` (through a `.part` file), or throws a `ScanSetupError` that says why. */
async function download(url: string, file: string): Promise<void> {
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), IDLE_TIMEOUT_MS);
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), IDLE_TIMEOUT_MS);
  };
  const part = file + '.part';
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (e) {
      throw new ScanSetupError(
        `cannot download ${url}: ${networkReason(e)}. No network? Download the file elsewhere and run \`sanctum db import all.zip\`; the database was not changed`,
      );
    }
    if (res.status !== 200 || !res.body)
      throw new ScanSetupError(
        `cannot download ${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}; the database was not changed`,
      );
    const declared = Number(res.headers.get('content-length') ?? 0);
    if (declared > MAX_DOWNLOAD) throw new ScanSetupError(`${url} is ${declared} bytes, over the ${MAX_DOWNLOAD}-byte download limit`);
    let got = 0;
    const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      got += chunk.length;
      poke();
      if (got > MAX_DOWNLOAD) body.destroy(new ScanSetupError(`${url} is over the ${MAX_DOWNLOAD}-byte download limit`));
    });
    try {
      await pipeline(body, createWriteStream(part));
    } catch (e) {
      if (e instanceof ScanSetupError) throw e;
      throw new ScanSetupError(`download of ${url} broke off: ${networkReason(e)}; the database was not changed`);
    }
    renameSync(part, file);
  } finally {
    clearTimeout(timer);
    rmSync(part, { force: true });
  }
}

const NETWORK_CODES: Record<string, string> = {
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENETUNREACH: 'network unreachable',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
};

function networkReason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'AbortError') return `no data for ${IDLE_TIMEOUT_MS / 1000} s`;
  const code = err?.cause?.code;
  if (code) return NETWORK_CODES[code] ? `${NETWORK_CODES[code]} (${code})` : code;
  return err?.cause?.message ?? err?.message ?? String(e);
}
