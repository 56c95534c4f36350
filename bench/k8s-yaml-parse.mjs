// Parses the texts of a manifest tree in memory, each way in turn, rounds alternated in one process:
// the block reader with positions (what `sanctum scan` does first), js-yaml with the position
// listener (what it falls back to, and did before), and the bare js-yaml loadAll of the budget.
// Prints the CPU time of each round and how many files and documents the block reader read itself.
// Usage: node bench/k8s-yaml-parse.mjs DIR [ROUNDS]   (needs a built dist/)
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { loadBlockYaml } from '../dist/parsers/yaml/block-yaml.js';
import { KUBE_SCHEMA } from '../dist/parsers/yaml/kube-schema.js';
import { PositionTable } from '../dist/parsers/yaml/position-table.js';
import { yamlFiles } from './yaml-files.mjs';

const [dir, rounds = '4'] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node bench/k8s-yaml-parse.mjs DIR [ROUNDS]');
  process.exit(2);
}

const texts = [...yamlFiles(dir)].map((f) => readFileSync(f, 'utf8'));
const MAX_DEPTH = 100;

/** Documents js-yaml reads with the listener; 0 for a file it refuses (a chart template, say). */
function withListener(text) {
  const table = new PositionTable(text);
  try {
    const docs = yaml.loadAll(text, null, { schema: KUBE_SCHEMA, maxDepth: MAX_DEPTH, listener: table.listener });
    table.seal();
    return docs.length;
  } catch {
    return 0;
  }
}

function bare(text, options) {
  try {
    return yaml.loadAll(text, null, options).length;
  } catch {
    return 0;
  }
}

const ways = {
  'block reader, positions': () => {
    let documents = 0;
    for (const text of texts) {
      const table = new PositionTable(text);
      const docs = loadBlockYaml(text, table, MAX_DEPTH);
      documents += docs === undefined ? withListener(text) : (table.seal(), docs.length);
    }
    return documents;
  },
  'js-yaml, positions': () => {
    let documents = 0;
    for (const text of texts) documents += withListener(text);
    return documents;
  },
  'js-yaml bare (Kubernetes schema)': () => {
    let documents = 0;
    for (const text of texts) documents += bare(text, { schema: KUBE_SCHEMA });
    return documents;
  },
  'js-yaml bare (default schema)': () => {
    let documents = 0;
    for (const text of texts) documents += bare(text, {});
    return documents;
  },
};

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const times = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
for (let r = 0; r < Number(rounds); r++)
  for (const [name, run] of Object.entries(ways)) {
    const start = cpuMs();
    run();
    times[name].push(Math.round(cpuMs() - start));
  }

let readFiles = 0;
let readDocuments = 0;
let allDocuments = 0;
for (const text of texts) {
  const docs = loadBlockYaml(text, new PositionTable(text), MAX_DEPTH);
  const n = docs === undefined ? withListener(text) : docs.length;
  allDocuments += n;
  if (docs !== undefined) {
    readFiles++;
    readDocuments += n;
  }
}
console.log(
  JSON.stringify(
    {
      files: texts.length,
      documents: allDocuments,
      blockReaderFiles: readFiles,
      blockReaderDocuments: readDocuments,
      cpuMsPerRound: times,
      load: (await import('node:os')).loadavg()[0].toFixed(1),
    },
    null,
    2,
  ),
);
