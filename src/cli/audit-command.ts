import { closeSync, createReadStream, fstatSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { parseFailOn, FAIL_ON_LEVELS } from '../core/config.js';
import { makeParentDirs } from '../core/parent-dirs.js';
import { describeSystemError } from '../core/system-error.js';
import { severityRank, type Finding, type ScanResult } from '../core/types.js';
import { jsonReporter } from '../reporters/json.js';
import { ScanSetupError, sortFindings } from '../scan.js';
import type { AuditWebhookReceiver } from '../sources/events/audit-webhook.js';
import { VERSION } from '../version.js';
import { outputFile, outputStream } from './output-file.js';
import { addUploadOptions, alertUploadOf, checkUploadFlags, type UploadFlags } from './upload-options.js';

interface AuditFlags extends UploadFlags {
  format: string;
  output?: string;
  follow?: boolean;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  maxQueue: string;
  falco: string[];
  tetragon: string[];
  context: string[];
  baselines?: string;
  baselinesEvery: string;
  learn?: boolean;
  warmup: string;
  maxIdentities: string;
  webhook?: string;
  webhookFormat: string;
  rule: string[];
  skipRule: string[];
  config?: string;
  failOn?: string;
  color: boolean;
  showSuppressed?: boolean;
}

interface AuditIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin?: NodeJS.ReadableStream;
  cwd?: string;
  /** Aborts following and listening (the CLI wires SIGINT and SIGTERM to it). */
  signal?: AbortSignal;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Output formats of `sanctum audit` (kept here so that the command's help costs no module loading). */
const EVENT_FORMATS = ['table', 'jsonl', 'falco', 'json'] as const;
type EventFormat = (typeof EVENT_FORMATS)[number];

/** `90s`, `15m`, `1h`, `2d` → ms. */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(s.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

function parseListen(addr: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(addr) ?? /^()()(\d+)$/.exec(addr);
  if (!m) throw new ScanSetupError(`--listen wants HOST:PORT or PORT (got '${addr}')`);
  return { host: m[1] || m[2] || '0.0.0.0', port: Number(m[3]) };
}

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new ScanSetupError(`${name} wants a positive whole number (got '${v}')`);
  return n;
}

/** `sanctum audit FILE|-`: runtime detections over audit, Falco and Tetragon events. */
export function addAuditCommand(program: Command, io: AuditIO, setExit: (code: number) => void): void {
  addUploadOptions(program.command('audit'), { shards: false, defaultTarget: "'runtime'" })
    .description(
      'detect attacks and anomalies in Kubernetes audit events (file, stdin, or --listen as the audit webhook) and Falco/Tetragon events',
    )
    .argument('[file]', 'audit log: JSON lines or an EventList; - for stdin')
    .addOption(
      new Option(
        '-f, --format <format>',
        `output: ${EVENT_FORMATS.join('|')} (json: the result contract at the end; jsonl and falco: one line per detection)`,
      ).default('table'),
    )
    .option('-o, --output <file>', 'write detections to this file instead of stdout (- is stdout)')
    .option('--follow', 'keep reading the file as it grows, across rotation and truncation')
    .option('--listen <addr>', 'serve the API server audit webhook backend on HOST:PORT (EventList POSTs)')
    .option('--tls-cert <file>', 'certificate (PEM) for --listen')
    .option('--tls-key <file>', 'private key (PEM) for --listen')
    .option('--max-queue <events>', 'most webhook events waiting before POSTs are refused with 429', '200000')
    .addOption(
      new Option('--falco <file>', 'Falco JSON output (json_output: true) to read too; - for stdin (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .addOption(new Option('--tetragon <file>', 'Tetragon JSON export to read too; - for stdin (repeatable)').argParser(collect).default([]))
    .addOption(
      new Option('--context <path>', 'which workloads are AI services: a scan JSON result, an AI-BOM, or manifests (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .option('--baselines <file>', 'per-identity baselines: read at start when present, written at the end')
    .option('--baselines-every <duration>', 'with --follow or --listen, also write the baselines this often (e.g. 5m)', '5m')
    .option('--learn', 'learn baselines only (no departures reported); write them with --baselines')
    .option('--warmup <duration>', 'learning time of a new identity or workload, in event time (e.g. 30m, 1h, 1d)', '1h')
    .option('--max-identities <n>', 'most identities kept in memory (least recently seen are forgotten)', '20000')
    .addOption(
      new Option('--webhook <url>', 'also deliver detections to this URL (POST, retried, bounded queue)').env('SANCTUM_AUDIT_WEBHOOK'),
    )
    .option('--webhook-format <format>', 'json (arrays of findings) or falco (one Falco alert per POST)', 'json')
    .addOption(new Option('--rule <id>', 'only this rule (repeatable)').argParser(collect).default([]))
    .addOption(new Option('--skip-rule <id>', 'skip this rule (repeatable)').argParser(collect).default([]))
    .option('-c, --config <file>', 'configuration file (ignore entries, rule settings; default: .sanctum.yaml found upward)')
    .option('--fail-on <severity>', `exit 1 when a detection is at or above: ${FAIL_ON_LEVELS.join('|')}`, 'high')
    .option('--show-suppressed', 'show suppressed detections in the table')
    .option('--no-color', 'no colours')
    .action(async (file: string | undefined, flags: AuditFlags) => {
      setExit(await runAudit(file, flags, io));
    });
}

async function runAudit(file: string | undefined, flags: AuditFlags, io: AuditIO): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  // Before anything is opened or read: an --upload that cannot be used is one error line.
  checkUploadFlags(flags);
  const format = flags.format as EventFormat;
  if (!(EVENT_FORMATS as readonly string[]).includes(format))
    throw new ScanSetupError(`unknown format '${flags.format}' (known: ${EVENT_FORMATS.join(', ')})`);
  const failOn = parseFailOn(flags.failOn ?? 'high');
  if (!failOn) throw new ScanSetupError(`--fail-on must be one of ${FAIL_ON_LEVELS.join(', ')}`);
  const warmupMs = parseDuration(flags.warmup);
  if (warmupMs === undefined) throw new ScanSetupError(`--warmup wants a duration such as 30m or 1h (got '${flags.warmup}')`);
  const saveEveryMs = parseDuration(flags.baselinesEvery);
  if (!saveEveryMs) throw new ScanSetupError(`--baselines-every wants a duration such as 5m (got '${flags.baselinesEvery}')`);
  if (!file && !flags.listen && flags.falco.length === 0 && flags.tetragon.length === 0)
    throw new ScanSetupError('give an audit log (FILE or -), --listen, --falco or --tetragon');
  const stdinUsers = [file, ...flags.falco, ...flags.tetragon].filter((x) => x === '-').length;
  if (stdinUsers > 1) throw new ScanSetupError('only one source can read stdin (-)');
  if (flags.follow && (!file || file === '-')) throw new ScanSetupError('--follow needs an audit log file');
  const endless = Boolean(flags.follow || flags.listen);
  if (format === 'json' && endless)
    throw new ScanSetupError('--format json writes one document at the end: use jsonl or falco with --follow and --listen');
  if (flags.webhookFormat !== 'json' && flags.webhookFormat !== 'falco') throw new ScanSetupError(`--webhook-format must be json or falco`);
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey)) throw new ScanSetupError('--tls-cert and --tls-key go together');
  if (flags.tlsCert && !flags.listen) throw new ScanSetupError('--tls-cert and --tls-key are for --listen');
  const listen = flags.listen ? parseListen(flags.listen) : undefined;
  // Before anything is read or written: a certificate that cannot be used is one error line, nothing else.
  const tls = flags.tlsCert ? await keyPairOf(resolve(cwd, flags.tlsCert), resolve(cwd, flags.tlsKey!), cwd) : undefined;
  // Opened before anything is written: a log that cannot be read is one error line, without a table
  // header on stdout, an output file, or the detections of the other inputs before it.
  const inputs: Array<{ name: string; kind: 'audit' | 'falco' | 'tetragon'; fd: number | undefined }> = [];
  const input = (name: string, kind: 'audit' | 'falco' | 'tetragon'): void => {
    inputs.push({ name, kind, fd: name === '-' ? undefined : openInput(resolve(cwd, name), name) });
  };
  try {
    if (file && !flags.follow) input(file, 'audit');
    for (const f of flags.falco) input(f, 'falco');
    for (const f of flags.tetragon) input(f, 'tetragon');
  } catch (e) {
    for (const { fd } of inputs) if (fd !== undefined) closeSync(fd);
    throw e;
  }
  let signal = io.signal;
  if (!signal && endless) {
    // Ctrl-C ends following and listening cleanly: baselines are written, alerts flushed, the summary printed.
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    signal = stop.signal;
  }

  // Loaded on use: the runtime machinery stays out of every other command's start-up.
  const { formatLine, tableHeader } = await import('../reporters/event-stream.js');
  const { AuditWebhookReceiver } = await import('../sources/events/audit-webhook.js');
  const { followLines, streamLines } = await import('../sources/events/lines.js');
  const { AuditSession } = await import('../runtime/session.js');
  const { WorkloadIndex } = await import('../runtime/workloads.js');
  const { loadContext } = await import('../runtime/context.js');
  const { WebhookDelivery } = await import('../runtime/delivery.js');

  const outFile = outputFile(flags.output);
  const out = outFile ? outputStream(resolve(cwd, outFile), outFile, (m) => io.stderr.write(`sanctum: ${m}\n`)) : io.stdout;
  const color = !outFile && flags.color && 'NO_COLOR' in process.env === false && Boolean(io.stdout.isTTY);
  const threshold = failOn === 'none' ? Infinity : severityRank(failOn);
  let failing = false;
  const kept: Finding[] = [];
  const delivery = flags.webhook
    ? new WebhookDelivery({
        url: flags.webhook,
        format: flags.webhookFormat as 'json' | 'falco',
        onError: (m) => io.stderr.write(`sanctum: ${m}\n`),
      })
    : undefined;
  const storeAlerts = await alertUploadOf(flags);
  const upload = storeAlerts && new WebhookDelivery({ ...storeAlerts, onError: (m) => io.stderr.write(`sanctum: store: ${m}\n`) });
  const workloads = new WorkloadIndex();
  for (const c of flags.context) {
    const loaded = loadContext(resolve(cwd, c), workloads, cwd);
    for (const e of loaded.errors) io.stderr.write(`sanctum: ${e}\n`);
  }
  let problemsShown = 0;
  const baselinesPath = flags.baselines ? resolve(cwd, flags.baselines) : undefined;
  const session = new AuditSession({
    cwd,
    config: flags.config === undefined ? undefined : resolve(cwd, flags.config),
    rules: flags.rule,
    skipRules: flags.skipRule,
    baselines: baselinesPath,
    learn: flags.learn,
    warmupMs,
    maxIdentities: positiveInt('--max-identities', flags.maxIdentities),
    workloads,
    onProblem: (source, message) => {
      // The first ones are shown as they come; the count is in the summary.
      if (problemsShown++ < 10) io.stderr.write(`sanctum: ${source}: ${message}\n`);
    },
    onFinding: (f) => {
      if (f.status === 'fail' && severityRank(f.severity) >= threshold) failing = true;
      if (f.status === 'fail') {
        delivery?.send(f);
        upload?.send(f);
      }
      if (format === 'json') kept.push(f);
      else if (format !== 'table' || f.status === 'fail' || flags.showSuppressed) out.write(formatLine(f, format, color));
    },
  });
  if (format === 'table') out.write(tableHeader(color));

  const started = performance.now();
  const sources: Array<Promise<void>> = [];
  const readStream = async ({ name, kind, fd }: (typeof inputs)[number]) => {
    const stream = fd === undefined ? (io.stdin ?? process.stdin) : createReadStream('', { fd });
    try {
      for await (const batch of streamLines(stream)) session.lines(batch, name, kind);
    } catch (e) {
      throw new ScanSetupError(`cannot read ${name === '-' ? 'stdin' : name}: ${describeSystemError(e)}`);
    }
  };
  for (const i of inputs.filter((i) => i.kind === 'audit')) sources.push(readStream(i));
  if (file && flags.follow) {
    // Said once each time the file goes missing (not created yet, or removed), not at every check.
    let waiting = false;
    sources.push(
      (async () => {
        for await (const batch of followLines(resolve(cwd, file), {
          signal,
          onReopen: (why) => io.stderr.write(`sanctum: ${file} was ${why}; reading it from the start\n`),
          onMissing: () => {
            if (waiting) return;
            waiting = true;
            io.stderr.write(`sanctum: waiting for ${file}: it cannot be opened yet\n`);
          },
        })) {
          waiting = false;
          session.lines(batch, file, 'audit');
        }
      })(),
    );
  }
  for (const i of inputs.filter((i) => i.kind !== 'audit')) sources.push(readStream(i));
  let receiver: AuditWebhookReceiver | undefined;
  if (listen) {
    receiver = new AuditWebhookReceiver({ ...listen, tls, maxQueuedEvents: positiveInt('--max-queue', flags.maxQueue) });
    const addr = await receiver.listen();
    io.stderr.write(`sanctum: audit webhook listening on ${tls ? 'https' : 'http'}://${addr.address}:${addr.port}\n`);
    const r = receiver;
    if (signal?.aborted) void r.close();
    signal?.addEventListener('abort', () => void r.close(), { once: true });
    sources.push(
      (async () => {
        let n = 0;
        for await (const batch of r.batches()) {
          session.values(batch.items, 'webhook', n + 1);
          n += batch.items.length;
          // Lets the server take the next POSTs between batches.
          await new Promise((res) => setImmediate(res));
        }
      })(),
    );
  }
  const saveBaselines = (): void => {
    if (!baselinesPath) return;
    try {
      makeParentDirs(baselinesPath);
      writeFileSync(baselinesPath + '.tmp', JSON.stringify(session.observer.toJSON()) + '\n');
      renameSync(baselinesPath + '.tmp', baselinesPath);
    } catch (e) {
      io.stderr.write(`sanctum: cannot write ${flags.baselines}: ${describeSystemError(e)}\n`);
    }
  };
  // A long-running receiver keeps what it learned even if it is killed without notice.
  const saver = baselinesPath && endless ? setInterval(saveBaselines, saveEveryMs) : undefined;
  saver?.unref();
  try {
    await Promise.all(sources);
  } finally {
    clearInterval(saver);
    saveBaselines();
    await delivery?.flush();
    await upload?.flush();
  }
  const stats = session.stats;
  const durationMs = Math.round(performance.now() - started);
  if (format === 'json') {
    const result: ScanResult = {
      schemaVersion: 1,
      tool: { name: 'sanctum', version: VERSION },
      targets: [file, ...flags.falco, ...flags.tetragon].filter((x): x is string => x !== undefined),
      findings: sortByTime(kept),
      errors: session.problems,
      stats: { files: 0, resources: stats.events, durationMs, rules: session.ruleCount },
    };
    out.write(jsonReporter(result, { rules: [], color: false, failOn: failOn === 'none' ? 'none' : failOn }));
  }
  const summary = `${stats.lines} lines, ${stats.events} events judged, ${stats.skipped} skipped (other stages), ${stats.malformed} malformed; ${stats.findings} detections (${stats.suppressed} suppressed); ${stats.identities} identities${receiver ? `; webhook: ${receiver.stats.accepted} accepted, ${receiver.stats.refusedRequests} requests refused (queue full)` : ''}${delivery ? `; delivered ${delivery.stats.delivered}, dropped ${delivery.stats.dropped}` : ''}${upload ? `; uploaded ${upload.stats.delivered}, dropped ${upload.stats.dropped}` : ''}${baselinesPath ? `; baselines written to ${flags.baselines}` : ''}\n`;
  io.stderr.write(`sanctum: ${summary}`);
  if (out !== io.stdout) await new Promise<void>((r) => (out as NodeJS.WritableStream).end(r));
  return failing ? 1 : 0;
}

function sortByTime(findings: Finding[]): Finding[] {
  return sortFindings(findings).sort((a, b) => (a.location.event?.time ?? '').localeCompare(b.location.event?.time ?? ''));
}

async function keyPairOf(certPath: string, keyPath: string, cwd: string): Promise<{ cert: Buffer; key: Buffer }> {
  const { readKeyPair } = await import('../server/webhook/certificate-files.js');
  try {
    return readKeyPair(certPath, keyPath, cwd);
  } catch (e) {
    throw new ScanSetupError((e as Error).message);
  }
}

/** Opens an input file for reading; one that cannot be read (missing, a directory…) is a setup error naming it as given. */
function openInput(path: string, shown: string): number {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return fd;
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    throw new ScanSetupError(`cannot read ${shown}: ${describeSystemError(e)}`);
  }
}
