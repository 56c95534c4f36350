import type { Problem } from './run-case.js';

/** What the fuzzer's parent asks of its child process. */
export type ParentMessage =
  | { type: 'run'; format: string; seed: number; from: number; to: number; until: number; outDir?: string; minimize?: boolean }
  | { type: 'save'; format: string; seed: number; index: number; outDir: string };

/** What the child says back. */
export type ChildMessage =
  | { type: 'ready'; formats: string[] }
  | { type: 'start'; index: number }
  /** A try of the minimizer began: each is watched as a case of its own. */
  | { type: 'alive'; index: number }
  | { type: 'done'; index: number; path: string; size: number; problems: Problem[]; saved: string[]; maxRssKb: number }
  | { type: 'finished'; next: number }
  | { type: 'saved'; file: string };
