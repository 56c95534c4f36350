/** How the bounds of archive reading are said: in numbers, with what was left unread. */

/** `536870912` → `512 MiB`, `1000` → `1000-byte` (as in "the 512 MiB decompression limit"). */
export function formatLimit(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ] as const)
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  return `${bytes}-byte`;
}

/** Past the member limit of an archive: how many members there are, and how many were not read. */
export function memberLimitProblem(
  archive: 'zip' | 'tar',
  limit: number,
  unread: number,
  atLeast: boolean,
): { kind: 'limit'; message: string } {
  const more = atLeast ? 'at least ' : '';
  return {
    kind: 'limit',
    message: `${archive} archive has ${more}${limit + unread} members, over the limit of ${limit} members per archive: ${more}${unread} member(s) not read`,
  };
}
