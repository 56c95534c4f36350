import { hash } from 'node:crypto';
import type { Location } from './types.js';

/**
 * A fingerprint that survives edits elsewhere in the file: it hashes the rule, the file, the
 * resource and the object path (or, for text findings, the evidence), never line numbers. A finding
 * in a container image hashes the image's identity with its path (see `ImageLocation.identity`).
 * `occurrence` separates equal findings within one file.
 */
export function fingerprint(ruleId: string, loc: Location, anchor: string, occurrence: number): string {
  return 'sha256:' + fingerprintDigest(ruleId, loc, anchor, occurrence);
}

/** The hex digest of `fingerprint`, without its `sha256:` prefix. */
export function fingerprintDigest(ruleId: string, loc: Location, anchor: string, occurrence: number): string {
  return hash('sha256', fingerprintInput(ruleId, loc, anchor, occurrence), 'hex');
}

/** The digest of `fingerprint` as bytes. */
export function fingerprintBytes(ruleId: string, loc: Location, anchor: string, occurrence: number): Buffer {
  return hash('sha256', fingerprintInput(ruleId, loc, anchor, occurrence), 'buffer');
}

function fingerprintInput(ruleId: string, loc: Location, anchor: string, occurrence: number): string {
  const r = loc.resource;
  const resource = r ? `${r.apiVersion ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name ?? ''}` : '';
  const parts = [ruleId, loc.path, resource, loc.objectPath ?? '', loc.detail ?? '', anchor, String(occurrence)];
  // An event detection is about that event, wherever it was read from; other fingerprints stay as they were.
  if (loc.event) parts[1] = `event:${loc.event.source ?? 'audit'}:${loc.event.auditID}`;
  // A path inside an image is a path of that image: two images scanned in one run never share a fingerprint.
  else if (loc.image) parts[1] = `image:${loc.image.identity ?? loc.image.digest}:${loc.path}`;
  return parts.join('\u0000');
}
