import { hash } from 'node:crypto';
import type { Location, ResourceRef } from './types.js';

/**
 * A fingerprint that survives edits elsewhere in the file: it hashes the rule, the file, the
 * resource and the object path (or, for text findings, the evidence), never line numbers. A finding
 * in a container image hashes the image's identity with its path (see `ImageLocation.identity`).
 * `occurrence` separates equal findings within one file.
 *
 * A scan hashes the finding's subject path rather than `loc.objectPath` (`fingerprintBytesAt`): see
 * `Engine.toFinding`.
 */
export function fingerprint(ruleId: string, loc: Location, anchor: string, occurrence: number): string {
  return 'sha256:' + fingerprintDigest(ruleId, loc, anchor, occurrence);
}

/** The hex digest of `fingerprint`, without its `sha256:` prefix. */
export function fingerprintDigest(ruleId: string, loc: Location, anchor: string, occurrence: number): string {
  return hash('sha256', fingerprintInput(ruleId, loc, loc.objectPath, anchor, occurrence), 'hex');
}

/**
 * The digest of `fingerprint` as 32 characters, one per byte (`binary`, i.e. latin1): what a scan counts
 * (`DigestCounter.addBytes`) before it writes the fingerprint (`fingerprintOf`), without hex digits to read back.
 */
export function fingerprintBytes(ruleId: string, loc: Location, anchor: string, occurrence: number): string {
  return hash('sha256', fingerprintInput(ruleId, loc, loc.objectPath, anchor, occurrence), 'binary');
}

/** `fingerprintBytes` with `objectPath` hashed in place of `loc.objectPath` (without a copy of the location). */
export function fingerprintBytesAt(
  ruleId: string,
  loc: Location,
  objectPath: string | undefined,
  anchor: string,
  occurrence: number,
): string {
  return hash('sha256', fingerprintInput(ruleId, loc, objectPath, anchor, occurrence), 'binary');
}

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const PREFIX = 'sha256:';
/** The fingerprint being written: `sha256:` then the digest's hex digits. */
const written = Buffer.from(PREFIX + '0'.repeat(64), 'latin1');

/** The fingerprint (`sha256:` and hex digits) of a digest `fingerprintBytes` returned, as one flat string. */
export function fingerprintOf(bytes: string): string {
  if (bytes.length !== 32) throw new Error(`fingerprintOf: a digest has 32 bytes, not ${bytes.length}`);
  for (let i = 0, at = PREFIX.length; i < 32; i++, at += 2) {
    const b = bytes.charCodeAt(i);
    written[at] = HEX_DIGITS[(b >> 4) & 15];
    written[at + 1] = HEX_DIGITS[b & 15];
  }
  return written.toString('latin1');
}

/** The end of the input of most findings: no detail, no anchor, the first occurrence. */
const PLAIN_END = '\u0000\u0000\u00000';

function fingerprintInput(ruleId: string, loc: Location, objectPath: string | undefined, anchor: string, occurrence: number): string {
  const detail = loc.detail ?? '';
  // Its parts joined by NUL, concatenated in one expression (an array to join costs more).
  return (
    ruleId +
    '\u0000' +
    objectPart(loc) +
    (objectPath ?? '') +
    (detail === '' && anchor === '' && occurrence === 0 ? PLAIN_END : '\u0000' + detail + '\u0000' + anchor + '\u0000' + occurrence)
  );
}

/** The file and resource part of the last input made, with what it was made of: an object's findings come one after another. */
let last: { path: string; resource: ResourceRef | undefined; part: string; file: string } = {
  path: '',
  resource: undefined,
  part: '\u0000\u0000',
  file: '',
};

/** `path NUL resource NUL` of the input: the part every finding of one object shares, made once for the object. */
function objectPart(loc: Location): string {
  return objectParts(loc).part;
}

