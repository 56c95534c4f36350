// The block YAML reader alone, for instruction counts: reads every YAML file of DIR into memory, then
// reads them ROUNDS times with `loadBlockYaml` and seals each position table (js-yaml is not run; a
// file the reader gives up is counted). ROUNDS=0 measures what the process costs without the reader.
// Usage: node bench/k8s-block-yaml.mjs DIR [ROUNDS]   (needs a built dist/)
//   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
//     node --predictable --predictable-gc-schedule --random-seed=1 --hash-seed=1 bench/k8s-block-yaml.mjs DIR 1
import { readFileSync } from 'node:fs';
import { loadBlockYaml } from '../dist/parsers/yaml/block-yaml.js';
import { PositionTable } from '../dist/parsers/yaml/position-table.js';
import { yamlFiles } from './yaml-files.mjs';

const [dir, rounds = '1'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/k8s-block-yaml.mjs DIR [ROUNDS]');
  process.exit(2);
}

const texts = [...yamlFiles(dir)].map((f) => readFileSync(f, 'utf8'));
let documents = 0;
let nodes = 0;
let givenUp = 0;
const start = process.cpuUsage();
for (let r = 0; r < Number(rounds); r++)
  for (const text of texts) {
    const table = new PositionTable(text);
    const docs = loadBlockYaml(text, table, 100);
    if (docs === undefined) {
      givenUp++;
      table.discard();
      continue;
    }
    table.seal();
    documents += docs.length;
    nodes += table.count;
  }
const used = process.cpuUsage(start);
console.log(
  JSON.stringify({
    files: texts.length,
    rounds: Number(rounds),
    documents,
    nodes,
    givenUp,
    cpuMs: Math.round((used.user + used.system) / 1000),
  }),
);
