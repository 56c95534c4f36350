import type { CelFunc, CelInput, CelType, CelValue } from '@bufbuild/cel';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * The values of Kubernetes' CEL types (Quantity, URL, IP, CIDR, Semver, optional, Format, the authorizer's) as
 * @bufbuild/cel holds them: a map of one entry whose key names the type and whose value is the
 * canonical text (or, for an optional, the list of its zero or one value). Equal values have equal
 * maps, so CEL's `==` compares them as the API server does.
 *
 * @bufbuild/cel tells overloads apart by the CEL type of the target and arguments only, and every
 * map is a `map`: methods of these types are therefore declared for one tag each (`taggedMethod`)
 * and only answer for values with their tag, so that `compareTo` of a Quantity and of a Semver, or
 * `string()` of an IP and of a CIDR, live side by side.
 */

export type Tag =
  | 'quantity'
  | 'url'
  | 'ip'
  | 'cidr'
  | 'semver'
  | 'optional'
  | 'optional-entry'
  | 'format'
  | 'authorizer'
  | 'authz-group'
  | 'authz-resource'
  | 'authz-path'
  | 'authz-decision';

const keyOf = (tag: Tag): string => `__kubernetes_${tag}__`;

/** Reads like a CEL map (CelMap or a JS Map). */
interface MapLike {
  readonly size: number;
  get(key: string): unknown;
}

function isMapLike(v: unknown): v is MapLike {
  return typeof v === 'object' && v !== null && typeof (v as MapLike).get === 'function' && typeof (v as MapLike).size === 'number';
}

/** A value of the tagged type. */
export function tagged(tag: Tag, payload: CelInput): ReadonlyMap<string, CelInput> {
  return new Map([[keyOf(tag), payload]]);
}

/** True when the value is of the tagged type. */
export function hasTag(v: unknown, tag: Tag): boolean {
  return isMapLike(v) && v.size === 1 && v.get(keyOf(tag)) !== undefined;
}

/** The payload of a value of the tagged type, or undefined for anything else. */
export function payloadOf(v: unknown, tag: Tag): unknown {
  return hasTag(v, tag) ? (v as MapLike).get(keyOf(tag)) : undefined;
}

/** The payload of a value that must be of the tagged type; a clear error otherwise. */
export function textOf(v: unknown, tag: Tag, hint: string): string {
  const p = payloadOf(v, tag);
  if (typeof p !== 'string') throw new Error(`not a ${tag} (make one with ${hint})`);
  return p;
}

export interface TaggedFunctions {
  /** `target.name(args)` for targets of the tag. */
  method<const P extends readonly CelType[], const R extends CelType>(
    tag: Tag,
    name: string,
    args: P,
    result: R,
    impl: (this: CelValue, ...args: never[]) => unknown,
  ): CelFunc;
  /** `name(arg0, args...)` for a first argument of the tag. */
  func<const P extends readonly CelType[], const R extends CelType>(
    tag: Tag,
    name: string,
    args: P,
    result: R,
    impl: (...args: never[]) => unknown,
  ): CelFunc;
}

/** Declarations of functions that answer only for values of one tag (see above). */
export function taggedFunctions(cel: CelLibrary): TaggedFunctions {
  const { celFunc, celMethod } = cel;
  const restrict = (inner: CelFunc, tag: Tag, applies: (target: unknown, args: unknown[]) => boolean): CelFunc =>
    // The resolver asks each overload in turn and takes the first answer that is not undefined, and keeps one overload per id.
    Object.freeze({
      ...Object.fromEntries(Object.getOwnPropertySymbols(inner).map((s) => [s, (inner as never)[s]])),
      id: `${tag}:${inner.id}`,
      name: inner.name,
      target: inner.target,
      arguments: inner.arguments,
      result: inner.result,
      call: (id: number, target: CelValue | undefined, args: CelValue[]) =>
        applies(target, args) ? inner.call(id, target, args) : undefined,
    }) as unknown as CelFunc;
  return {
    method(tag, name, args, result, impl) {
      const inner = celMethod(name, cel.CelScalar.DYN, args, result, impl as never);
      return restrict(inner, tag, (target) => hasTag(target, tag));
    },
    func(tag, name, args, result, impl) {
      const inner = celFunc(name, args, result, impl as never);
      return restrict(inner, tag, (_target, a) => hasTag(a[0], tag));
    },
  };
}

/** `isX(s)` of a library whose `x(s)` parses with `parse`: true when it parses, false when it throws. */
export function parses(parse: (s: string) => unknown): (s: string) => boolean {
  return (s) => {
    try {
      parse(s);
      return true;
    } catch {
      return false;
    }
  };
}