function objectParts(loc: Location): { part: string; file: string } {
  if (loc.event || loc.image) {
    const part = fileAndResource(loc);
    return { part, file: part.slice(0, part.indexOf('\u0000')) };
  }
  const r = loc.resource;
  const was = last.resource;
  const same =
    loc.path === last.path &&
    (r === was ||
      (r !== undefined &&
        was !== undefined &&
        r.apiVersion === was.apiVersion &&
        r.kind === was.kind &&
        r.namespace === was.namespace &&
        r.name === was.name));
  if (!same) {
    const part = fileAndResource(loc);
    last = {
      path: loc.path,
      resource: r && { ...r },
      part,
      file: loc.path.includes('\u0000') ? part.slice(0, part.indexOf('\u0000')) : loc.path,
    };
  }
  return last;
}

/**
 * Where equal fingerprint inputs (`fingerprintBytesAt` of the same `ruleId` and `loc` but for the occurrence) can
 * only come from: the text of the input between its first and its second NUL, which is the file's part of it
 * (the path, an event's or an image's name of it) for a rule id without NUL. Findings of different scopes never
 * have equal inputs, so their occurrences can be counted apart (`DigestCounter.addBytes`), file by file;
 * events' together (`undefined`: the whole scan's table).
 */
export function occurrenceScope(ruleId: string, loc: Location): string | undefined {
  const nul = ruleId.indexOf('\u0000');
  let name: string;
  if (nul === -1) name = objectParts(loc).file;
  else {
    const next = ruleId.indexOf('\u0000', nul + 1);
    name = next === -1 ? ruleId.slice(nul + 1) : ruleId.slice(nul + 1, next);
  }
  // An audit log has a scope per event (`event:…`): one table for them all keeps an event's cost at a digest's 40 bytes.
  return name.startsWith('event:') ? undefined : name;
}

function fileAndResource(loc: Location): string {
  const r = loc.resource;
  // An event detection is about that event, wherever it was read from; other fingerprints stay as they were.
  // A path inside an image is a path of that image: two images scanned in one run never share a fingerprint.
  const path = loc.event
    ? `event:${loc.event.source ?? 'audit'}:${loc.event.auditID}`
    : loc.image
      ? `image:${loc.image.identity ?? loc.image.digest}:${loc.path}`
      : loc.path;
  const resource = r ? [r.apiVersion ?? '', r.kind, r.namespace ?? '', r.name ?? ''].join('/') : '';
  // Joined into one flat string: it is read again for each finding of the object.
  return [path, resource, ''].join('\u0000');
}

/**
 * Fingerprints a finding had before the fingerprint hashed its subject path (`Engine.toFinding`), where
 * that one differs: made only in a scan given a baseline or ignore entries that name fingerprints
 * (`EngineOptions.legacyFingerprints`), which match either. Kept beside the finding, not on it: a
 * report never writes them.
 */
const legacyPrints = new WeakMap<object, string>();

/** The fingerprint the finding (or a folded finding's entry) had before, when it differs from its own. */
export function legacyFingerprintOf(f: object): string | undefined {
  return legacyPrints.get(f);
}

export function setLegacyFingerprint(f: object, print: string | undefined): void {
  if (print !== undefined) legacyPrints.set(f, print);
}

/** The legacy fingerprints of findings and of their folded entries, to send to another thread (undefined when there are none). */
export function exportLegacyFingerprints(
  findings: ReadonlyArray<{ folded?: readonly object[] }>,
): Array<Array<string | undefined>> | undefined {
  let any = false;
  const out = findings.map((f) => {
    const prints = [legacyPrints.get(f), ...(f.folded ?? []).map((x) => legacyPrints.get(x))];
    any ||= prints.some((p) => p !== undefined);
    return prints;
  });
  return any ? out : undefined;
}

/** Sets, on findings received from another thread, the legacy fingerprints `exportLegacyFingerprints` made there. */
export function importLegacyFingerprints(
  findings: ReadonlyArray<{ folded?: readonly object[] }>,
  prints: Array<Array<string | undefined>> | undefined,
): void {
  if (!prints) return;
  findings.forEach((f, i) => {
    const [own, ...folded] = prints[i] ?? [];
    setLegacyFingerprint(f, own);
    f.folded?.forEach((x, j) => setLegacyFingerprint(x, folded[j]));
  });
}
