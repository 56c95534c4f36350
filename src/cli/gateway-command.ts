import { unwatchFile, watchFile } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ScanSetupError } from '../scan.js';

interface GatewayIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd?: string;
}

interface RunFlags {
  config?: string;
  listen?: string;
  logLevel: string;
  reloadCheck: number;
}

interface CreateFlags {
  config?: string;
  models: string;
  team?: string;
  requestsPerMinute?: number;
  requestsPerDay?: number;
  tokensPerMinute?: number;
  tokensPerDay?: number;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function configPath(flags: { config?: string }, io: GatewayIO): string {
  if (!flags.config) throw new ScanSetupError('the gateway needs --config FILE (see docs/gateway.md)');
  return resolve(io.cwd ?? process.cwd(), flags.config);
}

/** Configuration errors are the user's to fix: one clear message, exit 2, no stack. */
async function configErrors<T>(work: () => T | Promise<T>): Promise<T> {
  const { GatewayConfigError } = await import('../gateway/config.js');
  try {
    return await work();
  } catch (e) {
    if (e instanceof GatewayConfigError) throw new ScanSetupError(e.message);
    throw e;
  }
}

/**
 * `sanctum gateway --config FILE`: the OpenAI-compatible LLM gateway, until SIGTERM or SIGINT; the
 * configuration (and its keys file) is reloaded when it changes or on SIGHUP. `sanctum gateway keys
 * create|list|revoke`: its virtual keys.
 */
export function addGatewayCommand(program: Command, io: GatewayIO, signals: NodeJS.EventEmitter = process): void {
  const gateway = program
    .command('gateway')
    .description('serve the OpenAI-compatible LLM gateway: keys, model allow-lists, budgets, guardrails, audit')
    .option('--config <file>', 'gateway configuration (YAML; see docs/gateway.md)')
    .option('--listen <host:port>', 'address to listen on (default: listen of the configuration)')
    .option('--log-level <level>', `operational log level on stderr (${LOG_LEVELS.join(', ')})`, 'info')
    .option('--reload-check <ms>', 'how often the configuration and keys files are checked for changes', positiveInteger, 2000)
    .action(async (flags: RunFlags) => {
      if (!LOG_LEVELS.includes(flags.logLevel))
        throw new ScanSetupError(`unknown log level '${flags.logLevel}' (known: ${LOG_LEVELS.join(', ')})`);
      const path = configPath(flags, io);
      // Loaded on use: the server libraries stay out of every other command's start-up.
      const [{ pino }, { loadGatewayConfig }, { startGateway }] = await Promise.all([
        import('pino'),
        import('../gateway/config.js'),
        import('../gateway/server.js'),
      ]);
      let config = await configErrors(() => loadGatewayConfig(path));
      const logger = pino({ level: flags.logLevel, base: { name: 'sanctum-gateway' } }, io.stderr);
      let host: string | undefined;
      let port: number | undefined;
      if (flags.listen) {
        const m = /^(.*):(\d{1,5})$/.exec(flags.listen);
        if (!m || Number(m[2]) > 65535) throw new ScanSetupError(`--listen must be host:port (got '${flags.listen}')`);
        host = m[1].replace(/^\[(.*)\]$/, '$1');
        port = Number(m[2]);
      }
      const server = await configErrors(() => startGateway({ config, logger, host, port })).catch((e: Error) => {
        throw new ScanSetupError(e.message);
      });
      logger.info(
        { url: server.url, upstreams: config.upstreams.map((u) => u.name), keys: config.keys.length },
        'sanctum gateway listening',
      );

      const reload = (why: string): void => {
        try {
          config = loadGatewayConfig(path);
          server.reload(config);
          logger.info({ why }, 'configuration reloaded');
        } catch (e) {
          logger.error({ why, error: (e as Error).message }, 'configuration not reloaded: the previous one stays in force');
        }
      };
      const watched = [path, ...(config.keysFile ? [resolve(path, '..', config.keysFile)] : [])];
      const onChange = (cur: { mtimeMs: number }, prev: { mtimeMs: number }): void => {
        if (cur.mtimeMs !== prev.mtimeMs) reload('file changed');
      };
      for (const file of watched) watchFile(file, { interval: flags.reloadCheck, persistent: false }, onChange);
      await new Promise<void>((done) => {
        const onHup = (): void => reload('SIGHUP');
        const stop = (signal: string): void => {
          signals.off('SIGTERM', onTerm);
          signals.off('SIGINT', onInt);
          signals.off('SIGHUP', onHup);
          for (const file of watched) unwatchFile(file, onChange);
          logger.info({ signal }, 'shutting down');
          void server.close().then(done, done);
        };
        const onTerm = (): void => stop('SIGTERM');
        const onInt = (): void => stop('SIGINT');
        signals.on('SIGTERM', onTerm);
        signals.on('SIGINT', onInt);
        signals.on('SIGHUP', onHup);
      });
    });

  // `--config` is the gateway command's: `sanctum gateway keys create NAME --config FILE` reads it from there.
  const keys = gateway
    .command('keys')
    .description('virtual keys of the gateway (stored as SHA-256 hashes; a key is shown once, when created)');

  keys
    .command('create')
    .description('create a key, write its hash to the keys file (or the configuration), and print the key once')
    .argument('<name>', 'what the key is for, e.g. support-bot')
    .requiredOption('--models <list>', 'models the key may use, comma-separated (* for all)')
    .option('--team <name>', 'team whose budgets the key also counts against')
    .option('--requests-per-minute <n>', 'request budget per UTC minute', positiveInteger)
    .option('--requests-per-day <n>', 'request budget per UTC day', positiveInteger)
    .option('--tokens-per-minute <n>', 'token budget per UTC minute', positiveInteger)
    .option('--tokens-per-day <n>', 'token budget per UTC day', positiveInteger)
    .action(async (name: string, _flags: CreateFlags, cmd: Command) => {
      const flags = cmd.optsWithGlobals<CreateFlags>();
      const path = configPath(flags, io);
      const { createKey } = await import('../gateway/key-admin.js');
      const models = flags.models
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean);
      const { key, file } = await configErrors(() =>
        createKey(path, {
          name,
          models,
          team: flags.team,
          requestsPerMinute: flags.requestsPerMinute,
          requestsPerDay: flags.requestsPerDay,
          tokensPerMinute: flags.tokensPerMinute,
          tokensPerDay: flags.tokensPerDay,
        }),
      );
      io.stdout.write(`${key}\n`);
      io.stderr.write(`sanctum: key '${name}' created in ${file}; it is not shown again (a running gateway picks it up when it reloads)\n`);
    });

