/** An image config as `sanctum image` writes it for the rules (`config.json`), for rule examples and tests. */
export function imageConfigJson(runtime: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return (
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: runtime, rootfs: { type: 'layers', diff_ids: [] }, ...extra }, null, 2) +
    '\n'
  );
}

/** A layer facts document (`image-facts.json`), for rule examples and tests. */
export function imageFactsJson(facts: Array<Record<string, unknown>>, path: string[] = ['/usr/local/bin', '/usr/bin', '/bin']): string {
  return JSON.stringify({ sanctumImageFacts: 1, path, layers: [{ index: 0, digest: 'sha256:' + '0'.repeat(64) }], facts }, null, 2) + '\n';
}
