/**
 * A smaller input that still fails the same way: chunks are removed, from half the input down to
 * single bytes, while `fails` holds (delta debugging, bounded to `budget` tries).
 */
export async function minimize(
  bytes: Uint8Array,
  fails: (b: Uint8Array) => boolean | Promise<boolean>,
  budget = 3000,
): Promise<Uint8Array> {
  let best = bytes;
  let tries = 0;
  for (let chunk = Math.max(1, best.length >> 1); chunk >= 1 && tries < budget; chunk = chunk === 1 ? 0 : Math.max(1, chunk >> 1)) {
    for (let at = 0; at < best.length && tries < budget;) {
      const candidate = new Uint8Array(best.length - Math.min(chunk, best.length - at));
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + chunk), at);
      tries++;
      if (await fails(candidate)) best = candidate;
      else at += chunk;
    }
  }
  return best;
}
