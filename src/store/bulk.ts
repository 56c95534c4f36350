import type { InsertQueryBuilder, SelectQueryBuilder, Transaction } from 'kysely';
import type { StoreSchema } from './schema.js';
import type { Store } from './store.js';

/** Rows per multi-row statement: well under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters. */
export const BATCH = 500;

export function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Row = Record<string, unknown>;

/** Bound parameters per multi-row statement on PostgreSQL. */
const PARAMETERS = 10_000;

/**
 * Writes many rows of one shape inside the open transaction `trx`. `build` makes the insert for some
 * rows (with its conflict clause); it is the one definition of the statement on both engines.
 *
 * SQLite: the statement is compiled by Kysely once, for one row, prepared once, and run for every row
 * (better-sqlite3 runs it synchronously on the transaction's connection): no SQL is built or parsed
 * per row or per chunk. PostgreSQL: multi-row inserts of up to 10,000 parameters, one round trip each.
 *
 * With `returning`, gives back each inserted row's `id` with the named columns of the row (rows that a
 * conflict clause skipped are not in the answer).
 */
export async function insertRows<R extends Row, K extends keyof R & string = never>(
  store: Store,
  trx: Transaction<StoreSchema>,
  rows: readonly R[],
  build: (trx: Transaction<StoreSchema>, values: R | R[]) => InsertQueryBuilder<StoreSchema, any, any>,
  returning: readonly K[] = [],
): Promise<Array<Pick<R, K> & { id: number }>> {
  return insertMapped(store, trx, rows, (r) => r, build, returning);
}

/**
 * `insertRows` of `toRow(item)` for each item: on SQLite each row is made just before it is written
 * and dropped after, so a large upload never holds a second copy of itself as rows.
 */
export async function insertMapped<T, R extends Row, K extends keyof R & string = never>(
  store: Store,
  trx: Transaction<StoreSchema>,
  items: readonly T[],
  toRow: (item: T) => R,
  build: (trx: Transaction<StoreSchema>, values: R | R[]) => InsertQueryBuilder<StoreSchema, any, any>,
  returning: readonly K[] = [],
): Promise<Array<Pick<R, K> & { id: number }>> {
  const out: Array<Pick<R, K> & { id: number }> = [];
  if (items.length === 0) return out;
  const first = toRow(items[0]);
  const columns = Object.keys(first);
  if (store.sqlite) {
    const compiled = build(trx, first).compile();
    const firstValues = columns.map((c) => first[c]);
    if (compiled.parameters.length !== firstValues.length || compiled.parameters.some((p, i) => p !== firstValues[i]))
      throw new Error(`insertRows: the statement's parameters are not the row's columns in order (${compiled.sql})`);
    const stmt = store.sqlite.prepare(compiled.sql);
    const values: unknown[] = new Array(columns.length);
    for (let n = 0; n < items.length; n++) {
      const row = n === 0 ? first : toRow(items[n]);
      for (let i = 0; i < columns.length; i++) values[i] = row[columns[i]];
      const r = stmt.run(values);
      if (returning.length && r.changes > 0) {
        const picked: Row = { id: Number(r.lastInsertRowid) };
        for (const k of returning) picked[k] = row[k];
        out.push(picked as Pick<R, K> & { id: number });
      }
    }
    return out;
  }
  for (const part of chunks(items, Math.max(1, Math.floor(PARAMETERS / columns.length)))) {
    const q = build(trx, part.map(toRow));
    if (returning.length) out.push(...((await q.returning(['id', ...returning] as any).execute()) as Array<Pick<R, K> & { id: number }>));
    else await q.execute();
  }
  return out;
}

/**
 * Reads the rows whose key is one of `keys` inside the open transaction `trx`. `build` makes the
 * select for some keys (a `where … in keys`). SQLite: compiled once for one key and run per key as a
 * prepared statement (an index lookup each); PostgreSQL: `BATCH` keys per query.
 */
export async function selectByKeys<K extends string | number, O>(
  store: Store,
  trx: Transaction<StoreSchema>,
  keys: readonly K[],
  build: (trx: Transaction<StoreSchema>, keys: K[]) => SelectQueryBuilder<StoreSchema, any, O>,
): Promise<O[]> {
  const out: O[] = [];
  if (keys.length === 0) return out;
  if (store.sqlite) {
    const compiled = build(trx, [keys[0]]).compile();
    const at = compiled.parameters.indexOf(keys[0]);
    if (at < 0 || compiled.parameters.indexOf(keys[0], at + 1) >= 0)
      throw new Error(`selectByKeys: the key is not one parameter of the statement (${compiled.sql})`);
    const stmt = store.sqlite.prepare(compiled.sql);
    const params = [...compiled.parameters];
    for (const key of keys) {
      params[at] = key;
      for (const row of stmt.all(params)) out.push(row as O);
    }
    return out;
  }
  for (const part of chunks(keys)) out.push(...(await build(trx, part).execute()));
  return out;
}
