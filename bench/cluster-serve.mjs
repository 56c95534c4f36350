#!/usr/bin/env node
// The objects of a directory of manifests served by the fake API server (as `bench/cluster.mjs` serves
// its corpus) until this process is stopped, for measuring one build against another on the same
// cluster: prints the kubeconfig's path, then waits. Usage: node bench/cluster-serve.mjs DIR
// then `node bench/cluster-child.mjs KUBECONFIG` (or under valgrind) from each checkout.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fakeServerModule, manifestObjects } from './cluster.mjs';

const [dir] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node bench/cluster-serve.mjs DIR\n');
  process.exit(2);
}
// Inside the checkout: the server's module imports its dependencies from node_modules.
const corpus = join(fileURLToPath(new URL('.', import.meta.url)), '.corpus');
mkdirSync(corpus, { recursive: true });
const work = mkdtempSync(join(corpus, 'cluster-serve-'));
const objects = manifestObjects(dir);
const { FakeApiServer } = await import(await fakeServerModule(work));
const server = await new FakeApiServer({ objects }).start();
process.stdout.write(`${server.kubeconfigPath}\n`);
process.stderr.write(`${objects.length} objects served at ${server.url}\n`);
const stop = async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
