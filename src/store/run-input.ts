import { createHash } from 'node:crypto';
import type { z as Zod } from 'zod';
import { isSeverity, type Finding, type FrameworkRef, type ScanError, type ScanStats, type Severity } from '../core/types.js';
import type { ExposureEdge } from '../inventory/exposure-types.js';
import { zod } from '../core/zod.js';

// zod loads with this module, which only the commands that need it import (not start-up).
const { z } = zod();

/** What one upload brings to the store, whichever format it came in. */
export interface RunInput {
  source: 'sanctum' | 'sarif';
  tool: { name: string; version: string };
  targets: string[];
  findings: Finding[];
  errors: ScanError[];
  stats: ScanStats;
  /** Inventory entries of the target (`sanctum scan --upload` sends them along with the result). */
  inventory: InventoryEntry[];
  /** The exposure graph of the Kubernetes objects scanned (entries → Services → workloads → models). */
  exposure: ExposureEdge[];
}

export interface InventoryEntry {
  kind: 'package' | 'model' | 'remote-model' | 'dataset' | 'service' | 'gpu';
  name: string;
  version?: string;
  path?: string;
  /** The Kubernetes object the entry is (a GPU node, a workload): findings on it are findings on the entry. */
  resource?: { kind: string; namespace?: string; name: string };
  detail: Record<string, unknown>;
}

/** A body that is JSON but not a result Sanctum can store: the API answers 400 with this message. */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunInputError';
  }
}

const MAX_TEXT = 4096;
const MAX_EVIDENCE = 512;

const text = (max = MAX_TEXT) => z.string().transform((s) => (s.length > max ? s.slice(0, max - 1) + '…' : s));
const line = z.number().int().positive().optional();

const frameworkRef = z.object({ id: z.string().min(1), control: z.string().min(1), level: z.string().optional() });
const finding = z
  .object({
    ruleId: z.string().min(1).max(200),
    slug: z.string().max(200).optional(),
    title: text(500).optional(),
    severity: z.string().refine(isSeverity, 'severity must be critical, high, medium, low or info'),
    message: text(),
    location: z
      .object({
        path: z.string().max(MAX_TEXT),
        startLine: line,
        startColumn: line,
        endLine: line,
        endColumn: line,
        objectPath: z.string().max(MAX_TEXT).optional(),
        resource: z
          .object({ apiVersion: z.string().optional(), kind: z.string(), namespace: z.string().optional(), name: z.string().optional() })
          .optional(),
      })
      .loose(),
    frameworks: z.array(frameworkRef).max(100).default([]),
    status: z.enum(['fail', 'suppressed']).default('fail'),
    fingerprint: z.string().min(1).max(200),
    evidence: text(MAX_EVIDENCE).optional(),
    suppression: z.object({ kind: z.string(), reason: z.string().optional(), expires: z.string().optional() }).optional(),
  })
  .loose();

const scanError = z.object({ path: z.string(), message: text(), line: line }).loose();

const inventoryEntry = z.object({
  kind: z.enum(['package', 'model', 'remote-model', 'dataset', 'service', 'gpu']),
  name: z.string().min(1).max(MAX_TEXT),
  version: z.string().max(500).optional(),
  path: z.string().max(MAX_TEXT).optional(),
  resource: z.object({ kind: z.string().min(1).max(200), namespace: z.string().max(300).optional(), name: z.string().max(300) }).optional(),
  detail: z.record(z.string(), z.unknown()).default({}),
});

const exposureNode = z.object({
  role: z.enum(['entry', 'service', 'workload', 'model']),
  kind: z.string().min(1).max(200),
  namespace: z.string().max(300).optional(),
  name: z.string().min(1).max(MAX_TEXT),
});
const exposureEdge = z.object({
  from: exposureNode,
  to: exposureNode,
  detail: z.record(z.string().max(100), z.string().max(1000)).optional(),
});

const sanctumResult = z.object({
  schemaVersion: z.literal(1),
  tool: z.object({ name: z.string(), version: z.string() }),
  targets: z.array(z.string()).default([]),
  findings: z.array(finding),
  errors: z.array(scanError).default([]),
  stats: z
    .object({
      files: z.number().int().nonnegative(),
      resources: z.number().int().nonnegative(),
      durationMs: z.number().nonnegative(),
      rules: z.number().int().nonnegative(),
    })
    .partial()
    .default({}),
  inventory: z.array(inventoryEntry).default([]),
  exposure: z.array(exposureEdge).max(100_000).default([]),
});

