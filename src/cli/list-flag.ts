/** Repeatable flag whose values may also be comma-separated (`--rule A,B --rule C`). */
export const collect = (v: string, prev: string[] = []): string[] => [
  ...prev,
  ...v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** Repeatable flag whose values may contain commas (`--helm-set a=b,c=d`, paths). */
export const repeat = (v: string, prev: string[] = []): string[] => [...prev, v];
