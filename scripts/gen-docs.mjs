#!/usr/bin/env node
// Writes docs/rules/*.md and schemas/sanctum-config.schema.json from the built metadata in dist/
// (`npm run gen` builds first) and removes pages of rules that no longer exist.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'docs', 'generated.js');
if (!existsSync(built)) {
  console.error('dist/docs/generated.js is missing: run `npm run build` first (or `npm run gen`)');
  process.exit(1);
}
const { generatedFiles, GENERATED_DIRS } = await import(new URL(`file://${built}`).href);

const files = generatedFiles();
let written = 0;
let removed = 0;
for (const [path, text] of files) {
  const abs = join(root, path);
  if (existsSync(abs) && readFileSync(abs, 'utf8') === text) continue;
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
  written++;
}
for (const dir of GENERATED_DIRS) {
  const abs = join(root, dir);
  if (!existsSync(abs)) continue;
  for (const name of readdirSync(abs)) {
    if (!files.has(`${dir}/${name}`)) {
      rmSync(join(abs, name), { recursive: true, force: true });
      removed++;
    }
  }
}
console.log(`gen-docs: ${files.size} files, ${written} written, ${removed} stale removed`);
