import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../src/cli/main.js';

export class FakeStream {
  data = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(chunk: string | Uint8Array): boolean {
    this.data += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with fake streams; `argv` excludes `node sanctum`. */
export async function run(
  argv: string[],
  opts: { cwd: string; tty?: boolean; errTty?: boolean; stdin?: string | Uint8Array },
): Promise<RunResult> {
  const stdout = new FakeStream(Boolean(opts.tty));
  const stderr = new FakeStream(Boolean(opts.errTty ?? opts.tty));
  // Colour follows the fake streams' isTTY, whatever the environment running the tests forces.
  const forced = process.env.FORCE_COLOR;
  delete process.env.FORCE_COLOR;
  try {
    const code = await main(['node', 'sanctum', ...argv], {
      stdout: stdout as unknown as NodeJS.WriteStream,
      stderr: stderr as unknown as NodeJS.WriteStream,
      stdin: Readable.from(opts.stdin === undefined ? [] : [Buffer.from(opts.stdin)]),
      cwd: opts.cwd,
    });
    return { code, stdout: stdout.data, stderr: stderr.data };
  } finally {
    if (forced !== undefined) process.env.FORCE_COLOR = forced;
  }
}

/** A temporary directory with the given files; removed by `cleanup()`. */
export function workspace(files: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sanctum-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: vllm
  namespace: llm
spec:
  containers:
  - name: vllm
    image: vllm/vllm-openai:v0.6.3
    securityContext:
      privileged: true
`;

export const SAFE_POD = PRIVILEGED_POD.replace('privileged: true', 'privileged: false');

/** No stack frames or internal error names in what the user sees. */
export function expectNoStackTrace(s: string): void {
  if (/\n\s+at .+:\d+:\d+/.test(s) || /\b(TypeError|ReferenceError|RangeError):/.test(s)) throw new Error(`stack trace in output:\n${s}`);
}
