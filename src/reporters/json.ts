import type { Reporter } from './reporter.js';

/** The stable result contract of DESIGN.md. */
export const jsonReporter: Reporter = (result) => JSON.stringify(result, null, 2) + '\n';
