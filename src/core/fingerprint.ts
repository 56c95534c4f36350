import { hash } from 'node:crypto';
import type { Location } from './types.js';

/**
 * A fingerprint that survives edits elsewhere in the file: it hashes the rule, the file, the
 * resource and the object path (or, for text findings, the evidence), never line numbers.
 * `occurrence` separates equal findings within one file.
 */
export function fingerprint(ruleId: string, loc: Location, anchor: string, occurrence: number): string {
  return 'sha256:' + fingerprintDigest(ruleId, loc, anchor, occurrence);
}

/** The hex digest of `fingerprint`, without its `sha256:` prefix. */
export function fingerprintDigest(ruleId: string, loc: Location, anchor: string, occurrence: number): string {
  const r = loc.resource;
  const resource = r ? `${r.apiVersion ?? ''}/${r.kind}/${r.namespace ?? ''}/${r.name ?? ''}` : '';
  return hash('sha256', [ruleId, loc.path, resource, loc.objectPath ?? '', loc.detail ?? '', anchor, String(occurrence)].join('\u0000'), 'hex');
}
