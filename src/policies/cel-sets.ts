import type { CelFunc, CelList } from '@bufbuild/cel';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * CEL's sets extension, as the API server offers it: `sets.contains(list, sublist)` (every element
 * of sublist is in list), `sets.equivalent(a, b)` (each contains the other) and `sets.intersects(a, b)`
 * (an element in common), e.g. `sets.contains(['Deny', 'Warn'], binding.spec.validationActions)`.
 * Membership is CEL's own `in`, so `1`, `1u` and `1.0` are one element, as in cel-go.
 */
export function setFunctions(cel: CelLibrary): CelFunc[] {
  const { celEnv, celFunc, CelScalar, listType, parse, plan } = cel;
  const L = listType(CelScalar.DYN);
  const std = celEnv();
  const program = (source: string) => {
    const run = plan(std, parse(source));
    return (a: CelList, b: CelList): boolean => {
      const out = run({ a, b });
      if (typeof out !== 'boolean') throw new Error(`sets: ${cel.isCelError(out) ? out.message : 'not a bool'}`);
      return out;
    };
  };
  const contains = program('b.all(x, x in a)');
  const intersects = program('a.exists(x, x in b)');
  return [
    celFunc('sets.contains', [L, L], CelScalar.BOOL, (a: CelList, b: CelList) => contains(a, b)),
    celFunc('sets.equivalent', [L, L], CelScalar.BOOL, (a: CelList, b: CelList) => contains(a, b) && contains(b, a)),
    celFunc('sets.intersects', [L, L], CelScalar.BOOL, (a: CelList, b: CelList) => intersects(a, b)),
  ];
}
