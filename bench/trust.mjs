#!/usr/bin/env node
// Trust on real trees (issue 9): each tree of test/corpora/real-trees scanned with the real helm and
// kubectl renderers (the test tool package's binaries), then checked by src/testing/trust-check.ts:
// findings on lines that hold what they name, no duplicates, no patch judged alone, cross-object
// findings found again when their own render or directory is scanned alone.
// Usage: node bench/run.mjs trust
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

/** Test code (not built into dist/), transpiled beside the built modules it imports. */
async function testingModule(name) {
  const ts = (await import('typescript')).default;
  const source = readFileSync(join(root, 'src', 'testing', `${name}.ts`), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  const dir = join(root, 'dist', 'testing');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}.bench.mjs`);
  writeFileSync(out, outputText);
  return import(out);
}

export async function runTrustBench() {
  const { scanSync } = await import(join(root, 'dist', 'index.js'));
  const { allRules } = await import(join(root, 'dist', 'rules', 'index.js'));
  const { realRenderers } = await testingModule('real-renderers');
  const { checkTrust } = await testingModule('trust-check');
  const real = realRenderers();
  if (!real.helm || !real.kubectl) return `## Trust on real trees\n\nNot measured: ${real.reason}.\n`;
  const renderers = { helm: real.helm, kubectl: real.kubectl, kustomize: false };
  const cross = new Set(allRules.filter((r) => r.meta.appliesTo.includes('k8s-set')).map((r) => r.meta.id));
  const corpus = join(root, 'test', 'corpora', 'real-trees');
  const rows = [];
  const total = { files: 0, objects: 0, renders: 0, findings: 0, placed: 0, withoutLine: 0, cross: 0, errors: 0, v: [0, 0, 0, 0] };
  for (const tree of readdirSync(corpus, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()) {
    const dir = join(corpus, tree);
    const t0 = performance.now();
    const result = scanSync({ targets: ['.'], cwd: dir, config: false, renderers });
    const ms = performance.now() - t0;
    const report = checkTrust({
      root: dir,
      result,
      renderers: real,
      crossObjectRules: cross,
      scanGroup: (target) => scanSync({ targets: [target], cwd: dir, config: false, renderers, rules: [...cross] }),
    });
    const v = ['location', 'duplicate', 'patch-fragment', 'cross-group'].map((k) => report.violations[k].length);
    const placed = result.findings.filter((f) => f.location.startLine !== undefined).length;
    rows.push(
      `| \`${tree}\` | ${result.stats.files} | ${result.stats.resources} | ${report.renders.length} | ${report.patchFiles} | ${result.findings.length} | ${placed} | ${report.withoutLine} | ${report.crossObjectFindings} | ${result.errors.length} | ${v.join(' / ')} | ${(ms / 1000).toFixed(2)} s |`,
    );
    total.files += result.stats.files;
    total.objects += result.stats.resources;
    total.renders += report.renders.length;
    total.findings += result.findings.length;
    total.placed += placed;
    total.withoutLine += report.withoutLine;
    total.cross += report.crossObjectFindings;
    total.errors += result.errors.length;
    v.forEach((n, i) => (total.v[i] += n));
    for (const cls of Object.keys(report.violations))
      for (const x of report.violations[cls].slice(0, 5)) console.error(`${tree}: ${cls}: ${x.finding}: ${x.detail}`);
  }
  rows.push(
    `| **all** | ${total.files} | ${total.objects} | ${total.renders} | | ${total.findings} | ${total.placed} | ${total.withoutLine} | ${total.cross} | ${total.errors} | **${total.v.join(' / ')}** | |`,
  );
  return (
    `## Trust on real trees\n\n` +
    `The trees of \`test/corpora/real-trees\` (see its README: Kubeflow manifests, KServe, KubeRay, the vLLM production stack, the Ollama and Open WebUI charts, the NVIDIA GPU Operator), each scanned with every rule and the real \`helm\` and \`kubectl\` (Kustomize) renderers, then checked by \`src/testing/trust-check.ts\` (also run by \`test/real-trees.test.ts\`): ` +
    `(a) **location**: the finding's lines hold the key or value its object path names in the object as rendered again here (in a kustomization, the transformer entry that produced the value), or the finding names the rendered object and its renders without a line; ` +
    `(b) **duplicate**: no two findings with the same rule, file, line and resource; (c) **patch fragment**: no finding on a patch file of a kustomization judged as a whole object; ` +
    `(d) **cross-group**: every cross-object finding (rules over \`k8s-set\`) is found again when its own render or directory is scanned alone.\n\n` +
    `| tree | files | objects | renders | patch files | findings | on a source line | rendered object named, no line | cross-object findings | errors | violations a / b / c / d | scan |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n` +
    rows.join('\n') +
    `\n\nScan time includes the renderers (a fresh \`helm template\` or \`kubectl kustomize\` per chart or overlay) on a shared 2-core machine: read it as an order of magnitude.\n`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await runTrustBench());
