import type { AnyRule } from '../core/rule.js';
import type { Finding, Location, ScanError, ScanResult, Severity, Suppression } from '../core/types.js';
import { collectChunks, writeJsonStreaming, type ChunkSink } from './json-stream.js';
import { RULE_DOCS_URL, PROJECT_URL, type Reporter, type StreamingReporter } from './reporter.js';

/** GitHub code scanning reads `security-severity` (0.0–10.0) to rank security results. */
export const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

type Level = 'error' | 'warning' | 'note';

export function sarifLevel(s: Severity): Level {
  return s === 'critical' || s === 'high' ? 'error' : s === 'medium' ? 'warning' : 'note';
}

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const FINGERPRINT_KEY = 'sanctumFingerprint/v1';

/** A relative, `/`-separated path as a URI reference: each segment percent-encoded. */
export function pathToUri(path: string): string {
  return path
    .split('/')
    .map((seg) => encodeURIComponent(seg))
    .join('/');
}

/** Where a SARIF artifact is: a URI relative to `uriBaseId`, or absolute without it. */
export interface ArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

/** The default: reported paths are relative to the directory Sanctum ran in, `%SRCROOT%`. */
function relativeToRunDirectory(path: string): ArtifactLocation {
  return { uri: pathToUri(path), uriBaseId: '%SRCROOT%' };
}

const RUN_DIRECTORY_ROOT = 'The directory Sanctum was run from; result paths are relative to it.';

function isUrl(s: string): boolean {
  return /^https?:\/\//.test(s);
}

function ruleDescriptor(rule: AnyRule) {
  const m = rule.meta;
  const refs = m.references.map((r) => (isUrl(r) ? r : `${PROJECT_URL}/${r.replace(/^\.?\//, '')}`));
  const frameworks = m.frameworks.map((f) => `${f.id}:${f.control}${f.level ? `@${f.level}` : ''}`);
  const text = [m.remediation, '', 'References:', ...refs.map((r) => `- ${r}`)].join('\n');
  const markdown = [
    `**${m.title}** (${m.id}, ${m.severity})`,
    '',
    m.rationale,
    '',
    '**Remediation**',
    '',
    m.remediation,
    ...(refs.length ? ['', '**References**', '', ...refs.map((r) => `- <${r}>`)] : []),
  ].join('\n');
  return {
    id: m.id,
    name: m.slug,
    shortDescription: { text: m.title },
    fullDescription: { text: m.rationale },
    help: { text, markdown },
    helpUri: `${RULE_DOCS_URL}${m.slug}.md`,
    defaultConfiguration: { level: sarifLevel(m.severity) },
    properties: {
      'security-severity': SECURITY_SEVERITY[m.severity],
      severity: m.severity,
      scanner: m.scanner,
      tags: [...new Set(['security', m.scanner, ...frameworks])],
    },
  };
}

/** A rule known only from its findings (it was not in the context). */
function fallbackDescriptor(f: Finding) {
  return {
    id: f.ruleId,
    name: f.slug,
    shortDescription: { text: f.title },
    helpUri: `${RULE_DOCS_URL}${f.slug}.md`,
    defaultConfiguration: { level: sarifLevel(f.severity) },
    properties: { 'security-severity': SECURITY_SEVERITY[f.severity], severity: f.severity, tags: ['security'] },
  };
}

function region(l: Partial<Location>) {
  if (l.startLine === undefined) return undefined;
  const r: Record<string, number> = { startLine: l.startLine };
  if (l.startColumn !== undefined) r.startColumn = l.startColumn;
  if (l.endLine !== undefined) r.endLine = l.endLine;
  if (l.endColumn !== undefined) r.endColumn = l.endColumn;
  return r;
}

function logicalLocations(l: Location) {
  const r = l.resource;
  if (r) {
    const id = `${r.kind}/${r.namespace ?? ''}/${r.name ?? ''}`;
    return [{ name: r.name ?? r.kind, fullyQualifiedName: l.objectPath ? `${id}${l.objectPath}` : id, kind: 'resource' }];
  }
  if (l.objectPath) return [{ name: l.objectPath.split('/').pop() || '/', fullyQualifiedName: l.objectPath, kind: 'object' }];
  if (l.detail) return [{ name: l.detail, kind: 'module' }];
  return undefined;
}

/**
 * A finding on a scanned file without a line (a model archive as a whole) is put at line 1 of the
 * file: GitHub code scanning places an alert by `region.startLine`.
 */
const WHOLE_FILE = { startLine: 1 };

function location(l: Location, artifact: (path: string) => ArtifactLocation, files: boolean) {
  const reg = region(l) ?? (files ? WHOLE_FILE : undefined);
  const logical = logicalLocations(l);
  return {
    physicalLocation: { artifactLocation: artifact(l.path), ...(reg ? { region: reg } : {}) },
    ...(logical ? { logicalLocations: logical } : {}),
  };
}

