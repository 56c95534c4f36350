export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const SCANNERS = ['misconfig', 'secrets', 'models', 'code', 'deps', 'runtime', 'malware'] as const;
export type ScannerName = (typeof SCANNERS)[number];

export type PathSegment = string | number;
export type ObjectPath = readonly PathSegment[];

/** 1-based lines and columns; endColumn is exclusive (SARIF convention). */
export interface SourceRange {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

export interface ResourceRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name?: string;
}

/** The event a runtime detection is about (`location.event`). */
export interface EventRef {
  /** The audit event's `auditID`, or the id of a Falco or Tetragon event (its exec id or a digest of it). */
  auditID: string;
  /** RFC 3339 time of the event. */
  time: string;
  /** Who acted: the user or service account of an audit event, the pod (namespace/name) of a host event. */
  user: string;
  sourceIPs: string[];
  /** `audit`, `falco` or `tetragon`. */
  source?: string;
}

/** The live cluster a finding's object was read from (`sanctum cluster`). */
export interface ClusterRef {
  /** The kubeconfig context (`in-cluster` inside a pod). */
  context: string;
  /** The API server URL. */
  server: string;
}

/** A layer of a container image: its position (0 = the base), digest and the build step that made it. */
export interface ImageLayerRef {
  index: number;
  digest: string;
  createdBy?: string;
}

/** Where in a container image a finding is: the image, and the layer that holds the file. */
export interface ImageLocation {
  /** The reference as given (`registry/repo:tag`, an archive path). */
  ref: string;
  /** The image's digest (manifest digest when known, else the config digest). */
  digest: string;
  /**
   * What the image is to fingerprints: its name (`registry/repository:tag`, or `@digest` when pinned) when the
   * input gives one, the same from a registry and from an archive, and across rebuilds pushed under that name; else the
   * config digest (an archive's path says nothing). An image whose name an earlier image of the same run had with other
   * content (two builds under one tag) is known by its config digest.
   */
  identity?: string;
  /**
   * The config digest (the image ID `docker images` shows): the image's content, the same from a registry
   * and from an archive.
   */
  imageId?: string;
  /** The layer the file comes from; absent for the image config and its history. */
  layer?: ImageLayerRef;
  /** A later layer that deleted or replaced the file: it is no longer in the filesystem, but still in the image. */
  removedBy?: ImageLayerRef;
}

export interface Location extends Partial<SourceRange> {
  /** Relative to the current directory, `/`-separated. */
  path: string;
  /** JSON pointer into the parsed document. */
  objectPath?: string;
  resource?: ResourceRef;
  /** Extra context for formats with internal structure (a notebook cell, an archive member). */
  detail?: string;
  /**
   * For a finding on rendered output: the renders that produced it (`kubectl kustomize deploy/overlays/prod`,
   * `helm template charts/app`), several when overlays share the base that holds the value.
   */
  renderedBy?: string[];
  /** For a runtime detection: the event it is about. */
  event?: EventRef;
  /** For an object read from a live cluster: which cluster (such findings have `resource` and no lines). */
  cluster?: ClusterRef;
  /** For a finding in a container image (`path` is then the path inside the image). */
  image?: ImageLocation;
}

export interface FrameworkRef {
  id: string;
  control: string;
  level?: string;
}

export type SuppressionKind = 'inline' | 'annotation' | 'config' | 'baseline';

export interface Suppression {
  kind: SuppressionKind;
  reason?: string;
  expires?: string;
}

/** A mechanical edit: replace the source text in `range` with `replacement`. */
export interface TextEdit {
  path: string;
  range: SourceRange;
  replacement: string;
}

export interface FixSuggestion {
  description: string;
  edits: TextEdit[];
  /**
   * Set when the fix cannot be applied mechanically (`edits` is then empty): why, where to make the
   * change by hand, and what it would change. A finding on rendered output (Helm, Kustomize) gets one.
   */
  manual?: string;
}

/** The advisory a supply-chain finding is about (OSV id, aliases, fixed versions). */
export interface FindingVulnerability {
  id: string;
  aliases: string[];
  summary: string;
  severity: Severity;
  cvss?: string;
  /** Versions that fix it; empty when there is no fix. */
  fixed: string[];
  references: string[];
}

/** The package a supply-chain finding is about. */
export interface FindingPackage {
  ecosystem: string;
  name: string;
  /** Empty when the manifest does not pin one. */
  version: string;
  purl: string;
  /**
   * The package the advisories were matched against when it is not this one: a conda package's PyPI
   * project (`by`: `name`, the same name; `mapping`, conda's other name for it, `pytorch` → `torch`).
   */
  matchedAs?: { ecosystem: 'PyPI'; name: string; purl: string; by: 'name' | 'mapping' };
}

