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

function fingerprintInput(ruleId: string, loc: Location, anchor: string, occurrence: number): string {
  const r = loc.resource;
  // An event detection is about that event, wherever it was read from; other fingerprints stay as they were.
  // A path inside an image is a path of that image: two images scanned in one run never share a fingerprint.
  const path = loc.event
    ? `event:${loc.event.source ?? 'audit'}:${loc.event.auditID}`
    : loc.image
      ? `image:${loc.image.identity ?? loc.image.digest}:${loc.path}`
      : loc.path;
  const resource = r ? (r.apiVersion ?? '') + '/' + r.kind + '/' + (r.namespace ?? '') + '/' + (r.name ?? '') : '';
  // Its parts joined by NUL, concatenated in one expression (an array to join costs more).
  return (
    ruleId +
    '\u0000' +
    path +
    '\u0000' +
    resource +
    '\u0000' +
    (loc.objectPath ?? '') +
    '\u0000' +
    (loc.detail ?? '') +
    '\u0000' +
    anchor +
    '\u0000' +
    occurrence
  );
}
