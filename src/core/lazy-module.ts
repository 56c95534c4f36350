import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * A getter of the module `specifier`, loaded at its first call and kept: scans that never need a
 * library (and every other command) do not pay for loading it at start-up. `T` is the module's type,
 * as `typeof import('yaml')` gives it.
 */
export function lazyModule<T>(specifier: string): () => T {
  let module: T | undefined;
  return () => (module ??= load(specifier) as T);
}
