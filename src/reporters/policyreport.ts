import yaml from 'js-yaml';
import type { Finding, ScanResult } from '../core/types.js';
import type { ReportContext } from './reporter.js';

/**
 * wg-policy Policy Reports (`wgpolicyk8s.io/v1alpha2`): one `PolicyReport` per namespace with the
 * findings of its objects, one `ClusterPolicyReport` with those of cluster-scoped objects and the
 * scan's errors. Large namespaces are split into several reports (`sanctum-NS`, `sanctum-NS-2`, …)
 * so that no object nears the API server's size limit.
 */

export const POLICY_REPORT_API_VERSION = 'wgpolicyk8s.io/v1alpha2';
const SOURCE = 'sanctum';
const MAX_RESULTS = 1000;

type Obj = Record<string, unknown>;

/** The kinds of report Sanctum writes, and the label that selects its own (a later scan replaces them). */
export const POLICY_REPORT_KINDS = [
  { kind: 'PolicyReport', resource: 'policyreports', namespaced: true },
  { kind: 'ClusterPolicyReport', resource: 'clusterpolicyreports', namespaced: false },
].map((k) => ({
  type: { group: 'wgpolicyk8s.io', version: POLICY_REPORT_API_VERSION.split('/')[1], ...k },
  labelSelector: `app.kubernetes.io/managed-by=${SOURCE}`,
}));

export interface PolicyReportOptions {
  /** Time the results carry (default: now). */
  now?: Date;
}

function resultOf(f: Finding, seconds: number): Obj {
  const properties: Record<string, string> = { ruleId: f.ruleId, fingerprint: f.fingerprint };
  if (f.location.objectPath) properties.objectPath = f.location.objectPath;
  if (f.evidence) properties.evidence = f.evidence;
  if (!f.location.resource) properties.path = f.location.path;
  if (f.suppression) properties.suppression = `${f.suppression.kind}${f.suppression.reason ? `: ${f.suppression.reason}` : ''}`;
  if (f.location.cluster) properties.cluster = f.location.cluster.context;
  const r = f.location.resource;
  const out: Obj = {
    source: SOURCE,
    policy: f.ruleId,
    rule: f.slug,
    category: f.frameworks[0]?.id ?? 'misconfiguration',
    severity: f.severity,
    result: f.status === 'suppressed' ? 'skip' : 'fail',
    scored: true,
    message: f.message,
    timestamp: { seconds, nanos: 0 },
    properties,
  };
  if (r)
    out.resources = [
      { apiVersion: r.apiVersion ?? 'v1', kind: r.kind, name: r.name ?? '', ...(r.namespace ? { namespace: r.namespace } : {}) },
    ];
  return out;
}

function summaryOf(results: Obj[]): Obj {
  const s = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) s[r.result as keyof typeof s]++;
  return s;
}

function reportName(base: string, chunk: number): string {
  const name = chunk === 0 ? base : `${base}-${chunk + 1}`;
  return name.length <= 253 ? name : name.slice(0, 253);
}

function chunked(
  kind: 'PolicyReport' | 'ClusterPolicyReport',
  base: string,
  namespace: string | undefined,
  results: Obj[],
  target: string,
): Obj[] {
  const out: Obj[] = [];
  for (let i = 0; i === 0 || i * MAX_RESULTS < results.length; i++) {
    const part = results.slice(i * MAX_RESULTS, (i + 1) * MAX_RESULTS);
    out.push({
      apiVersion: POLICY_REPORT_API_VERSION,
      kind,
      metadata: {
        name: reportName(base, i),
        ...(namespace ? { namespace } : {}),
        labels: { 'app.kubernetes.io/managed-by': SOURCE, 'app.kubernetes.io/created-by': SOURCE },
        annotations: { 'sanctum.dev/target': target },
      },
      summary: summaryOf(part),
      results: part,
    });
  }
  return out;
}

/** The Policy Report objects of a scan. */
export function policyReports(result: ScanResult, opts: PolicyReportOptions = {}): Obj[] {
  const seconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const byNamespace = new Map<string, Obj[]>();
  const clusterScoped: Obj[] = [];
  for (const f of result.findings) {
    const ns = f.location.resource?.namespace;
    const r = resultOf(f, seconds);
    if (ns) {
      const list = byNamespace.get(ns);
      if (list) list.push(r);
      else byNamespace.set(ns, [r]);
    } else clusterScoped.push(r);
  }
  for (const e of result.errors)
    clusterScoped.push({
      source: SOURCE,
      policy: 'scan-error',
      result: 'error',
      scored: false,
      message: `${e.path}: ${e.message}`,
      timestamp: { seconds, nanos: 0 },
    });
  const target = result.targets.join(', ');
  const out: Obj[] = [];
  for (const ns of [...byNamespace.keys()].sort()) out.push(...chunked('PolicyReport', 'sanctum', ns, byNamespace.get(ns)!, target));
  out.push(...chunked('ClusterPolicyReport', 'sanctum-cluster', undefined, clusterScoped, target));
  return out;
}

/** `--format policyreport`: the reports as a YAML stream that `kubectl apply -f -` takes. */
export function policyReportReporter(result: ScanResult, _ctx?: ReportContext, opts?: PolicyReportOptions): string {
  return policyReports(result, opts)
    .map((r) => yaml.dump(r, { noRefs: true, lineWidth: -1, sortKeys: false }))
    .join('---\n');
}
