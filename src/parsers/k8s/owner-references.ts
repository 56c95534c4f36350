import { isMapping } from '../yaml/position-table.js';

/** An owner reference with `controller: true`, its API group parsed from `apiVersion` (`''` for the core group). */
export interface ControllerReference {
  apiVersion: string;
  group: string;
  kind: string;
  name: string | undefined;
  uid: string | undefined;
}

/** The API group of an `apiVersion`: `apps` of `apps/v1`, `''` of `v1`. */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash === -1 ? '' : apiVersion.slice(0, slash);
}

/**
 * The first owner reference of `ownerReferences` (an object's `metadata.ownerReferences`, as read)
 * with `controller: true`, a string `apiVersion` and `kind`, that `accept` takes (any, without it).
 * The API server admits one controller reference; a manifest may hold more, and an `accept` that
 * declines one looks on at the next.
 */
export function controllerReference(
  ownerReferences: unknown,
  accept?: (ref: ControllerReference) => boolean,
): ControllerReference | undefined {
  if (!Array.isArray(ownerReferences)) return undefined;
  for (const r of ownerReferences) {
    if (!isMapping(r) || r.controller !== true || typeof r.apiVersion !== 'string' || typeof r.kind !== 'string') continue;
    const ref: ControllerReference = {
      apiVersion: r.apiVersion,
      group: apiGroupOf(r.apiVersion),
      kind: r.kind,
      name: typeof r.name === 'string' ? r.name : undefined,
      uid: typeof r.uid === 'string' ? r.uid : undefined,
    };
    if (!accept || accept(ref)) return ref;
  }
  return undefined;
}
