#!/usr/bin/env node
// Regenerates examples/ai-platform/models/classifier.pt from its TypeScript builder
// (src/testing/models/example-model.ts, over the model builders in src/rules/models/lib/builders/) by running the test that checks the committed file,
// in update mode. Without update mode that test fails whenever the file and the builder differ.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
execFileSync(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['vitest', 'run', 'src/parsers/models/example-model.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, UPDATE_EXAMPLE_MODEL: '1' },
});
