import { closeSync, createWriteStream, openSync, writeFileSync } from 'node:fs';
import { makeParentDirs } from '../core/parent-dirs.js';
import { describeSystemError } from '../core/system-error.js';
import { bufferedSink, writeString, type ChunkSink } from '../reporters/index.js';
import { ScanSetupError } from '../scan.js';

// Every command's output files (reports, SBOMs, baselines, detections) are written here: their
// missing directories made the same way, a failure said in words with the path as the user gave it.

/** The `--output` that means stdout, as in Trivy and Checkov (`-o -`): no file is written. */
export const STDOUT_OUTPUT = '-';

/** An `--output` value as a file name, undefined for stdout (`-`). */
export function outputFile(output: string | undefined): string | undefined {
  return output === STDOUT_OUTPUT ? undefined : output;
}

/** The `--output` values as file names, undefined for stdout (`-`); only one of them can be stdout. */
export function outputFiles(outputs: readonly string[]): Array<string | undefined> {
  if (outputs.filter((o) => o === STDOUT_OUTPUT).length > 1) throw new ScanSetupError('only one --output can be - (stdout)');
  return outputs.map(outputFile);
}

/** What stops a command whose output file cannot be written. */
export function cannotWrite(shown: string, e: unknown): ScanSetupError {
  return new ScanSetupError(`cannot write ${shown}: ${describeSystemError(e)}`);
}

/** Writes `text` to the file at `path` (absolute), making its missing directories; `shown` is the path as the user gave it. */
export function writeOutputFile(path: string, text: string, shown = path): void {
  try {
    makeParentDirs(path);
    writeFileSync(path, text);
  } catch (e) {
    throw cannotWrite(shown, e);
  }
}

/** Opens the file at `path` for writing, making its missing directories: a path that cannot be written stops the command before it starts. */
function openOutputFile(path: string, shown: string, flags = 'w'): number {
  try {
    makeParentDirs(path);
    return openSync(path, flags);
  } catch (e) {
    throw cannotWrite(shown, e);
  }
}

/** Writes a report piece by piece to a file (or to `stdout` when `path` is undefined), so that it never exists whole in memory. */
export function streamReport(
  path: string | undefined,
  stdout: Pick<NodeJS.WritableStream, 'write'>,
  write: (sink: ChunkSink) => void,
  shown = path,
): void {
  if (path === undefined) {
    // A stream keeps what it is given until it is written: lent bytes are copied.
    const out = bufferedSink((c) => stdout.write(typeof c === 'string' ? c : Buffer.from(c)));
    write(out.write);
    out.flush();
    return;
  }
  const fd = openOutputFile(path, shown ?? path);
  try {
    const out = bufferedSink((c) => writeString(fd, c));
    write(out.write);
    out.flush();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === undefined) throw e;
    throw cannotWrite(shown ?? path, e);
  } finally {
    closeSync(fd);
  }
}

/** A stream to the file at `path`, opened now; a later write failure goes to `onError` in words. */
export function outputStream(path: string, shown: string, onError: (message: string) => void): NodeJS.WritableStream {
  const stream = createWriteStream(path, { fd: openOutputFile(path, shown) });
  stream.on('error', (e) => onError(`cannot write ${shown}: ${describeSystemError(e)}`));
  return stream;
}
