/**
 * Configuration and command line as documented: rule options checked against what each rule takes,
 * the configuration and excludes found from the scanned target, report-only and case-insensitive
 * severities, stdin, empty selections, and help that lists only what exists.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endQuietlyOnClosedPipe } from '../src/cli/main.js';
import { checkRuleOptions, configJsonSchema, parseConfig } from '../src/core/config.js';
import { reporters } from '../src/reporters/index.js';
import { getRegistry } from '../src/scan.js';
import { expectNoStackTrace, PRIVILEGED_POD, run, SAFE_POD, workspace } from './cli-helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** 305 KB: a sequence of 100,000 aliases to 5,000 characters, used as a key three times (500 MB of key each). */
const HEAVY_KEYS =
  `s: &s ${'x'.repeat(5000)}\na: &a [${Array.from({ length: 100_000 }, () => '*s').join(',')}]\n` +
  Array.from({ length: 3 }, (_, i) => `m${i}:\n  ? *a\n  : 1\n`).join('');
const HEAVY_KEYS_MESSAGE =
  'YAML sequences hold more than 4194304 items and characters with aliases counted at each use (line 4; a sequence used as a mapping key is copied into a string at each use: an alias bomb?)';
const ONLY = ['--rule', 'K8S-0003'];
const UNPINNED_DOCKERFILE = 'FROM docker.io/library/python:3.12-slim\nUSER 1000\n';

let ws: ReturnType<typeof workspace>;
const cwd = () => ws.dir;
beforeAll(() => {
  ws = workspace({
    'bad/pod.yaml': PRIVILEGED_POD,
    'good/pod.yaml': SAFE_POD,
    'docs/notes.md': '# notes\n',
    'img/Dockerfile': UNPINNED_DOCKERFILE,
    // A repository with its own configuration, scanned from outside it.
    'repo/.sanctum.yaml': 'exclude: ["/vendor/"]\nrules:\n  K8S-0003:\n    severity: Low\n',
    'repo/deploy/pod.yaml': PRIVILEGED_POD,
    'repo/vendor/pod.yaml': PRIVILEGED_POD,
    'other/.sanctum.yaml': 'failOn: critical\n',
    'other/pod.yaml': PRIVILEGED_POD,
  });
});
afterAll(() => ws.cleanup());

const json = (stdout: string) =>
  JSON.parse(stdout) as { findings: Array<{ ruleId: string; severity: string; location: { path: string; startLine: number } }> };

