import type { Command } from 'commander';
import { Option } from 'commander';
import { ScanSetupError } from '../scan.js';

interface ServeIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The store `serve` and `token` use without --db: $SANCTUM_DB, else a SQLite file in the current directory. */
export const defaultDb = (): string => process.env.SANCTUM_DB || 'sqlite:sanctum.db';

const dbOption = () =>
  new Option('--db <url>', 'results store: sqlite:FILE or postgres://USER@HOST/DB (default: $SANCTUM_DB, else sqlite:sanctum.db)');

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ScanSetupError(`--port must be 0-65535 (got '${v}')`);
  return n;
}

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM from Kubernetes). */
const untilStopped = () =>
  new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });

/** `sanctum serve`: the results store's HTTP API and dashboard; `sanctum token`: its API tokens. */
export function addServeCommand(program: Command, io: ServeIO): void {
  program
    .command('serve')
    .description('store scan results and serve the dashboard and its HTTP API (POST /api/v1/runs to upload)')
    .addOption(dbOption())
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on', port, 8080)
    .option('--no-auth', 'serve the API without tokens (only on a loopback address)')
    .option('--body-limit <MiB>', 'largest upload accepted, in MiB', (v) => Number(v), 64)
    .action(async (flags: { db?: string; host: string; port: number; auth: boolean; bodyLimit: number }) => {
      if (!Number.isFinite(flags.bodyLimit) || flags.bodyLimit <= 0)
        throw new ScanSetupError('--body-limit must be a positive number of MiB');
      const { startDashboard } = await import('../server/dashboard/start.js');
      let server;
      try {
        server = await startDashboard({
          db: flags.db ?? defaultDb(),
          host: flags.host,
          port: flags.port,
          noAuth: !flags.auth,
          bodyLimit: Math.round(flags.bodyLimit * 1024 * 1024),
        });
      } catch (e) {
        throw new ScanSetupError((e as Error).message);
      }
      io.stderr.write(`sanctum: serving the dashboard on ${server.url}${flags.auth ? '' : ' (no authentication)'}\n`);
      if (flags.auth) io.stderr.write('sanctum: the API needs a token: create one with `sanctum token create NAME --scope write|read`\n');
      await untilStopped();
      await server.close();
    });

  const token = program.command('token').description('API tokens of the results store (stored hashed; shown once when created)');
  const withStore = async <T>(db: string | undefined, fn: (store: import('../store/store.js').Store) => Promise<T>): Promise<T> => {
    const { Store } = await import('../store/store.js');
    let store;
    try {
      store = await Store.open(db ?? defaultDb());
    } catch (e) {
      throw new ScanSetupError((e as Error).message);
    }
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  };
  token
    .command('create')
    .description('create a token and print it (once)')
    .argument('<name>', 'what the token is for, e.g. ci or dashboard')
    .addOption(new Option('--scope <scope>', 'write (upload and read) or read').choices(['read', 'write']).default('read'))
    .addOption(dbOption())
    .action(async (name: string, flags: { scope: 'read' | 'write'; db?: string }) => {
      const { createToken } = await import('../store/tokens.js');
      const { token: value } = await withStore(flags.db, (s) => createToken(s, name, flags.scope));
      io.stdout.write(value + '\n');
      io.stderr.write(`sanctum: ${flags.scope} token '${name}' created; it is not shown again\n`);
    });
  token
    .command('list')
    .description('list tokens (names, scopes, prefixes; never the tokens)')
    .addOption(dbOption())
    .action(async (flags: { db?: string }) => {
      const { listTokens } = await import('../store/tokens.js');
      const list = await withStore(flags.db, listTokens);
      for (const t of list)
        io.stdout.write(
          `${t.id}\t${t.name}\t${t.scope}\t${t.prefix}…\tcreated ${t.createdAt}\t${t.revokedAt ? `revoked ${t.revokedAt}` : `last used ${t.lastUsedAt ?? 'never'}`}\n`,
        );
    });
  token
    .command('revoke')
    .description('revoke a token by id or name')
    .argument('<token>', 'id or name')
    .addOption(dbOption())
    .action(async (which: string, flags: { db?: string }) => {
      const { revokeToken } = await import('../store/tokens.js');
      const n = await withStore(flags.db, (s) => revokeToken(s, which));
      if (n === 0) throw new ScanSetupError(`no active token '${which}'`);
      io.stderr.write(`sanctum: revoked ${n} token${n === 1 ? '' : 's'}\n`);
    });
}
