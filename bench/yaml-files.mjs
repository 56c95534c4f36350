// The YAML files under a directory in a stable order (names by localeCompare, depth first): what the
// benches that read a corpus themselves (the bare parse, the block reader, the cluster's objects) read.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function* yamlFiles(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yield* yamlFiles(path);
    else if (/\.ya?ml$/i.test(e.name)) yield path;
  }
}
