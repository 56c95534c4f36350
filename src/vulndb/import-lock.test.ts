import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseError, readMeta, VulnerabilityDatabase } from './database.js';
import { importOsv } from './import.js';

let work: string;
let dbDir: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'sanctum-lock-'));
  dbDir = join(work, 'cache', 'db');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function record(id: string, name: string): string {
  const path = join(work, `${id}.json`);
  writeFileSync(
    path,
    JSON.stringify({
      id,
      modified: '2024-01-01T00:00:00Z',
      affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '9' }] }] }],
    }),
  );
  return path;
}

function ids(dir: string): string[] {
  const db = VulnerabilityDatabase.open(dir)!;
  try {
    return ['a', 'b', 'c'].flatMap((name) => db.affecting({ ecosystem: 'PyPI', name, version: '1' }).map((m) => m.id));
  } finally {
    db.close();
  }
}

describe('concurrent imports', () => {
  it('wait for the import that holds the lock, then build on the database it swapped in', async () => {
    importOsv(dbDir, [record('PYSEC-A', 'a')]);
    // What another process's import of `b` produces, swapped in while it holds the lock.
    const theirs = join(work, 'theirs');
    importOsv(theirs, [record('PYSEC-A', 'a'), record('PYSEC-B', 'b')]);
    const other = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('fs');
         const [lock, db, theirs] = process.argv.slice(1);
         fs.writeFileSync(lock, process.pid + '\\n', { flag: 'wx' });
         process.stdout.write('locked\\n');
         setTimeout(() => { fs.renameSync(db, db + '.gone'); fs.renameSync(theirs, db); fs.rmSync(lock); }, 700);`,
        `${dbDir}.lock`,
        dbDir,
        theirs,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((done) => other.stdout.once('data', () => done()));
    const exited = new Promise((done) => other.once('exit', done));
    // Blocks until the other process releases the lock.
    const r = importOsv(dbDir, [record('PYSEC-C', 'c')]);
    await exited;
    expect(r.total).toBe(3);
    expect(ids(dbDir)).toEqual(['PYSEC-A', 'PYSEC-B', 'PYSEC-C']);
    expect(existsSync(`${dbDir}.lock`)).toBe(false);
  });

  it('gives up with a clear error while another import runs, and leaves the database as it was', () => {
    importOsv(dbDir, [record('PYSEC-A', 'a')]);
    writeFileSync(`${dbDir}.lock`, `${process.pid}\n`);
    expect(() => importOsv(dbDir, [record('PYSEC-B', 'b')], { lockWaitMs: 300 })).toThrow(DatabaseError);
    expect(() => importOsv(dbDir, [record('PYSEC-B', 'b')], { lockWaitMs: 0 })).toThrow(
      new RegExp(`^another import \\(process ${process.pid}\\) is updating the vulnerability database`),
    );
    expect(readMeta(dbDir)?.records).toBe(1);
    expect(existsSync(`${dbDir}.lock`)).toBe(true);
  });

  it('takes over the lock of an import that died', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    importOsv(dbDir, [record('PYSEC-A', 'a')]);
    writeFileSync(`${dbDir}.lock`, `${dead}\n`);
    const r = importOsv(dbDir, [record('PYSEC-B', 'b')], { lockWaitMs: 0 });
    expect(r.total).toBe(2);
    expect(existsSync(`${dbDir}.lock`)).toBe(false);
  });
});
