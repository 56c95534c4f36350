import { createHash, randomBytes } from 'node:crypto';
import type { TokenScope } from './schema.js';
import type { Store } from './store.js';

/** Tokens start with this, so that secret scanners (Sanctum's own included) can recognise a leaked one. */
export const TOKEN_PREFIX = 'sanctum_';

export interface TokenInfo {
  id: number;
  name: string;
  /** The first characters of the token, enough to tell tokens apart, never enough to use one. */
  prefix: string;
  scope: TokenScope;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Tokens are 256 random bits, so a plain SHA-256 is a safe one-way digest (no salt or slow hash needed). */
export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Creates a token and returns it: the only time it exists in clear; the store keeps its hash. */
export async function createToken(store: Store, name: string, scope: TokenScope): Promise<{ token: string; info: TokenInfo }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const createdAt = new Date().toISOString();
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const row = await store.db
    .insertInto('tokens')
    .values({ name, token_hash: hashToken(token), prefix, scope, created_at: createdAt, last_used_at: null, revoked_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { token, info: { id: row.id, name, prefix, scope, createdAt, lastUsedAt: null, revokedAt: null } };
}

/** The scope of a valid, unrevoked token, or undefined. */
export async function verifyToken(store: Store, token: string): Promise<{ id: number; scope: TokenScope } | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const row = await store.db
    .selectFrom('tokens')
    .select(['id', 'scope', 'last_used_at'])
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = new Date();
  // Last use is recorded at most once a minute per token: reads stay reads.
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > 60_000)
    await store.db.updateTable('tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
  return { id: row.id, scope: row.scope as TokenScope };
}

export async function listTokens(store: Store): Promise<TokenInfo[]> {
  const rows = await store.db.selectFrom('tokens').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scope: r.scope as TokenScope,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

/** Revokes a token by id or name; returns how many were revoked. */
export async function revokeToken(store: Store, idOrName: string): Promise<number> {
  const id = /^\d+$/.test(idOrName) ? Number(idOrName) : -1;
  const r = await store.db
    .updateTable('tokens')
    .set({ revoked_at: new Date().toISOString() })
    .where((eb) => eb.or([eb('id', '=', id), eb('name', '=', idOrName)]))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
