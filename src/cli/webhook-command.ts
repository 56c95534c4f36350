import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { findConfigFor, loadConfig, type SanctumConfig } from '../core/config.js';
import { ScanSetupError } from '../scan.js';
import { addUploadOptions, type UploadFlags } from './upload-options.js';

interface WebhookFlags extends UploadFlags {
  tlsCert: string;
  tlsKey: string;
  host: string;
  port: number;
  config?: string;
  logLevel: string;
  certificateCheck: number;
  shutdownDelay: number;
  policy: string[];
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_BATCH_BYTES = 8 * 1024;
const LOG_FLUSH_MS = 250;

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return n;
}

function nonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number of milliseconds, 0 or more');
  return n;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/**
 * `sanctum webhook --tls-cert FILE --tls-key FILE`: the admission webhook, until SIGTERM or SIGINT.
 * Decisions are logged as JSON lines (pino) on stdout.
 */
export function addWebhookCommand(
  program: Command,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; cwd?: string },
  signals: NodeJS.EventEmitter = process,
): void {
  addUploadOptions(program.command('webhook'), { shards: false, defaultTarget: "'admission'" })
    .description('serve the validating and mutating admission webhook (AdmissionReview v1 over TLS) with the scan rules')
    .requiredOption('--tls-cert <file>', 'PEM certificate (chain) served; reloaded when the file changes')
    .requiredOption('--tls-key <file>', 'PEM private key of the certificate; reloaded when the file changes')
    .option('--host <addr>', 'address to listen on', '0.0.0.0')
    .option('--port <n>', 'port to listen on', portNumber, 8443)
    .option('--config <file>', 'configuration: rules, ignores and the webhook section (default: .sanctum.yaml found upward)')
    .option(
      '--policy <path>',
      'custom CEL policy file or directory (repeatable; default: .sanctum/policies/)',
      (v: string, prev: string[]) => [...prev, v],
      [],
    )
    .option('--log-level <level>', `log level (${LOG_LEVELS.join(', ')})`, 'info')
    .option('--certificate-check <ms>', 'how often the certificate files are checked for changes', positiveInteger, 2000)
    .option(
      '--shutdown-delay <ms>',
      'on SIGTERM, how long /readyz answers 503 while requests are still served, before the server stops (the endpoint is removed meanwhile)',
      nonNegativeInteger,
      5000,
    )
    .action(async (flags: WebhookFlags) => {
      if (!LOG_LEVELS.includes(flags.logLevel))
        throw new ScanSetupError(`unknown log level '${flags.logLevel}' (known: ${LOG_LEVELS.join(', ')})`);
      const cwd = io.cwd ?? process.cwd();
      // Loaded on use: the server and CEL libraries stay out of every other command's start-up.
      const [{ pino }, { AdmissionEvaluator }, { startWebhookServer }, { loadPolicies, DEFAULT_POLICY_DIR }] = await Promise.all([
        import('pino'),
        import('../server/webhook/admission-evaluator.js'),
        import('../server/webhook/server.js'),
        import('../policies/policy.js'),
      ]);
      let config: SanctumConfig = {};
      let policies;
      const policyWarnings: string[] = [];
      try {
        const path = flags.config ? resolve(cwd, flags.config) : findConfigFor([], cwd);
        if (path) config = loadConfig(path, cwd);
        const policyPaths = flags.policy.length
          ? flags.policy
          : [path ? join(dirname(path), DEFAULT_POLICY_DIR) : undefined, join(cwd, DEFAULT_POLICY_DIR)]
              .filter((p): p is string => !!p && existsSync(p))
              .slice(0, 1);
        policies = loadPolicies(policyPaths, cwd, (m) => policyWarnings.push(m));
      } catch (e) {
        throw new ScanSetupError((e as Error).message);
      }
      // On the process's stdout, lines are written asynchronously and in batches: a synchronous write to a
      // pipe whose reader lags (the container runtime, a log shipper) would stall every request behind it,
      // and a write per decision costs a system call each. A batch goes out at 8 KB or after 250 ms.
      const destination =
        io.stdout === process.stdout
          ? pino.destination({ dest: 1, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_MS })
          : io.stdout;
      const logger = pino({ level: flags.logLevel, base: { name: 'sanctum-webhook' } }, destination);
      for (const w of policyWarnings) logger.warn(w);
      const evaluator = new AdmissionEvaluator({ config, policies });
      const upload = await decisionUploadOf(flags, (m) => logger.warn(`store: ${m}`));
      let server;
      try {
        server = await startWebhookServer({
          tlsCert: resolve(cwd, flags.tlsCert),
          tlsKey: resolve(cwd, flags.tlsKey),
          host: flags.host,
          port: flags.port,
          evaluator,
          logger,
          certificateCheckMs: flags.certificateCheck,
          onDecision: upload && ((endpoint, req, decision) => upload.record(endpoint, req, decision)),
        });
        if (upload)
          server.metrics.trackUploads(
            () => upload.stats,
            () => upload.pending,
          );
      } catch (e) {
        throw new ScanSetupError((e as Error).message);
      }
      logger.info(
        { url: server.url, policies: policies.map((p) => p.name), ...(upload ? { store: new URL(flags.upload!).origin } : {}) },
        'sanctum webhook listening',
      );
      await new Promise<void>((done) => {
        let draining: NodeJS.Timeout | undefined;
        const close = (): void => {
          signals.off('SIGTERM', onTerm);
          signals.off('SIGINT', onInt);
          clearTimeout(draining);
          const finish = (): void => {
            if (upload) logger.info({ ...upload.stats }, 'decisions sent to the store');
            logger.flush(() => done());
          };
          // Decisions still queued go to the store before the process ends (what cannot is counted as dropped).
          void server
            .close()
            .then(() => upload?.flush(5000))
            .then(finish, finish);
        };
        // The API server goes on calling a terminating pod until its endpoint is removed, which happens
        // alongside SIGTERM, not before it: requests are served for --shutdown-delay with /readyz failing.
        // SIGINT (a terminal's Ctrl-C) and a second signal stop at once.
        const stop = (signal: string): void => {
          if (draining !== undefined || flags.shutdownDelay === 0 || signal === 'SIGINT') {
            logger.info({ signal }, 'shutting down');
            close();
            return;
          }
          logger.info({ signal, delayMs: flags.shutdownDelay }, 'shutting down: not ready, still serving until the delay ends');
          server.unready();
          draining = setTimeout(() => {
            logger.info('shutting down');
            close();
          }, flags.shutdownDelay);
        };
        const onTerm = (): void => stop('SIGTERM');
        const onInt = (): void => stop('SIGINT');
        signals.on('SIGTERM', onTerm);
        signals.on('SIGINT', onInt);
      });
    });
}

/** `--upload`: where the decisions go (a target of kind `admission` in `sanctum serve`), or undefined. */
async function decisionUploadOf(flags: WebhookFlags, onError: (message: string) => void) {
  if (!flags.upload) return undefined;
  const [{ DecisionUpload }, { UploadError }] = await Promise.all([
    import('../server/webhook/decision-upload.js'),
    import('../store/upload.js'),
  ]);
  try {
    return new DecisionUpload({
      url: flags.upload,
      token: flags.token ?? process.env.SANCTUM_TOKEN,
      target: flags.uploadTarget ?? 'admission',
      onError,
    });
  } catch (e) {
    if (e instanceof UploadError) throw new ScanSetupError(e.message);
    throw e;
  }
}
