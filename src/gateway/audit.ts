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

/** JSON lines to a file (appended) or standard output (`-`), written asynchronously off the request path. */
export function openAuditLog(file: string): AuditLog {
  const dest = pino.destination({ dest: file === '-' ? 1 : file, sync: false, mkdir: file !== '-', minLength: 4096 });
  let closed = false;
  return {
    write(entry) {
      if (!closed) dest.write(JSON.stringify(entry) + '\n');
    },
    reopen() {
      if (!closed && file !== '-') dest.reopen();
    },
    close() {
      if (closed) return;
      closed = true;
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
