import { pino } from 'pino';
import type { GatewayEndpoint, GuardrailDecision } from './guardrails/types.js';
import type { TokenCount } from './usage.js';

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

/** How long an audit line may wait in memory before it is written, and how much may wait at most. */
const AUDIT_FLUSH_MS = 100;
const AUDIT_MAX_PENDING_CHARS = 256 * 1024;

/**
 * JSON lines to a file (appended) or standard output (`-`), written off the request path: a request only
 * adds its line to a list, and the lines go out together (one asynchronous write) at most 100 ms later,
 * however few requests come. At 1,000 requests/s that is 10 writes a second instead of one per line or per
 * 4 KB, and no request pays for the join or the system call.
 */
export function openAuditLog(file: string): AuditLog {
  const dest = pino.destination({ dest: file === '-' ? 1 : file, sync: false, mkdir: file !== '-' });
  let pending: string[] = [];
  let pendingChars = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const batch = pending.join('');
    pending = [];
    pendingChars = 0;
    dest.write(batch);
  };
  return {
    write(entry) {
      if (closed) return;
      const line = JSON.stringify(entry) + '\n';
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars >= AUDIT_MAX_PENDING_CHARS) flush();
      else timer ??= setTimeout(flush, AUDIT_FLUSH_MS).unref();
    },
    reopen() {
      if (closed || file === '-') return;
      flush();
      dest.reopen();
    },
    close() {
      if (closed) return;
      closed = true;
      flush();
      try {
        dest.flushSync();
      } catch {
        // Nothing buffered, or the destination is not open yet.
      }
      if (file !== '-') dest.end();
    },
  };
}

/** An audit log kept in memory (tests, embedding). */
export function memoryAuditLog(): AuditLog & { entries: AuditEntry[] } {
  const entries: AuditEntry[] = [];
  return { entries, write: (e) => entries.push(e), close: () => undefined };
}