export interface Finding {
  ruleId: string;
  slug: string;
  title: string;
  severity: Severity;
  message: string;
  location: Location;
  frameworks: FrameworkRef[];
  status: 'fail' | 'suppressed';
  fingerprint: string;
  evidence?: string;
  suppression?: Suppression;
  fix?: FixSuggestion;
  /** Findings of less specific rules on the same value, folded into this one (rule meta `supersedes`). */
  folded?: FoldedFinding[];
  vulnerability?: FindingVulnerability;
  package?: FindingPackage;
}

/** What remains of a finding folded into a more specific one on the same value. */
export interface FoldedFinding {
  ruleId: string;
  slug: string;
  severity: Severity;
  fingerprint: string;
}

export interface ScanError {
  path: string;
  message: string;
  /** For an error in a container image: the image and layer. */
  image?: ImageLocation;
  line?: number;
  /** Set when a Helm chart or Kustomize overlay could not be rendered (the error is on its `Chart.yaml` or kustomization). */
  notRendered?: 'chart' | 'overlay';
}

export interface ScanStats {
  files: number;
  resources: number;
  durationMs: number;
  rules: number;
}

/** What `sanctum image` read of one image: its identity, runtime settings, layers and inventory counts. */
export interface ImageSummary {
  ref: string;
  /** Manifest digest when known, else the config digest. */
  digest: string;
  /** The config blob's digest (the image ID). */
  configDigest: string;
  /** `os/arch[/variant]` from the config. */
  platform?: string;
  /** When the image was built, as its config says. */
  created?: string;
  /** The operating system its files say it is (os-release), with the end of its security support when known. */
  os?: { id: string; version?: string; name: string; endOfLife?: string; endOfLifeReached?: boolean };
  /** The runtime settings of the config (`User` is `''` when unset: root). */
  user: string;
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  exposedPorts?: string[];
  layers: Array<ImageLayerRef & { diffId?: string; storedBytes?: number; bytes?: number }>;
  /** Bytes of the layers as stored (compressed) and unpacked, over the layers read. */
  storedBytes: number;
  bytes: number;
  /** Regular files in the final filesystem, and files added by a layer and removed by a later one. */
  files: number;
  removedFiles: number;
  /** Installed packages found (OS and language), by OSV ecosystem without its release (`Debian`, `PyPI`, `npm`, `Go`). */
  packages: Record<string, number>;
  /** NVIDIA libraries found (CUDA, cuDNN, NCCL, …): one version per component. */
  gpu?: Array<{ name: string; version: string }>;
}

export interface ScanResult {
  schemaVersion: 1;
  tool: { name: 'sanctum'; version: string };
  targets: string[];
  /** For `sanctum image`: one summary per image read. */
  images?: ImageSummary[];
  findings: Finding[];
  errors: ScanError[];
  stats: ScanStats;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

function escapeSegment(seg: PathSegment): string {
  if (typeof seg === 'number') return String(seg);
  return seg.includes('~') || seg.includes('/') ? seg.replace(/~/g, '~0').replace(/\//g, '~1') : seg;
}

/** A node of the trie of pointers already made: the pointer of a path and those of its extensions by one segment. */
interface PointerNode {
  pointer: string;
  next: Map<PathSegment, PointerNode> | undefined;
}

const POINTERS: PointerNode = { pointer: '', next: undefined };
/** Pointers kept (findings of a scan share a few thousand paths; a scan of odd keys stops adding past this). */
const MAX_POINTERS = 20_000;
let pointers = 0;

export function pointerFromPath(path: ObjectPath): string {
  // Made once per path and shared: the pointers of a scan's findings are mostly the same few thousand.
  let node = POINTERS;
  for (const seg of path) {
    let child = node.next?.get(seg);
    if (child === undefined) {
      if (pointers >= MAX_POINTERS) return joinedPointer(path);
      // One join makes a flat string; `+` would keep a chain of pieces alive.
      child = { pointer: [node.pointer, escapeSegment(seg)].join('/'), next: undefined };
      (node.next ??= new Map()).set(seg, child);
      pointers++;
    }
    node = child;
  }
  return node.pointer;
}

/** `pointerFromPath(path.slice(from))`, without the copy. */
export function pointerOfTail(path: ObjectPath, from: number): string {
  let node = POINTERS;
  for (let i = from; i < path.length; i++) {
    const seg = path[i];
    let child = node.next?.get(seg);
    if (child === undefined) {
      if (pointers >= MAX_POINTERS) return path.length > from ? joinedPointer(path.slice(from)) : '';
      child = { pointer: [node.pointer, escapeSegment(seg)].join('/'), next: undefined };
      (node.next ??= new Map()).set(seg, child);
      pointers++;
    }
    node = child;
  }
  return node.pointer;
}

function joinedPointer(path: ObjectPath): string {
  return '/' + path.map(escapeSegment).join('/');
}
