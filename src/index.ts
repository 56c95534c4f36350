export { scan, scanSync, getRegistry, sortFindings, ScanSetupError, type ScanOptions } from './scan.js';
export type { Finding, ScanResult, ScanError, Severity, Location, FrameworkRef, ResourceRef, ScannerName } from './core/types.js';
export { SEVERITIES, SCANNERS, severityRank } from './core/types.js';
export { MemorySourceFile, DiskSourceFile, type SourceFile } from './core/source-file.js';
export { defineRule, type Rule, type RuleMeta, type RuleContext } from './core/rule.js';
export { makeBaseline, parseBaseline } from './core/suppression.js';
export { VERSION } from './version.js';
export { reporters, formatExtensions, type Reporter, type ReportContext } from './reporters/index.js';
export { applyFixes, type FileFix, type FixEdit } from './core/apply-fixes.js';
