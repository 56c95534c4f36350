#!/usr/bin/env node
// Runs a longer mutation-fuzzing campaign (src/testing/fuzz/): the fuzz test of the normal suite, with
// more cases per format, through its SANCTUM_FUZZ_* variables. See CONTRIBUTING.md, "Fuzzing".
//
//   npm run fuzz -- [--seconds 60] [--iterations N] [--seed 1] [--formats pickle,k8s] [--out DIR] [--minimize]
//
// Each format runs until --iterations cases or --seconds have passed, whichever comes first (default:
// 60 seconds per format). Inputs that fail are written to --out (default: scratch/fuzz), with
// --minimize also a smaller input that fails the same way. The run prints each new kind of failure
// as it is found and fails when there is any.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE =
  'usage: npm run fuzz -- [--seconds 60] [--iterations N] [--seed 1] [--formats pickle,k8s] [--out DIR] [--minimize] [--hang-ms 20000]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '60' },
      iterations: { type: 'string', default: '1000000000' },
      seed: { type: 'string', default: String(Date.now() % 1_000_000) },
      formats: { type: 'string' },
      out: { type: 'string', default: 'scratch/fuzz' },
      minimize: { type: 'boolean', default: false },
      'hang-ms': { type: 'string', default: '20000' },
      help: { type: 'boolean', default: false },
    },
  }));
} catch (e) {
  console.error(`fuzz: ${e.message}\n${USAGE}`);
  process.exit(2);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const root = fileURLToPath(new URL('..', import.meta.url));
console.log(`fuzzing with seed ${values.seed} (reproduce with --seed ${values.seed})`);
try {
  execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['vitest', 'run', 'src/testing/fuzz/fuzz.test.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      SANCTUM_FUZZ_SEED: values.seed,
      SANCTUM_FUZZ_SECONDS: values.seconds,
      SANCTUM_FUZZ_ITERATIONS: values.iterations,
      SANCTUM_FUZZ_OUT: values.out,
      SANCTUM_FUZZ_HANG_MS: values['hang-ms'],
      ...(values.formats ? { SANCTUM_FUZZ_FORMATS: values.formats } : {}),
      ...(values.minimize ? { SANCTUM_FUZZ_MINIMIZE: '1' } : {}),
    },
  });
} catch {
  process.exit(1);
}
