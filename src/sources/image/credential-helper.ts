import { spawnSync } from 'node:child_process';
import { describeSystemError } from '../../core/system-error.js';

/** What a registry login gives: a user and password, or an identity (refresh) token. */
export interface Credentials {
  username?: string;
  password?: string;
  identityToken?: string;
}

export class CredentialHelperError extends Error {}

export interface CredentialHelperOptions {
  /** Longest wait for the helper (it may ask the user to unlock a keychain). Default 30 s. */
  timeoutMs?: number;
  /** Environment of the helper (default: this process's, for `PATH`). */
  env?: NodeJS.ProcessEnv;
}

/** Most bytes a helper may print: a login is a few hundred. */
const MAX_OUTPUT_BYTES = 64 * 1024;
/** Helper names as Docker documents them (`desktop`, `osxkeychain`, `ecr-login`, `gcloud`); never a path. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Runs a Docker credential helper as Docker does: `docker-credential-<name> get` found on `PATH`, by
 * argument vector (no shell), with the server address on standard input; bounded in time and
 * output. Returns undefined when the helper has no credentials for the server; a helper that is
 * missing, fails, hangs or answers something else is a `CredentialHelperError` (never with the
 * helper's output, which could hold a secret).
 */
export function runCredentialHelper(name: string, serverUrl: string, opts: CredentialHelperOptions = {}): Credentials | undefined {
  const program = `docker-credential-${name}`;
  if (!HELPER_NAME.test(name)) throw new CredentialHelperError(`credential helper name '${name}' is not a helper name`);
  const timeout = opts.timeoutMs ?? 30_000;
  const run = spawnSync(program, ['get'], {
    input: serverUrl,
    timeout,
    maxBuffer: MAX_OUTPUT_BYTES,
    env: opts.env ?? process.env,
    shell: false,
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
  const err = run.error as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ENOENT') throw new CredentialHelperError(`credential helper ${program} is not installed (not found on PATH)`);
  if (err?.code === 'ENOBUFS') throw new CredentialHelperError(`credential helper ${program} printed more than ${MAX_OUTPUT_BYTES} bytes`);
  if (err?.code === 'ETIMEDOUT') throw new CredentialHelperError(`credential helper ${program} did not answer within ${timeout / 1000} s`);
  if (err) throw new CredentialHelperError(`credential helper ${program} could not run: ${describeSystemError(err)}`);
  const out = run.stdout.toString('utf8').trim();
  if (run.status !== 0) {
    // The protocol's answer for an unknown server (docker-credential-helpers' `ErrCredentialsNotFound`).
    if (/credentials not found/i.test(out) || /credentials not found/i.test(run.stderr.toString('utf8'))) return undefined;
    throw new CredentialHelperError(`credential helper ${program} failed (exit ${run.status ?? run.signal})`);
  }
  let answer: { Username?: unknown; Secret?: unknown };
  try {
    answer = JSON.parse(out) as typeof answer;
  } catch {
    throw new CredentialHelperError(`credential helper ${program} did not answer with JSON`);
  }
  if (typeof answer?.Secret !== 'string' || answer.Secret === '') return undefined;
  // `<token>` as the user name: the secret is an identity token for the registry's token service.
  if (answer.Username === '<token>') return { identityToken: answer.Secret };
  return { username: typeof answer.Username === 'string' ? answer.Username : '', password: answer.Secret };
}