  keys
    .command('list')
    .description('list keys: names, models, budgets, state (never the keys)')
    .option('-f, --format <format>', 'table or json', 'table')
    .action(async (_flags: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ config?: string; format: string }>();
      if (flags.format !== 'table' && flags.format !== 'json') throw new ScanSetupError(`unknown format '${flags.format}' (table or json)`);
      const path = configPath(flags, io);
      const { listKeys } = await import('../gateway/key-admin.js');
      const list = await configErrors(() => listKeys(path));
      if (flags.format === 'json') {
        io.stdout.write(JSON.stringify(list, null, 2) + '\n');
        return;
      }
      const rows = [
        ['NAME', 'TEAM', 'MODELS', 'BUDGETS', 'AUTH', 'CREATED', 'STATE'],
        ...list.map((k) => [
          k.name,
          k.team ?? '-',
          k.models.join(','),
          Object.entries(k.budgets)
            .map(
              ([l, v]) =>
                `${v} ${l.replace(/Per/, '/').replace('requests', 'req').replace('tokens', 'tok').replace('Minute', 'min').replace('Day', 'day')}`,
            )
            .join(', ') || '-',
          k.auth,
          k.createdAt?.slice(0, 10) ?? '-',
          k.revoked ? `revoked ${k.revokedAt?.slice(0, 10) ?? ''}`.trim() : 'active',
        ]),
      ];
      const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
      io.stdout.write(
        rows
          .map((r) =>
            r
              .map((c, i) => c.padEnd(widths[i]))
              .join('  ')
              .trimEnd(),
          )
          .join('\n') + '\n',
      );
    });

  keys
    .command('revoke')
    .description('revoke a key (kept in the file, marked revoked; the gateway answers 401 once it reloads)')
    .argument('<name>', 'name of the key')
    .action(async (name: string, _flags: unknown, cmd: Command) => {
      const path = configPath(cmd.optsWithGlobals<{ config?: string }>(), io);
      const { revokeKey } = await import('../gateway/key-admin.js');
      const { file, alreadyRevoked } = await configErrors(() => revokeKey(path, name));
      io.stderr.write(alreadyRevoked ? `sanctum: key '${name}' was already revoked\n` : `sanctum: key '${name}' revoked in ${file}\n`);
    });
}
