/**
 * A version scheme orders the version strings of one ecosystem. `compare(candidate, bound)` orders an
 * installed version against a version taken from an advisory; it is asymmetric only where the scheme
 * says so (PEP 440 ignores the candidate's local label when the bound has none).
 */
export interface VersionScheme {
  readonly name: string;
  /** True when the string is a version this scheme can order. */
  valid(version: string): boolean;
  /** Negative, zero or positive as `candidate` sorts before, equal to or after `bound`. Both must be valid. */
  compare(candidate: string, bound: string): number;
}

export const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
