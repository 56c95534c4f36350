import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { expectNoStackTrace, PRIVILEGED_POD, run, SAFE_POD, workspace } from './cli-helpers.js';

let ws: ReturnType<typeof workspace>;
const cwd = () => ws.dir;
const ONLY = ['--rule', 'K8S-0003'];

beforeAll(() => {
  ws = workspace({
    'bad/pod.yaml': PRIVILEGED_POD,
    'good/pod.yaml': SAFE_POD,
    'broken/broken.yaml': 'a: [1,\n  b: "x\n',
    'broken/pod.yaml': SAFE_POD,
  });
});
afterAll(() => ws.cleanup());

const savedEnv = { ...process.env };
afterEach(() => {
  for (const k of ['NO_COLOR', 'FORCE_COLOR', 'CI']) {
    if (k in savedEnv) process.env[k] = savedEnv[k];
    else delete process.env[k];
  }
});

describe('exit codes', () => {
  it('0 when nothing is at or above --fail-on', async () => {
    const r = await run(['scan', 'good', ...ONLY], { cwd: cwd() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^No findings · 1 file · 1 resource · 1 rule · 0 errors · \d+ ms\n$/);
  });

  it('1 when a finding is at or above --fail-on (default high)', async () => {
    const r = await run(['scan', 'bad', ...ONLY], { cwd: cwd() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("bad/pod.yaml\n  11:7  CRITICAL  K8S-0003  Container 'vllm' runs privileged  Pod llm/vllm\n");
  });

  it('--fail-on decides the threshold; a rule severity from config lowers the finding below it', async () => {
    expect((await run(['scan', 'bad', ...ONLY, '--fail-on', 'critical'], { cwd: cwd() })).code).toBe(1);
    const cfg = join(cwd(), 'low.yaml');
    writeFileSync(cfg, 'rules:\n  K8S-0003:\n    severity: medium\n');
    expect((await run(['scan', 'bad', ...ONLY, '--config', 'low.yaml'], { cwd: cwd() })).code).toBe(0);
    expect((await run(['scan', 'bad', ...ONLY, '--config', 'low.yaml', '--fail-on', 'medium'], { cwd: cwd() })).code).toBe(1);
  });

  it('failOn of the configuration applies when --fail-on is not given', async () => {
    writeFileSync(join(cwd(), 'fail-medium.yaml'), 'failOn: medium\nrules:\n  K8S-0003:\n    severity: medium\n');
    expect((await run(['scan', 'bad', ...ONLY, '--config', 'fail-medium.yaml'], { cwd: cwd() })).code).toBe(1);
    expect((await run(['scan', 'bad', ...ONLY, '--config', 'fail-medium.yaml', '--fail-on', 'high'], { cwd: cwd() })).code).toBe(0);
  });

  it('finds .sanctum.yaml upward from the working directory', async () => {
    const w = workspace({
      '.sanctum.yaml': 'failOn: critical\nrules:\n  K8S-0003:\n    severity: high\n',
      'sub/dir/pod.yaml': PRIVILEGED_POD,
    });
    try {
      const r = await run(['scan', '.', ...ONLY, '-f', 'json'], { cwd: join(w.dir, 'sub') });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).findings[0].severity).toBe('high');
    } finally {
      w.cleanup();
    }
  });

  it.each([
    [['scan', 'bad', '--fail-on', 'severe'], /--fail-on must be one of critical, high, medium, low, info, none \(got 'severe'\)/],
    [['scan', 'bad', '--format', 'xml'], /unknown format 'xml' \(known: table, json, sarif, junit/],
    [['scan', 'bad', '--rule', 'K8S-9999'], /unknown rule K8S-9999 \(see `sanctum rules`\)/],
    [['scan', 'bad', '--skip-rule', 'no-such-rule'], /unknown rule no-such-rule/],
    [['scan', 'bad', '--framework', 'iso-27001'], /unknown framework 'iso-27001' \(known: pss/],
    [['scan', 'bad', '--framework', 'pss:strict'], /unknown level or control 'strict' of framework 'pss'/],
    [
      ['scan', 'bad', '--scanners', 'misconfig,viruses'],
      /unknown scanner 'viruses' \(known: misconfig, secrets, models, code, deps, runtime, malware\)/,
    ],
    [['scan', 'no-such-dir'], /^sanctum: cannot read target 'no-such-dir': no such file or directory\n$/],
    [['scan', 'bad', '--config', 'missing.yaml'], /^sanctum: cannot read configuration missing\.yaml: no such file or directory\n$/],
    [['scan', 'bad', '--baseline', 'missing.json'], /^sanctum: cannot read baseline missing\.json: no such file or directory\n$/],
    [['scan', 'bad', '--baseline', 'bad'], /^sanctum: cannot read baseline bad: is a directory\n$/],
    [['scan', 'bad', '--config', 'bad'], /^sanctum: cannot read configuration bad: is a directory\n$/],
    [['scan', 'bad', '--format', 'json', '--format', 'sarif'], /several formats need --output/],
    [
      ['scan', 'bad', '-f', 'json', '-f', 'sarif', '-o', 'a', '-o', 'b', '-o', 'c'],
      /one --output per --format, or a single --output base name/,
    ],
    [['scan', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [
      ['image', 'x.tar', '-o', 'json'],
      /^sanctum: -o json names the report's file, not its format: -f json picks the format \(-o FILE writes it to a file\)\n$/,
    ],
    [
      ['scan', 'bad', '-o', 'sarif'],
      /^sanctum: -o sarif names the report's file, not its format: -f sarif picks the format \(-o FILE writes it to a file\)\n$/,
    ],
    [
      ['scan', 'bad', '-o', 'JSON'],
      /^sanctum: -o JSON names the report's file, not its format: -f json picks the format \(-o FILE writes it to a file\)\n$/,
    ],
    [
      ['scan', 'bad', '-o', 'Sarif'],
      /^sanctum: -o Sarif names the report's file, not its format: -f sarif picks the format \(-o FILE writes it to a file\)\n$/,
    ],
    [['scan', 'bad', '-f', 'constructor'], /^sanctum: unknown format 'constructor' \(known: table, json/],
    [
      ['cluster', '-o', 'PolicyReport'],
      /^sanctum: -o PolicyReport names the report's file, not its format: -f policyreport picks the format \(-o FILE writes it to a file\)\n$/,
    ],
    [
      ['cluster', '-o', 'json'],
      /^sanctum: -o json names the report's file, not its format: -f json picks the format \(-o FILE writes it to a file\)\n$/,
    ],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ])('2 with a clear message and no stack trace: %j', async (argv, message) => {
    const r = await run(argv, { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expectNoStackTrace(r.stderr);
  });

  it('-o with a name an object inherits (constructor, toString) is a file name, not a format', async () => {
    for (const name of ['constructor', 'toString']) {
      const file = join(cwd(), name);
      try {
        const r = await run(['scan', 'bad', ...ONLY, '-o', name], { cwd: cwd() });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(1);
        expect(readFileSync(file, 'utf8')).toContain('K8S-0003');
      } finally {
        rmSync(file, { force: true });
      }
    }
  });

  it('2 for a bad flag: the error, a hint for a flag of Trivy, Checkov or gitleaks, and one line pointing at the help, not the whole help', async () => {
    const severity = await run(['scan', 'bad', '--severity', 'HIGH,CRITICAL'], { cwd: cwd() });
    expect(severity.code).toBe(2);
    expect(severity.stdout).toBe('');
    expect(severity.stderr).toBe(
      "error: unknown option '--severity'\n" +
        'hint: --severity is not a sanctum option: sanctum exits 1 on findings at or above --fail-on SEVERITY (default high); -q reports only those findings\n' +
        "(see 'sanctum scan --help' for the options)\n",
    );
    const skip = await run(['scan', 'bad', '--skip-check=CKV_K8S_16'], { cwd: cwd() });
    expect(skip.stderr).toContain('hint: --skip-check is not a sanctum option: --skip-rule ID skips a rule (repeatable)\n');
    const soft = await run(['image', 'x.tar', '--soft-fail'], { cwd: cwd() });
    expect(soft.stderr).toContain('hint: --soft-fail is not a sanctum option: --fail-on none reports without failing\n');
    // sbom has no --fail-on: no hint that names it.
    const sbom = await run(['sbom', '.', '--exit-code', '1'], { cwd: cwd() });
    expect(sbom.stderr).toBe("error: unknown option '--exit-code'\n(see 'sanctum sbom --help' for the options)\n");
    const nested = await run(['db', 'status', '--bogus'], { cwd: cwd() });
    expect(nested.stderr).toBe("error: unknown option '--bogus'\n(see 'sanctum db status --help' for the options)\n");
    const command = await run(['scna'], { cwd: cwd() });
    expect(command.stderr).toBe("error: unknown command 'scna'\n(Did you mean scan?)\n(see 'sanctum --help' for the options)\n");
  });

  it('2 when the report cannot be written: a file where a directory should be, a directory that cannot be made', async () => {
    writeFileSync(join(cwd(), 'a-file'), '');
    for (const format of ['table', 'json']) {
      const r = await run(['scan', 'good', '-f', format, '-o', 'a-file/report.out'], { cwd: cwd() });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('sanctum: cannot write a-file/report.out: not a directory\n');
    }
    // Under /proc, mkdir with { recursive: true } never returns (Node 20).
    if (existsSync('/proc/self')) {
      const r = await run(['scan', 'good', '-f', 'json', '-o', '/proc/no-such-dir/report.json'], { cwd: cwd() });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('sanctum: cannot write /proc/no-such-dir/report.json: no such file or directory\n');
    }
  });

  it('2 for an invalid configuration, naming the bad key', async () => {
    writeFileSync(join(cwd(), 'bad-config.yaml'), 'failOn: severe\nignores: []\n');
    const r = await run(['scan', 'good', '--config', 'bad-config.yaml'], { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad-config\.yaml: invalid configuration: .*failOn/);
    expectNoStackTrace(r.stderr);
  });

  it('a file that cannot be parsed is an error, not an abort; --fail-on-error turns it into exit 1', async () => {
    const r = await run(['scan', 'broken', ...ONLY, '--format', 'json'], { cwd: cwd() });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.errors).toEqual([expect.objectContaining({ path: 'broken/broken.yaml', message: expect.stringMatching(/./) })]);
    expect(json.stats.files).toBe(2);
    expect((await run(['scan', 'broken', ...ONLY, '--fail-on-error'], { cwd: cwd() })).code).toBe(1);
    const table = await run(['scan', 'broken', ...ONLY], { cwd: cwd() });
    expect(table.stdout).toContain('Errors (not scanned or partly scanned)\n  broken/broken.yaml');
    expect(table.stdout).toMatch(/· 1 error ·/);
  });
});

/** An ELF executable header with nothing a scanner reads (no Go build information). */
function plainElf(): Buffer {
  const b = Buffer.alloc(256);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  b.writeUInt16LE(2, 16); // executable
  b.writeUInt16LE(0x3e, 18); // x86-64
  b.writeUInt32LE(1, 20);
  b.writeUInt16LE(64, 52); // header size
  return b;
}
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1]);

describe('a file named as a target that no scanner reads', () => {
  let w: ReturnType<typeof workspace>;
  beforeAll(() => {
    w = workspace({ 'pod.yaml': PRIVILEGED_POD });
    writeFileSync(join(w.dir, 'logo.png'), PNG);
    writeFileSync(join(w.dir, 'server'), plainElf());
    mkdirSync(join(w.dir, 'dir'));
    writeFileSync(join(w.dir, 'dir', 'logo.png'), PNG);
    writeFileSync(join(w.dir, 'dir', 'server'), plainElf());
    writeFileSync(join(w.dir, 'dir', 'pod.yaml'), SAFE_POD);
  });
  afterAll(() => w.cleanup());
  const NOT_READ = 'binary content that no scanner reads; not scanned';

  it('is an entry in errors; alone, nothing was scanned: exit 2', async () => {
    for (const target of ['logo.png', 'server']) {
      const r = await run(['scan', target, '-f', 'json'], { cwd: w.dir });
      const report = JSON.parse(r.stdout);
      expect(report.errors).toEqual([{ path: target, message: NOT_READ }]);
      expect(report.stats.files).toBe(0);
      expect(r.code).toBe(2);
    }
  });

  it('beside files that were scanned, the exit code is theirs (1 with --fail-on-error); the table lists it', async () => {
    const r = await run(['scan', 'logo.png', 'server', 'dir/pod.yaml', '--fail-on', 'none'], { cwd: w.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`  logo.png  ${NOT_READ}\n  server  ${NOT_READ}\n`);
    expect(r.stdout).toMatch(/ · 1 file · 1 resource · \d+ rules · 2 errors · /);
    expect((await run(['scan', 'logo.png', 'dir/pod.yaml', '--fail-on', 'none', '--fail-on-error'], { cwd: w.dir })).code).toBe(1);
  });

  it('whatever scanners are selected, but an executable only when the scanner that reads them runs', async () => {
    const r = await run(['scan', 'logo.png', 'server', '--scanners', 'misconfig', '-f', 'json'], { cwd: w.dir });
    expect(JSON.parse(r.stdout).errors).toEqual([{ path: 'logo.png', message: NOT_READ }]);
  });

  it('found while walking a directory, such files stay quietly skipped', async () => {
    const r = await run(['scan', 'dir', '-f', 'json', ...ONLY], { cwd: w.dir });
    expect(JSON.parse(r.stdout).errors).toEqual([]);
    expect(r.code).toBe(0);
  });
});

describe('--helm-values and --helm-set with no chart among the targets', () => {
  const NOTICE = 'sanctum: --helm-values not used: no Helm chart (a directory with a Chart.yaml) is among the files scanned\n';
  it('are named on stderr after the scan, which goes on as without them', async () => {
    const r = await run(['scan', 'bad', ...ONLY, '--no-progress', '--helm-values', 'values-prod.yaml'], { cwd: cwd() });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(NOTICE);
    expect(r.stdout).toContain('K8S-0003');
    const json = await run(['scan', 'good', ...ONLY, '-f', 'json', '--helm-values', 'v.yaml', '--helm-set', 'a=b'], { cwd: cwd() });
    expect(json.code).toBe(0);
    expect(json.stderr).toBe(
      'sanctum: --helm-values and --helm-set not used: no Helm chart (a directory with a Chart.yaml) is among the files scanned\n',
    );
    expect(JSON.parse(json.stdout).errors).toEqual([]);
  });
  it('also when no selected rule reads Kubernetes manifests, then saying so even with a chart there; not with --quiet', async () => {
    const deps = await run(['scan', 'bad', '--scanners', 'secrets', '--helm-values', 'v.yaml'], { cwd: cwd() });
    expect(deps.stderr).toBe(NOTICE);
    mkdirSync(join(cwd(), 'chart-for-models'), { recursive: true });
    writeFileSync(join(cwd(), 'chart-for-models', 'Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 0.1.0\n');
    const models = await run(['scan', 'chart-for-models', '--scanners', 'models', '--helm-values', 'v.yaml'], { cwd: cwd() });
    expect(models.stderr).toBe(
      'sanctum: --helm-values not used: no rule that reads Kubernetes manifests runs, so no Helm chart is rendered\n' +
        'sanctum: nothing scanned: no file in chart-for-models is one the selected rules read\n',
    );
    const quiet = await run(['scan', 'bad', ...ONLY, '--quiet', '--helm-values', 'v.yaml'], { cwd: cwd() });
    expect(quiet.stderr).toBe('');
  });
});

describe('--format and --output', () => {
  it('prints the JSON result contract on stdout', async () => {
    const r = await run(['scan', 'bad', ...ONLY, '--format', 'json'], { cwd: cwd() });
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'sanctum' },
      targets: ['bad'],
      errors: [],
      stats: { files: 1, resources: 1, rules: 1 },
    });
    expect(json.findings).toEqual([
      expect.objectContaining({
        ruleId: 'K8S-0003',
        slug: 'privileged-container',
        severity: 'critical',
        status: 'fail',
        location: {
          path: 'bad/pod.yaml',
          startLine: 11,
          startColumn: 7,
          endLine: 11,
          endColumn: 23,
          objectPath: '/spec/containers/0/securityContext/privileged',
          resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'llm', name: 'vllm' },
        },
        frameworks: expect.arrayContaining([{ id: 'pss', control: 'privileged', level: 'baseline' }]),
        fingerprint: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        evidence: 'privileged: true',
      }),
    ]);
  });

  it('pairs repeated --format and --output in order, and writes nothing to stdout', async () => {
    const args = ['scan', 'bad', ...ONLY, '--format', 'sarif', '--output', 'r1.sarif', '--format', 'junit', '--output', 'r1.xml'];
    const r2 = await run(args, { cwd: cwd() });
    expect(r2.code).toBe(1);
    expect(r2.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(cwd(), 'r1.sarif'), 'utf8')).version).toBe('2.1.0');
    expect(readFileSync(join(cwd(), 'r1.xml'), 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="sanctum"/);
  });

  it('accepts comma-separated formats with one base name, adding each format extension', async () => {
    const r = await run(['scan', 'bad', ...ONLY, '--format', 'json,sarif,junit,table', '--output', 'report'], { cwd: cwd() });
    expect(r.code).toBe(1);
    for (const ext of ['.json', '.sarif', '.xml', '.txt']) expect(existsSync(join(cwd(), `report${ext}`))).toBe(true);
    expect(JSON.parse(readFileSync(join(cwd(), 'report.json'), 'utf8')).findings).toHaveLength(1);
    expect(readFileSync(join(cwd(), 'report.txt'), 'utf8')).toContain('K8S-0003');
  });

  it('a single format with a single --output writes exactly that file', async () => {
    await run(['scan', 'bad', ...ONLY, '--format', 'json', '--output', 'exact.out'], { cwd: cwd() });
    expect(JSON.parse(readFileSync(join(cwd(), 'exact.out'), 'utf8')).schemaVersion).toBe(1);
  });
});

describe('rule selection', () => {
  it('--framework pss:baseline runs only rules mapped to it, and the PSS finding is reported', async () => {
    const r = await run(['scan', 'bad', '--framework', 'pss:baseline', '--format', 'json'], { cwd: cwd() });
    const json = JSON.parse(r.stdout);
    expect(json.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('K8S-0003');
    for (const f of json.findings) expect(f.frameworks.some((x: { id: string }) => x.id === 'pss')).toBe(true);
  });

  it('--framework owasp-llm-2025 does not run the Kubernetes privileged check', async () => {
    const r = await run(['scan', 'bad', '--framework', 'owasp-llm-2025', '--format', 'json'], { cwd: cwd() });
    expect(JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'K8S-0003')).toEqual([]);
  });

  it('--rule takes ids and slugs; --skip-rule removes a rule', async () => {
    const bySlug = JSON.parse((await run(['scan', 'bad', '--rule', 'privileged-container', '-f', 'json'], { cwd: cwd() })).stdout);
    expect(bySlug.stats.rules).toBe(1);
    expect(bySlug.findings).toHaveLength(1);
    const skipped = JSON.parse((await run(['scan', 'bad', '--skip-rule', 'K8S-0003', '-f', 'json'], { cwd: cwd() })).stdout);
    expect(skipped.findings.filter((f: { ruleId: string }) => f.ruleId === 'K8S-0003')).toEqual([]);
  });

  it('--scanners limits the rules to those scanners', async () => {
    const misconfig = JSON.parse((await run(['scan', 'bad', '--scanners', 'misconfig', '-f', 'json'], { cwd: cwd() })).stdout);
    expect(misconfig.findings.some((f: { ruleId: string }) => f.ruleId === 'K8S-0003')).toBe(true);
    const secrets = JSON.parse((await run(['scan', 'bad', '--scanners', 'secrets', '-f', 'json'], { cwd: cwd() })).stdout);
    expect(secrets.findings.some((f: { ruleId: string }) => f.ruleId === 'K8S-0003')).toBe(false);
  });

  it('SARIF rules[] lists exactly the rules that ran', async () => {
    const r = await run(['scan', 'bad', '--rule', 'K8S-0003', '-f', 'sarif'], { cwd: cwd() });
    expect(JSON.parse(r.stdout).runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['K8S-0003']);
  });
});

describe('SARIF paths as GitHub code scanning reads them (relative to the repository root)', () => {
  const uris = (stdout: string) =>
    JSON.parse(stdout).runs[0].results.map(
      (r: { locations: Array<{ physicalLocation: { artifactLocation: object } }> }) => r.locations[0]!.physicalLocation.artifactLocation,
    );

  it('inside a Git work tree: relative to its root from a subdirectory; a file outside it is an absolute file URI', async () => {
    const repo = workspace({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'infra/k8s/pod.yaml': PRIVILEGED_POD,
      'apps/pod.yaml': PRIVILEGED_POD,
    });
    const outside = workspace({ 'pod.yaml': PRIVILEGED_POD });
    try {
      const far = relative(join(repo.dir, 'infra'), join(outside.dir, 'pod.yaml'));
      const r = await run(['scan', '.', '../apps', far, ...ONLY, '-f', 'sarif', '--fail-on', 'none'], { cwd: join(repo.dir, 'infra') });
      expect(r.code).toBe(0);
      expect(uris(r.stdout)).toEqual([
        { uri: pathToFileURL(join(outside.dir, 'pod.yaml')).href },
        { uri: 'apps/pod.yaml', uriBaseId: '%SRCROOT%' },
        { uri: 'infra/k8s/pod.yaml', uriBaseId: '%SRCROOT%' },
      ]);
      const root = JSON.parse(r.stdout).runs[0].originalUriBaseIds['%SRCROOT%'].description.text;
      expect(root).toBe('The root of the Git work tree Sanctum ran in; result paths are relative to it.');
      // From the root itself, paths are as they always were.
      const top = await run(['scan', 'infra', ...ONLY, '-f', 'sarif', '--fail-on', 'none'], { cwd: repo.dir });
      expect(uris(top.stdout)).toEqual([{ uri: 'infra/k8s/pod.yaml', uriBaseId: '%SRCROOT%' }]);
    } finally {
      repo.cleanup();
      outside.cleanup();
    }
  });

  it('a path through a symbolic link into the work tree is relative to its root; stdin keeps its name from a subdirectory', async () => {
    const repo = workspace({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'infra/k8s/pod.yaml': PRIVILEGED_POD,
      'apps/pod.yaml': PRIVILEGED_POD,
    });
    const outside = workspace({});
    try {
      symlinkSync(repo.dir, join(outside.dir, 'repo-link'), 'dir');
      const link = join(outside.dir, 'repo-link', 'apps');
      const r = await run(['scan', link, ...ONLY, '-f', 'sarif', '--fail-on', 'none'], { cwd: join(repo.dir, 'infra') });
      expect(uris(r.stdout)).toEqual([{ uri: 'apps/pod.yaml', uriBaseId: '%SRCROOT%' }]);
      // Run from the link's side: the work tree's root is found through it, the file read from the real side.
      const via = await run(['scan', join(repo.dir, 'apps'), ...ONLY, '-f', 'sarif', '--fail-on', 'none'], {
        cwd: join(outside.dir, 'repo-link', 'infra'),
      });
      expect(uris(via.stdout)).toEqual([{ uri: 'apps/pod.yaml', uriBaseId: '%SRCROOT%' }]);
      const stdin = await run(['scan', '-', ...ONLY, '-f', 'sarif', '--fail-on', 'none'], {
        cwd: join(repo.dir, 'infra'),
        stdin: PRIVILEGED_POD,
      });
      expect(uris(stdin.stdout)).toEqual([{ uri: 'stdin.yaml', uriBaseId: '%SRCROOT%' }]);
      const named = await run(['scan', '-', '--stdin-name', 'k8s/pod.yaml', ...ONLY, '-f', 'sarif', '--fail-on', 'none'], {
        cwd: join(repo.dir, 'infra'),
        stdin: PRIVILEGED_POD,
      });
      expect(uris(named.stdout)).toEqual([{ uri: 'k8s/pod.yaml', uriBaseId: '%SRCROOT%' }]);
    } finally {
      repo.cleanup();
      outside.cleanup();
    }
  });

  it('out of Git: relative to the directory Sanctum ran in, as before; ../ is an absolute file URI', async () => {
    const here = await run(['scan', 'bad', ...ONLY, '-f', 'sarif', '--fail-on', 'none'], { cwd: cwd() });
    expect(uris(here.stdout)).toEqual([{ uri: 'bad/pod.yaml', uriBaseId: '%SRCROOT%' }]);
    const up = await run(['scan', '../bad', ...ONLY, '-f', 'sarif', '--fail-on', 'none'], { cwd: join(cwd(), 'good') });
    expect(uris(up.stdout)).toEqual([{ uri: pathToFileURL(join(cwd(), 'bad', 'pod.yaml')).href }]);
  });
});

describe('suppression from the command line', () => {
  it('--config ignore entries suppress; suppressed findings stay in JSON and do not count for the exit code', async () => {
    writeFileSync(
      join(cwd(), 'ignore.yaml'),
      'ignore:\n  - rule: K8S-0003\n    resources: ["Pod/llm/*"]\n    reason: "vendor image needs it"\n    expires: 2999-12-31\n',
    );
    const r = await run(['scan', 'bad', ...ONLY, '--config', 'ignore.yaml', '-f', 'json'], { cwd: cwd() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({
      status: 'suppressed',
      suppression: { kind: 'config', reason: 'vendor image needs it', expires: '2999-12-31' },
    });
  });

  it('`sanctum baseline` writes the fingerprints; --baseline then suppresses them', async () => {
    const b = await run(['baseline', 'bad', ...ONLY, '--output', 'base.json'], { cwd: cwd() });
    expect(b.code).toBe(0);
    expect(b.stderr).toBe('wrote 1 fingerprints to base.json\n');
    const base = JSON.parse(readFileSync(join(cwd(), 'base.json'), 'utf8'));
    expect(base).toEqual({ schemaVersion: 1, fingerprints: [expect.stringMatching(/^sha256:/)] });
    const r = await run(['scan', 'bad', ...ONLY, '--baseline', 'base.json', '-f', 'json'], { cwd: cwd() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ status: 'suppressed', suppression: { kind: 'baseline' } });
    expect((await run(['baseline', 'bad', ...ONLY, '-o', 'quiet.json', '--quiet'], { cwd: cwd() })).stderr).toBe('');
  });

  it("`baseline --help` describes what it does: -o names the baseline file; the report's flags are not listed", async () => {
    const help = (await run(['baseline', '--help'], { cwd: cwd() })).stdout;
    const flat = help.replace(/\s+/g, ' ');
    expect(flat).toContain('-o, --output <file> baseline file to write (default: .sanctum-baseline.json) --scanners');
    expect(flat).toContain('-q, --quiet print nothing (not even the count of fingerprints written)');
    expect(flat).toContain('paths files or directories (default: .) Options');
    expect(help).not.toMatch(/^ +(?:-f, )?--(?:format|fail-on|fail-on-error|show-suppressed) /m);
    expect((await run(['scan', '--help'], { cwd: cwd() })).stdout.replace(/\s+/g, ' ')).toContain(
      'paths files or directories (default: .) Options',
    );
  });

  it('--baseline with a file that is not a baseline is exit 2', async () => {
    writeFileSync(join(cwd(), 'not-base.json'), '{"findings": []}');
    const r = await run(['scan', 'bad', '--baseline', 'not-base.json'], { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a baseline file/);
  });
});

describe('output on a terminal', () => {
  it('colours the table only on a TTY, and never with --no-color or NO_COLOR', async () => {
    delete process.env.NO_COLOR;
    delete process.env.FORCE_COLOR;
    const ESC = '\u001b[';
    expect((await run(['scan', 'bad', ...ONLY], { cwd: cwd(), tty: true })).stdout).toContain(ESC);
    expect((await run(['scan', 'bad', ...ONLY], { cwd: cwd(), tty: false })).stdout).not.toContain(ESC);
    expect((await run(['scan', 'bad', ...ONLY, '--no-color'], { cwd: cwd(), tty: true })).stdout).not.toContain(ESC);
    process.env.NO_COLOR = '1';
    expect((await run(['scan', 'bad', ...ONLY], { cwd: cwd(), tty: true })).stdout).not.toContain(ESC);
  });

  it('--quiet shows only findings at or above --fail-on', async () => {
    const r = await run(['scan', 'bad', ...ONLY, '--config', 'low.yaml', '--quiet'], { cwd: cwd() });
    expect(r.stdout).not.toContain('K8S-0003');
    const loud = await run(['scan', 'bad', ...ONLY, '--config', 'low.yaml'], { cwd: cwd() });
    expect(loud.stdout).toContain('MEDIUM  K8S-0003');
  });
});