describe('rule options', () => {
  const registry = getRegistry();
  const check = (text: string) => () => checkRuleOptions(parseConfig(text, 'cfg.yaml'), (k) => registry.get(k), 'cfg.yaml');

  it('accepts the options a rule declares, by id or slug', () => {
    expect(check('rules:\n  DF-0003:\n    options: { allowedRegistries: [registry.acme.dev] }\n')).not.toThrow();
    expect(check('rules:\n  generic-secret:\n    options: { minEntropy: 3.5, minLength: 20 }\n')).not.toThrow();
  });

  it('an unknown option is an error naming the file, the key and the options the rule knows', () => {
    expect(check('rules:\n  DF-0003:\n    options: { allowedRegistry: [x] }\n')).toThrow(
      'cfg.yaml: invalid configuration: rules.DF-0003.options.allowedRegistry: unknown option of DF-0003 (known: allowedRegistries)',
    );
    expect(check('rules:\n  K8S-0003:\n    options: { strict: true }\n')).toThrow(
      /rules\.K8S-0003\.options\.strict: unknown option of K8S-0003 \(it takes no options\)/,
    );
  });

  it('a value of the wrong type is an error naming the file and the key', () => {
    expect(check('rules:\n  DF-0003:\n    options: { allowedRegistries: registry.acme.dev }\n')).toThrow(
      /^cfg\.yaml: invalid configuration: rules\.DF-0003\.options\.allowedRegistries: /,
    );
    expect(check('rules:\n  DF-0003:\n    options: { allowedRegistries: [1] }\n')).toThrow(
      /rules\.DF-0003\.options\.allowedRegistries\.0: /,
    );
    expect(check('rules:\n  generic-secret:\n    options: { minEntropy: high }\n')).toThrow(
      /rules\.generic-secret\.options\.minEntropy: .*number/,
    );
  });

  it('the CLI stops with exit 2 on a bad option, and applies a good one', async () => {
    writeFileSync(join(cwd(), 'typo.yaml'), 'rules:\n  DF-0003:\n    options: { allowedRegistris: [registry.acme.dev] }\n');
    const bad = await run(['scan', 'img', '--rule', 'DF-0003', '--config', 'typo.yaml'], { cwd: cwd() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('typo.yaml: invalid configuration: rules.DF-0003.options.allowedRegistris: unknown option of DF-0003');
    expectNoStackTrace(bad.stderr);
    writeFileSync(join(cwd(), 'registries.yaml'), 'rules:\n  DF-0003:\n    options: { allowedRegistries: [registry.acme.dev] }\n');
    const good = await run(['scan', 'img', '--rule', 'DF-0003', '--config', 'registries.yaml', '-f', 'json', '--fail-on', 'none'], {
      cwd: cwd(),
    });
    expect(good.code).toBe(0);
    expect(json(good.stdout).findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`)).toEqual([
      'DF-0003 img/Dockerfile:1',
    ]);
  });
});

describe('unknown keys', () => {
  const error = (text: string) => {
    try {
      parseConfig(text, 'cfg.yaml');
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };

  it('a key spelled as the flag, in snake case or with a slip names the key meant', () => {
    expect(error('fail-on: critical\n')).toBe('cfg.yaml: invalid configuration: (root): unknown key "fail-on" (did you mean "failOn"?)');
    expect(error('webhook:\n  timeout_ms: 100\n')).toBe(
      'cfg.yaml: invalid configuration: webhook: unknown key "timeout_ms" (did you mean "timeoutMs"?)',
    );
    expect(error('ignore:\n  - rule: K8S-0003\n    reasons: demo\n')).toBe(
      'cfg.yaml: invalid configuration: ignore.0: unknown key "reasons" (did you mean "reason"?)',
    );
  });

  it('YAML that does not parse names the file once, and the position', () => {
    expect(error('failOn: [\n')).toBe('cfg.yaml: unexpected end of the stream within a flow collection (2:1)');
  });

  it('YAML whose sequence keys aliases make heavy is refused with its line, before the keys are built (js-yaml alone took seconds a key)', () => {
    expect(error(HEAVY_KEYS)).toBe(`cfg.yaml: ${HEAVY_KEYS_MESSAGE}`);
  });

  it('the CLI stops with exit 2 and one line on a configuration or policy whose sequence keys aliases make heavy', async () => {
    const w = workspace({
      'cfg/.sanctum.yaml': HEAVY_KEYS,
      'cfg/pod.yaml': SAFE_POD,
      'pol/.sanctum/policies/heavy.yaml': `apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\n${HEAVY_KEYS}`,
      'pol/pod.yaml': SAFE_POD,
    });
    try {
      const c = await run(['scan', 'pod.yaml'], { cwd: join(w.dir, 'cfg') });
      expect(c.code).toBe(2);
      expect(c.stderr).toBe(`sanctum: .sanctum.yaml: ${HEAVY_KEYS_MESSAGE}\n`);
      const p = await run(['scan', 'pod.yaml'], { cwd: join(w.dir, 'pol') });
      expect(p.code).toBe(2);
      expectNoStackTrace(p.stderr);
      expect(p.stderr).toBe(`sanctum: .sanctum/policies/heavy.yaml: ${HEAVY_KEYS_MESSAGE.replace('line 4', 'line 6')}\n`);
    } finally {
      w.cleanup();
    }
  });

  it('any other unknown key lists the keys allowed where it stands', () => {
    expect(error('ignore:\n  - rule: K8S-0003\n    because: demo\n')).toBe(
      'cfg.yaml: invalid configuration: ignore.0: unknown key "because" (known: rule, paths, resources, fingerprints, users, namespaces, reason, expires)',
    );
    expect(error('rules:\n  K8S-0003:\n    disabled: true\n')).toBe(
      'cfg.yaml: invalid configuration: rules.K8S-0003: unknown key "disabled" (known: enabled, severity, options)',
    );
  });

  it('names the file found upward relative to the current directory, not by its absolute path', async () => {
    const w = workspace({ 'repo/.sanctum.yaml': 'fail-on: critical\n', 'repo/k8s/pod.yaml': SAFE_POD });
    try {
      const r = await run(['scan', 'repo/k8s'], { cwd: w.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('sanctum: repo/.sanctum.yaml: invalid configuration: (root): unknown key "fail-on" (did you mean "failOn"?)\n');
    } finally {
      w.cleanup();
    }
  });

  it('an unknown rule or a bad rule option names the file found upward as typed, and the key', async () => {
    const w = workspace({
      'repo/.sanctum.yaml': 'rules:\n  K8S-9999:\n    enabled: false\n',
      'other/.sanctum.yaml': 'rules:\n  DF-0003:\n    options: { allowedRegistries: 3 }\n',
      'repo/k8s/pod.yaml': SAFE_POD,
      'other/k8s/pod.yaml': SAFE_POD,
    });
    try {
      const r = await run(['scan', 'repo/k8s'], { cwd: w.dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('sanctum: repo/.sanctum.yaml: invalid configuration: rules.K8S-9999: unknown rule (see `sanctum rules`)\n');
      const o = await run(['scan', 'other/k8s'], { cwd: w.dir });
      expect(o.code).toBe(2);
      expect(o.stderr).toMatch(/^sanctum: other\/\.sanctum\.yaml: invalid configuration: rules\.DF-0003\.options\.allowedRegistries: /);
    } finally {
      w.cleanup();
    }
  });

  it('a custom policy of the wrong shape is exit 2 naming the file, the policy, the field and what was expected', async () => {
    const w = workspace({
      'repo/.sanctum/policies/replicas.yaml':
        'apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\nmetadata: {name: replicas}\nspec:\n  severity: urgent\n  validations:\n  - {expresion: "object.spec.replicas > 1"}\n',
      'repo/pod.yaml': SAFE_POD,
    });
    try {
      const r = await run(['scan', 'pod.yaml'], { cwd: join(w.dir, 'repo') });
      expect(r.code).toBe(2);
      expectNoStackTrace(r.stderr);
      expect(r.stderr).toBe(
        'sanctum: policy replicas (.sanctum/policies/replicas.yaml): spec.severity: expected one of critical, high, medium, low, info, found "urgent"; ' +
          'spec.validations[0].expression: required, but missing (text); spec.validations[0]: unknown key "expresion" (did you mean "expression"?)\n',
      );
    } finally {
      w.cleanup();
    }
  });
});

describe('docs/configuration.md', () => {
  it('its example is a valid configuration, rule options included', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
    const example = /## Example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    expect(() => checkRuleOptions(parseConfig(example!, 'example.yaml'), (k) => getRegistry().get(k), 'example.yaml')).not.toThrow();
  });
});

describe('the shipped JSON Schema', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  (addFormatsModule as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(configJsonSchema(getRegistry().rules) as object);

  it('is the one generated from the rules', () => {
    expect(JSON.parse(readFileSync(join(ROOT, 'schemas', 'sanctum-config.schema.json'), 'utf8'))).toEqual(
      configJsonSchema(getRegistry().rules),
    );
  });

  it.each([
    'rules:\n  DF-0003:\n    options: { allowedRegistries: [registry.acme.dev] }\n',
    'rules:\n  dockerfile-base-image-registry:\n    severity: HIGH\n',
    'failOn: None\n',
    'failOn: Critical\nrules:\n  K8S-0003:\n    severity: medium\n',
  ])('accepts what the loader accepts: %j', (text) => {
    expect(validate(yaml.load(text)), JSON.stringify(validate.errors)).toBe(true);
    expect(() => checkRuleOptions(parseConfig(text, 'c.yaml'), (k) => getRegistry().get(k), 'c.yaml')).not.toThrow();
  });

  it.each([
    ['rules:\n  DF-0003:\n    options: { allowedRegistry: [x] }\n', 'allowedRegistry'],
    ['rules:\n  DF-0003:\n    options: { allowedRegistries: x }\n', 'allowedRegistries'],
    ['rules:\n  generic-secret:\n    options: { minLength: "20" }\n', 'minLength'],
    ['rules:\n  K8S-9999:\n    enabled: false\n', 'K8S-9999'],
    ['failOn: severe\n', 'failOn'],
  ])('rejects what the loader rejects: %j', (text, key) => {
    expect(validate(yaml.load(text))).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain(key);
  });
});

describe('configuration and excludes follow the scanned target', () => {
  it('finds .sanctum.yaml upward from the target, and its excludes are relative to the scanned directory', async () => {
    // From the workspace root: repo/.sanctum.yaml lowers K8S-0003 to low and leaves repo/vendor out.
    const r = await run(['scan', 'repo', ...ONLY, '-f', 'json'], { cwd: cwd() });
    expect(r.code).toBe(0);
    expect(json(r.stdout).findings.map((f) => `${f.severity} ${f.location.path}`)).toEqual(['low repo/deploy/pod.yaml']);
    // The same from inside a subdirectory of the repository, naming the repository by '..'.
    const inside = await run(['scan', '..', ...ONLY, '-f', 'json'], { cwd: join(cwd(), 'repo', 'deploy') });
    expect(json(inside.stdout).findings.map((f) => `${f.severity} ${f.location.path}`)).toEqual(['low pod.yaml']);
  });

  it("ignore paths of a repository's .sanctum.yaml are relative to it, wherever the scan runs from", async () => {
    const w = workspace({
      'repo/.sanctum.yaml': 'ignore:\n  - rule: K8S-0003\n    paths: ["k8s/lab-*.yaml"]\n    reason: lab cluster\n',
      'repo/k8s/lab-gpu.yaml': PRIVILEGED_POD,
      'repo/k8s/prod.yaml': PRIVILEGED_POD,
    });
    const statuses = (stdout: string) =>
      (JSON.parse(stdout) as { findings: Array<{ status: string; location: { path: string } }> }).findings.map(
        (f) => `${f.status} ${f.location.path}`,
      );
    try {
      for (const [dir, target, prefix] of [
        ['repo', '.', 'k8s/'],
        ['.', 'repo', 'repo/k8s/'],
        ['repo/k8s', '.', ''],
      ]) {
        const r = await run(['scan', target, ...ONLY, '-f', 'json'], { cwd: join(w.dir, dir) });
        expect(statuses(r.stdout)).toEqual([`suppressed ${prefix}lab-gpu.yaml`, `fail ${prefix}prod.yaml`]);
      }
    } finally {
      w.cleanup();
    }
  });

  it('a file target uses the configuration above it', async () => {
    const r = await run(['scan', 'other/pod.yaml', ...ONLY, '--fail-on', 'high'], { cwd: cwd() });
    expect(r.code).toBe(1);
    expect((await run(['scan', 'other/pod.yaml', ...ONLY], { cwd: cwd() })).code).toBe(1);
    writeFileSync(join(cwd(), 'other', '.sanctum.yaml'), 'rules:\n  K8S-0003:\n    severity: medium\n');
    expect((await run(['scan', 'other/pod.yaml', ...ONLY], { cwd: cwd() })).code).toBe(0);
  });

  it('targets governed by different configurations are exit 2, unless --config names one', async () => {
    const r = await run(['scan', 'repo', 'other', ...ONLY], { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/different configurations .*repo\/\.sanctum\.yaml.*other\/\.sanctum\.yaml/);
    writeFileSync(join(cwd(), 'empty.yaml'), '{}\n');
    expect((await run(['scan', 'repo', 'other', ...ONLY, '--config', 'empty.yaml'], { cwd: cwd() })).code).toBe(1);
  });
});

describe('--include-ignored', () => {
  it('scans what .gitignore leaves out', async () => {
    const w = workspace({ 'ctx/.gitignore': 'pod.yaml\n', 'ctx/pod.yaml': PRIVILEGED_POD });
    try {
      expect((await run(['scan', 'ctx', ...ONLY], { cwd: w.dir })).code).toBe(0);
      expect((await run(['scan', 'ctx', ...ONLY, '--include-ignored'], { cwd: w.dir })).code).toBe(1);
    } finally {
      w.cleanup();
    }
  });
});

describe('targets', () => {
  it('a missing target is exit 2 naming it', async () => {
    const r = await run(['scan', 'good', 'nowhere'], { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sanctum: cannot read target 'nowhere': no such file or directory\n");
  });

  it('a target that is neither a file nor a directory is exit 2', async () => {
    execFileSync('mkfifo', [join(cwd(), 'fifo')]);
    const r = await run(['scan', 'fifo'], { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("sanctum: cannot read target 'fifo': not a regular file or directory\n");
  });

  it.skipIf(process.getuid?.() === 0)(
    'an unreadable target is exit 2 (a file without read permission, a directory without list permission)',
    async () => {
      const w = workspace({ 'secret/pod.yaml': PRIVILEGED_POD, 'closed.yaml': PRIVILEGED_POD });
      try {
        chmodSync(join(w.dir, 'closed.yaml'), 0o000);
        chmodSync(join(w.dir, 'secret'), 0o000);
        for (const t of ['closed.yaml', 'secret']) {
          const r = await run(['scan', t], { cwd: w.dir });
          expect(r.code).toBe(2);
          expect(r.stderr).toBe(`sanctum: cannot read target '${t}': permission denied\n`);
        }
      } finally {
        chmodSync(join(w.dir, 'secret'), 0o755);
        w.cleanup();
      }
    },
  );
});

describe('--fail-on', () => {
  it('none reports without failing, in every format', async () => {
    const table = await run(['scan', 'bad', ...ONLY, '--fail-on', 'none'], { cwd: cwd() });
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('CRITICAL  K8S-0003');
    const junit = await run(['scan', 'bad', ...ONLY, '--fail-on', 'none', '-f', 'junit'], { cwd: cwd() });
    expect(junit.code).toBe(0);
    expect(junit.stdout).toContain('failures="0"');
  });

  it('none still fails on scan errors with --fail-on-error', async () => {
    writeFileSync(join(cwd(), 'docs', 'broken.yaml'), 'a: [1,\n');
    expect((await run(['scan', 'docs', '--fail-on', 'none', '--fail-on-error'], { cwd: cwd() })).code).toBe(1);
  });

  it('takes severities in any case, on the command line and in the configuration', async () => {
    expect((await run(['scan', 'bad', ...ONLY, '--fail-on', 'CRITICAL'], { cwd: cwd() })).code).toBe(1);
    expect((await run(['scan', 'good', ...ONLY, '--fail-on', 'Low'], { cwd: cwd() })).code).toBe(0);
    writeFileSync(join(cwd(), 'upper.yaml'), 'failOn: NONE\nrules:\n  K8S-0003:\n    severity: Medium\n');
    const r = await run(['scan', 'bad', ...ONLY, '--config', 'upper.yaml', '-f', 'json'], { cwd: cwd() });
    expect(r.code).toBe(0);
    expect(json(r.stdout).findings[0].severity).toBe('medium');
    const bad = await run(['scan', 'bad', '--fail-on', 'severe'], { cwd: cwd() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("sanctum: --fail-on must be one of critical, high, medium, low, info, none (got 'severe')\n");
  });
});

describe('scan - (stdin)', () => {
  it('reads one YAML document from stdin and reports it at its lines', async () => {
    const r = await run(['scan', '-', ...ONLY, '-f', 'json'], { cwd: cwd(), stdin: PRIVILEGED_POD });
    expect(r.code).toBe(1);
    expect(json(r.stdout).findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`)).toEqual([
      'K8S-0003 stdin.yaml:11',
    ]);
  });

  it('recognises a Dockerfile, and --stdin-name decides the parser', async () => {
    const r = await run(['scan', '-', '--rule', 'DF-0001', '-f', 'json'], { cwd: cwd(), stdin: '# build\nFROM python:3.12\n' });
    expect(json(r.stdout).findings.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`)).toEqual(['DF-0001 Dockerfile:2']);
    const named = await run(['scan', '-', ...ONLY, '--stdin-name', 'k8s/pod.yaml', '-f', 'json'], { cwd: cwd(), stdin: PRIVILEGED_POD });
    expect(json(named.stdout).findings.map((f) => f.location.path)).toEqual(['k8s/pod.yaml']);
  });

  it('binary content on stdin is exit 2 with a clear message, unless --stdin-name says what it is', async () => {
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const r = await run(['scan', '-', '-f', 'json'], { cwd: cwd(), stdin: binary });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^sanctum: stdin is binary content, not a YAML\/JSON document or a Dockerfile: name what it is with --stdin-name/,
    );
    // Named, it is read as a file of that name: a pickle that imports os.system is a model finding.
    const pickle = Buffer.from('\x80\x04\x95\x15\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93\x94.', 'latin1');
    const named = await run(['scan', '-', '--stdin-name', 'model.pkl', '--scanners', 'models', '-f', 'json'], {
      cwd: cwd(),
      stdin: pickle,
    });
    expect(json(named.stdout).findings.map((f) => f.location.path)).toContain('model.pkl');
  });

  it('stdin stands alone, and --stdin-name needs it', async () => {
    const mixed = await run(['scan', '-', 'good'], { cwd: cwd(), stdin: PRIVILEGED_POD });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toBe("sanctum: '-' (stdin) cannot be combined with other paths\n");
    expect((await run(['scan', 'good', '--stdin-name', 'x.yaml'], { cwd: cwd() })).code).toBe(2);
    expect((await run(['scan', '-', '--fix'], { cwd: cwd(), stdin: PRIVILEGED_POD })).stderr).toBe(
      'sanctum: --fix cannot write to stdin\n',
    );
  });
});

describe('empty selections say so', () => {
  it('no rule left to run is exit 2 naming the selection', async () => {
    const r = await run(['scan', 'bad', '--rule', 'K8S-0003', '--scanners', 'secrets'], { cwd: cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('sanctum: no rule selected: scanners secrets with rules K8S-0003 leave nothing to run\n');
    expect((await run(['scan', 'bad', '--rule', 'K8S-0003', '--skip-rule', 'privileged-container'], { cwd: cwd() })).code).toBe(2);
  });

  it('no file that the selected rules read is said on stderr', async () => {
    const r = await run(['scan', 'docs/notes.md', ...ONLY], { cwd: cwd() });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('sanctum: nothing scanned: no file in docs/notes.md is one the selected rules read\n');
    expect((await run(['scan', 'docs/notes.md', ...ONLY, '-q'], { cwd: cwd() })).stderr).toBe('');
  });
});

describe('--quiet filters every format', () => {
  beforeAll(() => writeFileSync(join(cwd(), 'medium.yaml'), 'rules:\n  K8S-0003:\n    severity: medium\n'));
  const reported: Record<string, (out: string) => number> = {
    table: (out) => out.split('\n').filter((l) => /^\s+\d+:\d+\s/.test(l)).length,
    json: (out) => json(out).findings.length,
    sarif: (out) => (JSON.parse(out) as { runs: Array<{ results: unknown[] }> }).runs[0].results.length,
    junit: (out) => (out.match(/<(failure|skipped)\b/g) ?? []).length,
  };
  it.each(Object.keys(reported))('%s keeps only findings at or above --fail-on', async (format) => {
    const count = reported[format];
    const args = ['scan', 'bad', ...ONLY, '--config', 'medium.yaml', '-f', format];
    expect(count((await run(args, { cwd: cwd() })).stdout)).toBe(1);
    const quiet = await run([...args, '-q'], { cwd: cwd() });
    expect(quiet.code).toBe(0);
    expect(count(quiet.stdout)).toBe(0);
    expect(count((await run([...args, '-q', '--fail-on', 'medium'], { cwd: cwd() })).stdout)).toBe(1);
  });
});

describe('help and README advertise only what exists', () => {
  it('--help lists the formats that have a reporter and the scanners that have rules', async () => {
    const r = await run(['scan', '--help'], { cwd: cwd() });
    const formats = /output format, repeatable: ([a-z|]+)/.exec(r.stdout.replace(/\s+/g, ' '))?.[1].split('|');
    expect(formats).toEqual(Object.keys(reporters));
    const scanners = /scanners to run: ([a-z,]+)/.exec(r.stdout.replace(/\s+/g, ' '))?.[1].split(',');
    expect(scanners?.length).toBeGreaterThan(0);
    for (const s of scanners ?? []) expect(getRegistry().rules.some((rule) => rule.meta.scanner === s)).toBe(true);
    expect(r.stdout.replace(/\s+/g, ' ')).toContain('critical|high|medium|low|info|none (none: report only;');
  });

  it('the README names no format or scanner that does not exist', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const formatsLine = /\| `-f, --format FORMAT` \| ([^\n]+)/.exec(readme)?.[1] ?? '';
    const named = [...formatsLine.matchAll(/`([a-z]+)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    for (const f of named) expect(Object.keys(reporters)).toContain(f);
    const scannersLine = /\| `--scanners LIST` \| `([a-z,]+)`/.exec(readme)?.[1] ?? '';
    for (const s of scannersLine.split(','))
      expect(
        getRegistry().rules.some((rule) => rule.meta.scanner === s),
        s,
      ).toBe(true);
    // CycloneDX is written by `sanctum sbom`, not by a `scan` format.
    const sbom = (await run(['sbom', '--help'], { cwd: cwd() })).stdout.includes('CycloneDX 1.6');
    const offered: Record<string, boolean> = { html: false, cyclonedx: sbom };
    for (const word of ['html', 'cyclonedx'])
      if (!reporters[word] && !offered[word]) expect(readme).not.toMatch(new RegExp(`\\b${word}\\b`, 'i'));
    expect(readme).not.toMatch(/--format[^\n]*\bcyclonedx\b/i);
  });
});

describe('a closed pipe', () => {
  /** Runs bin/sanctum and closes its stdout after the first chunk, as `| head -1` does. */
  function closedEarly(args: string[]): Promise<{ code: number | null; stderr: string; received: number }> {
    if (!existsSync(join(ROOT, 'dist', 'bundle', 'main.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    return new Promise((done) => {
      const env = { ...process.env };
      delete env.FORCE_COLOR;
      const child = spawn(process.execPath, [join(ROOT, 'bin', 'sanctum'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let received = 0;
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.once('data', (d: Buffer) => {
        received = d.length;
        child.stdout.destroy();
      });
      child.on('close', (code) => done({ code, stderr, received }));
    });
  }

  it('a write to a closed pipe is dropped without an unhandled error', async () => {
    const closed = new Writable({ write: (_chunk, _enc, cb) => cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    endQuietlyOnClosedPipe([closed as unknown as NodeJS.WriteStream]);
    closed.write('report');
    closed.write('more');
    await new Promise((r) => setTimeout(r, 10));
    expect(closed.destroyed).toBe(true);
  });

  it('ends quietly with the exit code of the command', async () => {
    const rules = await closedEarly(['rules', '--format', 'json']);
    expect(rules.received).toBeGreaterThan(0);
    expect(rules).toMatchObject({ code: 0, stderr: '' });
    const scan = await closedEarly(['scan', 'examples/ai-platform', '-f', 'json', '--no-progress']);
    expect(scan).toMatchObject({ code: 1, stderr: '' });
  });
});
