/**
 * Mutation fuzzing of every format Sanctum reads (see CONTRIBUTING.md, "Fuzzing"): a fixed seed and
 * a few cases per format here; `npm run fuzz` runs longer campaigns with the same code, through the
 * `SANCTUM_FUZZ_*` variables below.
 */
import { describe, expect, it } from 'vitest';
import { runCampaign, type CampaignFailure } from './campaign.js';
import { signature } from './run-case.js';

const env = process.env;
const SEED = Number(env.SANCTUM_FUZZ_SEED ?? 1);
const ITERATIONS = Number(env.SANCTUM_FUZZ_ITERATIONS ?? 3);
const SECONDS = env.SANCTUM_FUZZ_SECONDS ? Number(env.SANCTUM_FUZZ_SECONDS) : undefined;
const FORMATS = env.SANCTUM_FUZZ_FORMATS ? env.SANCTUM_FUZZ_FORMATS.split(',') : undefined;
/** Far beyond any case's reasonable time, even on a loaded machine: only a hang reaches it. */
const HANG_MS = Number(env.SANCTUM_FUZZ_HANG_MS ?? 20_000);
const CAMPAIGN = env.SANCTUM_FUZZ_SECONDS !== undefined || env.SANCTUM_FUZZ_ITERATIONS !== undefined;

function describeFailure(f: CampaignFailure): string {
  const where = `${f.format} case ${f.index} (seed ${f.seed}${f.path ? `, ${f.path}, ${f.size} bytes` : ''})`;
  return `${f.kind} in ${where}: ${f.detail}${f.saved?.length ? ` [saved: ${f.saved.join(', ')}]` : ''}`;
}

describe('mutation fuzzing', () => {
  it(
    'every mutated input ends with findings or a clear error naming the file',
    async () => {
      const result = await runCampaign({
        seed: SEED,
        iterations: ITERATIONS,
        seconds: SECONDS,
        formats: FORMATS,
        hangMs: HANG_MS,
        maxRssMb: Number(env.SANCTUM_FUZZ_MAX_RSS_MB ?? 2048),
        outDir: env.SANCTUM_FUZZ_OUT,
        minimize: env.SANCTUM_FUZZ_MINIMIZE === '1',
        onProgress: CAMPAIGN ? (line) => console.log(line) : undefined,
      });
      for (const format of result.formats) expect(result.cases[format], `cases run for ${format}`).toBeGreaterThan(0);
      // One line per bug: the first case of each kind of failure, with how many cases failed that way.
      const bySignature = new Map<string, CampaignFailure[]>();
      for (const f of result.failures) {
        const key = signature(f);
        bySignature.set(key, [...(bySignature.get(key) ?? []), f]);
      }
      const lines = [...bySignature.values()].map((list) => `${list.length}× ${describeFailure(list[0])}`);
      if (CAMPAIGN) for (const line of lines) console.log(line);
      expect(lines).toEqual([]);
    },
    CAMPAIGN ? 24 * 3600_000 : 600_000,
  );
});