/** Other tools' findings may lack a slug or a title: the rule id and the message stand in. */
const completeFinding = (f: Zod.infer<typeof finding>): Finding =>
  ({ ...f, slug: f.slug ?? f.ruleId.toLowerCase(), title: f.title ?? f.message }) as Finding;

function describe(error: Zod.ZodError): string {
  const first = error.issues[0];
  const where = first.path.length ? first.path.join('.') : 'body';
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problems)` : '';
  return `${where}: ${first.message}${more}`;
}

/** Most findings in one upload given as a bare array (a batch of runtime alerts). */
const MAX_BATCH = 100_000;

/**
 * Turns an uploaded body into a run: the JSON result contract, SARIF 2.1.0 from any tool, or a bare
 * JSON array of findings (a batch of alerts as `sanctum audit` delivers them).
 */
export function parseRunInput(body: unknown): RunInput {
  if (Array.isArray(body)) return fromFindingBatch(body);
  if (body === null || typeof body !== 'object') throw new RunInputError('the body must be a JSON object or an array of findings');
  const o = body as Record<string, unknown>;
  if (o.version === '2.1.0' && Array.isArray(o.runs)) return fromSarif(o);
  if (o.schemaVersion === undefined)
    throw new RunInputError('not a Sanctum result (no schemaVersion) and not SARIF 2.1.0 (no version/runs)');
  const parsed = sanctumResult.safeParse(body);
  if (!parsed.success) throw new RunInputError(`invalid result: ${describe(parsed.error)}`);
  const r = parsed.data;
  return {
    source: 'sanctum',
    tool: r.tool,
    targets: r.targets,
    findings: r.findings.map(completeFinding),
    errors: r.errors as ScanError[],
    stats: {
      files: r.stats.files ?? 0,
      resources: r.stats.resources ?? 0,
      durationMs: Math.round(r.stats.durationMs ?? 0),
      rules: r.stats.rules ?? 0,
    },
    inventory: r.inventory as InventoryEntry[],
    exposure: r.exposure,
  };
}

function fromFindingBatch(body: unknown[]): RunInput {
  if (body.length === 0) throw new RunInputError('an empty array: a batch needs at least one finding');
  if (body.length > MAX_BATCH) throw new RunInputError(`a batch holds at most ${MAX_BATCH} findings (got ${body.length})`);
  const parsed = z.array(finding).safeParse(body);
  if (!parsed.success) throw new RunInputError(`invalid findings: ${describe(parsed.error)}`);
  return {
    source: 'sanctum',
    tool: { name: 'sanctum', version: '' },
    targets: [],
    findings: parsed.data.map(completeFinding),
    errors: [],
    stats: { files: 0, resources: 0, durationMs: 0, rules: 0 },
    inventory: [],
    exposure: [],
  };
}

// --- SARIF 2.1.0 ---------------------------------------------------------------------------------

const sarifRegion = z.object({ startLine: line, startColumn: line, endLine: line, endColumn: line }).loose();
const sarifLocation = z
  .object({
    physicalLocation: z
      .object({
        artifactLocation: z
          .object({ uri: z.string().max(MAX_TEXT).optional() })
          .loose()
          .optional(),
        region: sarifRegion.optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
const sarifResult = z
  .object({
    ruleId: z.string().max(200).optional(),
    rule: z
      .object({ id: z.string().max(200).optional() })
      .loose()
      .optional(),
    level: z.enum(['none', 'note', 'warning', 'error']).optional(),
    message: z.object({ text: text().optional() }).loose(),
    locations: z.array(sarifLocation).optional(),
    partialFingerprints: z.record(z.string(), z.string()).optional(),
    fingerprints: z.record(z.string(), z.string()).optional(),
    suppressions: z.array(z.object({ kind: z.string().optional(), justification: z.string().optional() }).loose()).optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
const sarifRule = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    shortDescription: z.object({ text: z.string() }).loose().optional(),
    defaultConfiguration: z.object({ level: z.string().optional() }).loose().optional(),
    properties: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();
const sarifLog = z.object({
  version: z.literal('2.1.0'),
  runs: z
    .array(
      z
        .object({
          tool: z.object({
            driver: z
              .object({
                name: z.string(),
                version: z.string().optional(),
                semanticVersion: z.string().optional(),
                rules: z.array(sarifRule).optional(),
              })
              .loose(),
          }),
          results: z.array(sarifResult).default([]),
          originalUriBaseIds: z.unknown().optional(),
        })
        .loose(),
    )
    .min(1),
});

function severityFromSarif(props: Record<string, unknown> | undefined, level: string | undefined): Severity {
  const named = props?.severity;
  if (typeof named === 'string' && isSeverity(named)) return named;
  const score = Number(props?.['security-severity']);
  if (props?.['security-severity'] !== undefined && Number.isFinite(score)) {
    // The CVSS bands GitHub code scanning uses for security-severity.
    if (score >= 9) return 'critical';
    if (score >= 7) return 'high';
    if (score >= 4) return 'medium';
    if (score > 0) return 'low';
    return 'info';
  }
  return level === 'error' ? 'high' : level === 'warning' ? 'medium' : level === 'note' ? 'low' : level === 'none' ? 'info' : 'medium';
}

function uriToPath(uri: string | undefined): string {
  if (!uri) return '';
  try {
    return decodeURIComponent(uri.replace(/^file:\/\//, ''));
  } catch {
    return uri;
  }
}

function fromSarif(body: unknown): RunInput {
  const parsed = sarifLog.safeParse(body);
  if (!parsed.success) throw new RunInputError(`invalid SARIF: ${describe(parsed.error)}`);
  const findings: Finding[] = [];
  const runs = parsed.data.runs;
  for (const run of runs) {
    const rules = new Map((run.tool.driver.rules ?? []).map((r) => [r.id, r]));
    for (const r of run.results) {
      const ruleId = r.ruleId ?? r.rule?.id ?? 'unknown';
      const rule = rules.get(ruleId);
      const loc = r.locations?.[0]?.physicalLocation;
      const region = loc?.region;
      const path = uriToPath(loc?.artifactLocation?.uri);
      const severity = severityFromSarif(r.properties ?? rule?.properties, r.level ?? rule?.defaultConfiguration?.level);
      const message = r.message.text ?? rule?.shortDescription?.text ?? ruleId;
      const given = Object.values(r.partialFingerprints ?? {})[0] ?? Object.values(r.fingerprints ?? {})[0];
      const fingerprint =
        given ??
        'sha256:' +
          createHash('sha256')
            .update(`${run.tool.driver.name}\0${ruleId}\0${path}\0${region?.startLine ?? ''}\0${message}`)
            .digest('hex');
      const props = r.properties ?? {};
      const frameworks = Array.isArray(props.frameworks)
        ? (props.frameworks as unknown[]).filter((x): x is FrameworkRef => frameworkRef.safeParse(x).success)
        : [];
      const evidence = typeof props.evidence === 'string' ? props.evidence.slice(0, MAX_EVIDENCE) : undefined;
      findings.push({
        ruleId,
        slug: rule?.name ?? ruleId.toLowerCase(),
        title: rule?.shortDescription?.text ?? message,
        severity,
        message,
        location: {
          path,
          ...(region?.startLine ? { startLine: region.startLine, startColumn: region.startColumn ?? 1 } : {}),
          ...(region?.endLine ? { endLine: region.endLine } : region?.startLine ? { endLine: region.startLine } : {}),
          ...(region?.endColumn ? { endColumn: region.endColumn } : {}),
        },
        frameworks,
        status: r.suppressions?.length ? 'suppressed' : 'fail',
        fingerprint: fingerprint.slice(0, 200),
        ...(evidence ? { evidence } : {}),
        ...(r.suppressions?.length
          ? { suppression: { kind: 'config', reason: r.suppressions[0].justification ?? r.suppressions[0].kind } }
          : {}),
      });
    }
  }
  const driver = runs[0].tool.driver;
  return {
    source: 'sarif',
    tool: { name: driver.name, version: driver.semanticVersion ?? driver.version ?? '' },
    targets: [],
    findings,
    errors: [],
    stats: { files: 0, resources: 0, durationMs: 0, rules: runs.reduce((n, r) => n + (r.tool.driver.rules?.length ?? 0), 0) },
    inventory: [],
    exposure: [],
  };
}
