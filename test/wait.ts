/**
 * Waits for a condition instead of a fixed time: tests run on loaded machines, where what takes
 * 50 ms alone can take seconds. `check` is polled until it returns a value other than `undefined` or
 * `false`, which is returned; after `ms` (generous, and below the test's own timeout) the wait fails
 * naming `what`, with the last error `check` threw.
 */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  { ms = 20_000, everyMs = 20 }: { ms?: number; everyMs?: number } = {},
): Promise<T> {
  const end = Date.now() + ms;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > end) {
      const why = lastError instanceof Error ? ` (last: ${lastError.message})` : '';
      throw new Error(`timed out after ${ms} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
