import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Runs full collections; `gc` is exposed for this process when it is not already. */
function collect(): void {
  if (typeof globalThis.gc !== 'function') setFlagsFromString('--expose-gc');
  const gc = (globalThis.gc ?? runInNewContext('gc')) as () => void;
  gc();
  gc();
}

/** Heap in use after full collections. */
export function heapAfterCollection(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

/** Memory in use (heap and array buffers) after full collections. */
export function memoryAfterCollection(): number {
  collect();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}
