/**
 * Finds `--trust-remote-code` (and `--trust_remote_code`, with or without `=true`) or Python's
 * `trust_remote_code=True` inside a piece of text: a shell script (`bash -c "…"`, a RUN line), the
 * value of an environment variable that a launcher splices into a command (`EXTRA_ARGS`), or inline
 * Python. Shared by the Dockerfile, compose, Kubernetes and shell script rules.
 */
import type { ShellCommand, ShellWord } from '../../../parsers/shell/shell.js';

/** Each pattern is a fixed token with bounded neighbours: linear on any input. */
const FLAG = /(^|[\s"'[(,=])(--trust[-_]remote[-_]code)(?:=([A-Za-z0-9]+))?(?=$|[\s"'\\;,)\]&|])/gi;
const KWARG = /trust_remote_code\s{0,8}=\s{0,8}True\b/g;
const OFF = new Set(['false', '0', 'no', 'off']);

export interface TrustRemoteCodeHit {
  /** Offsets into the text, end exclusive. */
  start: number;
  end: number;
  /** The matched text: `--trust-remote-code`, `trust_remote_code=True`. */
  text: string;
}

export function findTrustRemoteCode(text: string): TrustRemoteCodeHit[] {
  const out: TrustRemoteCodeHit[] = [];
  for (const m of text.matchAll(FLAG)) {
    const value = m[3];
    if (value !== undefined && OFF.has(value.toLowerCase())) continue;
    // `--trust-remote-code false` (launchers that take a boolean after the switch).
    const after = /^\s{1,4}(\w+)/.exec(text.slice(m.index + m[0].length, m.index + m[0].length + 12));
    if (value === undefined && after && OFF.has(after[1].toLowerCase())) continue;
    const start = m.index + m[1].length;
    out.push({ start, end: m.index + m[0].length, text: m[0].slice(m[1].length) });
  }
  for (const m of text.matchAll(KWARG)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out.sort((a, b) => a.start - b.start);
}

const PRINTERS = new Set(['echo', 'printf']);
const REDIRECT = /^\d*>/;

/**
 * The hits in the words of one shell command. `echo --trust-remote-code` prints; written into a file
 * (`> /start.sh`) it becomes a start script, so printers count only when redirected.
 */
export function commandHits(cmd: ShellCommand): Array<{ word: ShellWord; hit: TrustRemoteCodeHit }> {
  if (PRINTERS.has(cmd.program) && !cmd.words.some((w) => REDIRECT.test(w.raw))) return [];
  return cmd.words.flatMap((word) => findTrustRemoteCode(word.raw).map((hit) => ({ word, hit })));
}
