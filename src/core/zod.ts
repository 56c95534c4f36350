import type * as ZodModule from 'zod';
import { lazyModule } from './lazy-module.js';

/**
 * zod, loaded at its first use: loading it takes about 70 ms of CPU (some hundred modules), which a
 * command or scan without a configuration file, a policy or a label selector to check does not pay.
 * Schemas are built by `lazySchema` on first use for the same reason. Every module of the command line
 * and the engine takes zod from here, so that one copy of it loads.
 */
export const zod = lazyModule<typeof ZodModule>('zod');

/** A value built by `build` at the first call and kept (a schema, built when first needed). */
export function lazySchema<T>(build: (z: typeof ZodModule.z) => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build(zod().z) }).value;
}
