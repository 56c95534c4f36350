import { openSync } from 'node:fs';
import { pino } from 'pino';
import type { GatewayEndpoint, GuardrailDecision } from './guardrails/types.js';
import type { TokenCount } from './usage.js';
import { describeSystemError } from '../core/system-error.js';
import { makeParentDirs } from '../core/parent-dirs.js';

/** One line of the audit log: one request. Never holds a key, only its name. */
export interface AuditEntry {
  time: string;
  requestId: string;
  endpoint: GatewayEndpoint | 'models' | 'unknown';
  /** The key's name (never the key). */
  key?: string;
  team?: string;
  /** How the caller proved who it is. */
  auth?: 'key' | 'client-certificate' | 'jwt';
  model?: string;
  upstream?: string;
  stream?: boolean;
  /** HTTP status answered; 499 when the client went away first. */
  status: number;
  /** The OpenAI error code when the gateway refused or failed the request. */
  error?: string;
  latencyMs: number;
  /** Time spent waiting for the upstream. */
  upstreamMs?: number;
  tokens?: TokenCount;
  guardrails?: GuardrailDecision[];
  client?: string;
  /** Only with `audit.prompts: true`: the request as forwarded and the response as returned, after the guardrails. */
  request?: unknown;
  response?: unknown;
}

export interface AuditLog {
  write(entry: AuditEntry): void;
  /** Flushes what is buffered and closes the file (or sends what is queued). */
  close(): void | Promise<void>;
  /** Opens the file again (after logrotate moved it away). */
  reopen?(): void;
}

/** How long an audit line may wait in memory before it is written. */
const AUDIT_FLUSH_MS = 100;
/** Lines gather until this much waits (sonic-boom writes at most 16 KB at once) or `AUDIT_FLUSH_MS` has passed. */
const AUDIT_BATCH_BYTES = 12 * 1024;
/** Most bytes that wait while the file cannot be written (disk full): further lines are dropped, and counted. */
const AUDIT_MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** What a file audit log has not managed to write, for operators and tests. */
export interface AuditLogStats {
  /** Writes the file refused (disk full, permissions): each is retried with later lines until they are dropped. */
  readonly failedWrites: number;
  /** Lines dropped since the file last failed (or could not be opened). */
  readonly droppedLines: number;
  /** Bytes of lines handed to the writer and not yet in the file. */
  readonly unwrittenBytes: number;
}

export interface AuditLogOptions {
  /** Told once when the file cannot be opened or written (and once when it can again); the gateway goes on serving. */
  onError?(message: string): void;
}

type Destination = ReturnType<typeof pino.destination>;

/**
 * JSON lines to a file (appended) or standard output (`-`), written off the request path by sonic-boom:
 * a request only appends its line to the buffer, which goes out in one asynchronous write once 12 KB
 * wait or 100 ms have passed. One write at a time, whole lines in order: lines never interleave. The
 * 100 ms timer runs only while lines wait: an idle gateway is not woken by its audit log (sonic-boom's
 * `periodicFlush` writes an empty string every period, waiting lines or not).
 * `close` resolves once every line is in the file. A file that cannot be opened or written (disk full,
 * permissions) is reported once; lines wait (up to 16 MB) for it to be writable again, then are dropped
 * and counted, and requests are served all the same.
 */
