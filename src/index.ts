export { scan, scanSync, scanStreamed, getRegistry, sortFindings, ScanSetupError, type ScanOptions, type StreamedScan } from './scan.js';
export type { Finding, ScanResult, ScanError, Severity, Location, FrameworkRef, ResourceRef, ScannerName } from './core/types.js';
export { SEVERITIES, SCANNERS, severityRank } from './core/types.js';
export { MemorySourceFile, DiskSourceFile, type SourceFile } from './core/source-file.js';
export { defineRule, type Rule, type RuleMeta, type RuleContext } from './core/rule.js';
export { makeBaseline, parseBaseline } from './core/suppression.js';
export { VERSION } from './version.js';
export type { VulnerabilitySource, VulnerabilityMatch, PackageRef } from './core/vulnerability.js';
export { VulnerabilityDatabase, defaultDatabaseDir } from './vulndb/database.js';
export { reporters, formatExtensions, type Reporter, type ReportContext } from './reporters/index.js';
export { applyFixes, type FileFix, type FixEdit } from './core/apply-fixes.js';
export { buildSbom as sbom, type SbomOptions, type SbomResult } from './inventory/sbom.js';
export { collectInventory, type InventoryOptions } from './inventory/collect.js';
export type { Inventory, InventoryPackage, InventoryModel, RemoteModel, DatasetRef, AiService, ModelCard } from './inventory/types.js';
export {
  ImagePackageCollector,
  type PackageCollector,
  type CollectedPackages,
  type CollectedManifest,
  type CollectorOptions,
} from './parsers/os-packages/collector.js';
export type { OsIdentity, DependencyManifest, DeclaredDependency } from './parsers/deps/types.js';
export {
  loadPolicies,
  compilePolicy,
  PolicyError,
  DEFAULT_POLICY_DIR,
  type Policy,
  type PolicySpec,
  type PolicyBindings,
  type PolicyTarget,
  type Violation,
} from './policies/policy.js';
export { policyRules, policyRuleId } from './policies/policy-rules.js';
export { evaluateAdmissionPolicies, type AdmissionPolicyFinding } from './policies/admission-policy.js';
export { AuditSession, type AuditSessionOptions, type AuditStats } from './runtime/session.js';
export { WorkloadIndex } from './runtime/workloads.js';
export { loadContext } from './runtime/context.js';
export type { EventRef } from './core/types.js';
export { scanCluster, type ClusterScanOptions, type ClusterScanResult, type ClusterScanSummary } from './scan-cluster.js';
export { scanClusterStreamed, type StreamedClusterScan } from './scan-cluster.js';
export { policyReports, POLICY_REPORT_API_VERSION } from './reporters/policyreport.js';
export type { ClusterRef } from './core/types.js';
export { scanImage, type ImageScanOptions } from './scan-image.js';
export { inventoryImages, imageBomSubject, type ImageInventory, type ImageInventoryOptions } from './scan-image.js';
export type { ImageLocation, ImageLayerRef } from './core/types.js';
