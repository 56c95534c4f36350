#!/usr/bin/env node
// Makes a fresh clone runnable: installs dependencies when node_modules is missing or older than
// the lockfile, and builds dist/ (the CLI and the dashboard in dist/web) when it is missing or older than any source file.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(args, what) {
  try {
    execFileSync(npm, args, { cwd: root, stdio: ['ignore', process.stderr, 'inherit'] });
  } catch {
    console.error(`sanctum: ${what} failed (npm ${args.join(' ')}); see the messages above`);
    process.exit(1);
  }
}

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const marker = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');
if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
  console.error('sanctum: installing dependencies…');
  // `npm install` from the lockfile rather than `npm ci`: the registry mirror lacks some other
  // platforms' optional binaries (@ast-grep/napi-*), which `npm ci` refuses to tolerate.
  run(['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error'], 'installing dependencies');
}
// What bin/sanctum loads: the bundle, made after tsc's output (scripts/bundle-cli.mjs).
const built = join(root, 'dist', 'bundle', 'main.js');
// The build's own scripts (the bundles) and settings count as sources.
const buildFiles = readdirSync(join(root, 'scripts'))
  .filter((f) => f.startsWith('bundle-'))
  .map((f) => join(root, 'scripts', f))
  .concat(['package.json', 'tsconfig.json', 'tsconfig.build.json'].map((f) => join(root, f)).filter((f) => existsSync(f)));
const srcTime = Math.max(newest(join(root, 'src')), ...buildFiles.map((f) => statSync(f).mtimeMs));
// The dashboard (web/ → dist/web) is built by the same `npm run build`.
const web = join(root, 'web');
const builtWeb = join(root, 'dist', 'web', 'index.html');
const webStale = existsSync(web) && (!existsSync(builtWeb) || statSync(builtWeb).mtimeMs < Math.max(newest(web), srcTime));
if (!existsSync(built) || statSync(built).mtimeMs < srcTime || webStale) {
  console.error('sanctum: building…');
  run(['run', '--silent', 'build'], 'building');
}