function suppression(s: Suppression) {
  return {
    kind: s.kind === 'inline' || s.kind === 'annotation' ? 'inSource' : 'external',
    status: 'accepted',
    ...(s.reason ? { justification: s.reason } : {}),
    properties: { sanctumKind: s.kind, ...(s.expires ? { expires: s.expires } : {}) },
  };
}

function fixes(f: Finding, artifact: (path: string) => ArtifactLocation) {
  if (!f.fix || f.fix.edits.length === 0) return undefined;
  const byPath = new Map<string, typeof f.fix.edits>();
  for (const e of f.fix.edits) byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
  return [
    {
      description: { text: f.fix.description },
      artifactChanges: [...byPath].map(([path, edits]) => ({
        artifactLocation: artifact(path),
        replacements: edits.map((e) => ({ deletedRegion: { ...e.range }, insertedContent: { text: e.replacement } })),
      })),
    },
  ];
}

function notification(e: ScanError, artifact: (path: string) => ArtifactLocation) {
  return {
    level: 'error',
    message: { text: e.message },
    // A path in the home directory (the vulnerability database, ~/.cache/sanctum/db) is no file of the scanned tree.
    ...(e.path.startsWith('~/')
      ? {}
      : {
          locations: [
            {
              physicalLocation: {
                artifactLocation: artifact(e.path),
                ...(e.line ? { region: { startLine: e.line } } : {}),
              },
            },
          ],
        }),
  };
}

/** SARIF 2.1.0: one run; suppressed findings carry `suppressions`, unreadable files are notifications. */
export const streamSarif: StreamingReporter = (result: ScanResult, ctx, sink: ChunkSink) => {
  const descriptors: ReturnType<typeof ruleDescriptor | typeof fallbackDescriptor>[] = [];
  const index = new Map<string, number>();
  const add = (id: string, d: ReturnType<typeof ruleDescriptor | typeof fallbackDescriptor>) => {
    if (index.has(id)) return;
    index.set(id, descriptors.length);
    descriptors.push(d);
  };
  for (const r of ctx.rules) add(r.meta.id, ruleDescriptor(r));
  for (const f of result.findings) {
    if (index.has(f.ruleId)) continue;
    const r = ctx.lookup?.(f.ruleId);
    add(f.ruleId, r ? ruleDescriptor(r) : fallbackDescriptor(f));
  }

  const artifact = ctx.sarifArtifacts?.locate ?? relativeToRunDirectory;
  const files = ctx.sarifArtifacts !== undefined;
  const toResult = (f: Finding) => {
    const fx = fixes(f, artifact);
    return {
      ruleId: f.ruleId,
      ruleIndex: index.get(f.ruleId)!,
      level: sarifLevel(f.severity),
      message: { text: f.message },
      locations: [location(f.location, artifact, files)],
      partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
      ...(f.suppression
        ? { suppressions: [suppression(f.suppression)] }
        : f.status === 'suppressed'
          ? { suppressions: [{ kind: 'external' }] }
          : {}),
      ...(fx ? { fixes: fx } : {}),
      properties: {
        severity: f.severity,
        'security-severity': SECURITY_SEVERITY[f.severity],
        ...(f.evidence ? { evidence: f.evidence } : {}),
        ...(f.frameworks.length ? { frameworks: f.frameworks.map((x) => ({ ...x })) } : {}),
        ...(f.location.objectPath !== undefined ? { objectPath: f.location.objectPath } : {}),
        ...(f.location.resource ? { resource: { ...f.location.resource } } : {}),
        ...(f.vulnerability ? { vulnerability: { ...f.vulnerability } } : {}),
        ...(f.package ? { package: { ...f.package } } : {}),
      },
    };
  };

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Sanctum',
            version: result.tool.version,
            semanticVersion: result.tool.version,
            informationUri: PROJECT_URL,
            rules: descriptors,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.errors.map((e) => notification(e, artifact)),
          },
        ],
        originalUriBaseIds: {
          '%SRCROOT%': { description: { text: ctx.sarifArtifacts?.root ?? RUN_DIRECTORY_ROOT } },
        },
        columnKind: 'utf16CodeUnits',
        results: result.findings,
        properties: { targets: result.targets, stats: { ...result.stats } },
      },
    ],
  };
  // The results are written as they are made, a batch at a time.
  writeJsonStreaming(log, result.findings, toResult, sink);
  sink('\n');
};

export const sarifReporter: Reporter = (result, ctx) => collectChunks((sink) => streamSarif(result, ctx, sink));