export function openAuditLog(file: string, opts: AuditLogOptions = {}): AuditLog & { readonly stats: AuditLogStats } {
  const where = file === '-' ? 'standard output' : file;
  let failing = false;
  let dropped = 0;
  let failedWrites = 0;
  /** Bytes handed to the writers and not yet written. */
  let unwritten = 0;
  let closing: Promise<void> | undefined;
  const fail = (what: string, e: NodeJS.ErrnoException): void => {
    if (failing) return;
    failing = true;
    opts.onError?.(`audit log ${where}: cannot ${what} (${describeSystemError(e)}); requests are served, their lines wait or are dropped`);
  };
  const recovered = (): void => {
    if (!failing) return;
    failing = false;
    opts.onError?.(`audit log ${where}: writable again${dropped ? `; ${dropped} lines were dropped meanwhile` : ''}`);
    dropped = 0;
  };

  /** A writer on a freshly opened file (or standard output); undefined when the file cannot be opened. */
  const open = (): Destination | undefined => {
    let fd: number;
    if (file === '-') fd = 1;
    else
      try {
        makeParentDirs(file);
        fd = openSync(file, 'a');
      } catch (e) {
        fail('open it', e as NodeJS.ErrnoException);
        return undefined;
      }
    const d = pino.destination({
      dest: fd,
      sync: false,
      // Lines are handed over as bytes: in its text mode sonic-boom measures the growing batch string
      // on every write (a copy of the whole batch per line, most of the gateway's allocation per request).
      contentMode: 'buffer',
      minLength: AUDIT_BATCH_BYTES,
      maxLength: AUDIT_MAX_PENDING_BYTES,
    });
    waiting.set(d, 0);
    d.on('error', (e: NodeJS.ErrnoException) => {
      failedWrites++;
      fail('write to it', e);
      // A writer being closed gives up on what it still holds rather than wait forever.
      const giveUp = retiring.get(d);
      if (giveUp) giveUp();
      else flushSoon();
    });
    d.on('write', (n: number) => {
      unwritten -= n;
      waiting.set(d, (waiting.get(d) ?? 0) - n);
      if (n > 0) recovered();
      // Lines that came during that write and are fewer than a batch: written within AUDIT_FLUSH_MS.
      if ((waiting.get(d) ?? 0) > 0) flushSoon();
    });
    d.on('drop', () => dropped++);
    return d;
  };
  /** Bytes handed to each writer and not yet written by it. */
  const waiting = new Map<Destination, number>();
  let flushTimer: NodeJS.Timeout | undefined;
  /** Writes what waits in the current writer within AUDIT_FLUSH_MS (during a write: once that write is done). */
  const flushSoon = (): void => {
    flushTimer ??= setTimeout(() => {
      flushTimer = undefined;
      if (dest && !closing && (waiting.get(dest) ?? 0) > 0) dest.flush();
    }, AUDIT_FLUSH_MS).unref();
  };
  /** Writers being closed (the one before a reopen, the last one), each with how to stop waiting for it. */
  const retiring = new Map<Destination, () => void>();
  const retirements = new Set<Promise<void>>();
  const retire = (d: Destination): void => {
    const done = new Promise<void>((resolve) => {
      const finish = (): void => {
        retiring.delete(d);
        waiting.delete(d);
        resolve();
      };
      retiring.set(d, () => {
        // What it still holds cannot be written: closing the file is all that is left to do.
        if (!(d as Destination & { destroyed?: boolean }).destroyed) d.destroy();
        finish();
      });
      d.once('close', finish);
      d.end();
    });
    retirements.add(done);
    void done.then(() => retirements.delete(done));
  };

  let dest = open();
  return {
    get stats(): AuditLogStats {
      return { failedWrites, droppedLines: dropped, unwrittenBytes: unwritten };
    },
    write(entry) {
      if (closing) return;
      if (!dest) {
        dropped++;
        return;
      }
      const line = Buffer.from(JSON.stringify(entry) + '\n');
      const droppedBefore = dropped;
      dest.write(line as unknown as string);
      if (dropped !== droppedBefore) return;
      const bytes = line.length;
      unwritten += bytes;
      waiting.set(dest, (waiting.get(dest) ?? 0) + bytes);
      flushSoon();
    },
    /** The old file keeps the lines written before; the new one gets the lines after. */
    reopen() {
      if (closing || file === '-') return;
      const next = open();
      if (!next) return;
      if (dest) retire(dest);
      else recovered();
      dest = next;
    },
    close() {
      if (!closing) {
        clearTimeout(flushTimer);
        if (dest) retire(dest);
        closing = Promise.all(retirements).then(() => {
          const lost = [
            dropped ? `${dropped} lines were dropped` : '',
            unwritten > 0 ? `${unwritten} bytes of lines could not be written` : '',
          ];
          if (dropped || unwritten > 0) opts.onError?.(`audit log ${where}: ${lost.filter(Boolean).join('; ')}`);
        });
      }
      return closing;
    },
  };
}

/** An audit log kept in memory (tests, embedding). */
export function memoryAuditLog(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return { entries, write: (e) => entries.push(e), close: () => undefined };
}
