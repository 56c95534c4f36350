import type { AnyRule } from '../core/rule.js';
import type { ScanResult, Severity } from '../core/types.js';

export interface ReportContext {
  /** Every rule that could have reported, for formats that describe rules (SARIF). */
  rules: readonly AnyRule[];
  color: boolean;
  failOn: Severity;
  /** Show suppressed findings in human formats. */
  showSuppressed?: boolean;
}

export type Reporter = (result: ScanResult, ctx: ReportContext) => string;
