import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { sarifArtifacts } from '../cli/sarif-paths.js';
import { getRegistry, scanSync } from '../scan.js';
import { pathToUri, sarifReporter } from './sarif.js';
import { realResult, selectedRules, syntheticResult } from './testing/fixtures.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const SCHEMA = fileURLToPath(new URL('../../test/schemas/sarif-schema-2.1.0.json', import.meta.url));

let validate: ValidateFunction;
beforeAll(() => {
  // The OASIS schema is draft-04 and uses no keyword whose meaning changed since (no boolean
  // exclusiveMinimum/Maximum), so Ajv's default dialect checks it faithfully. Its draft-04 root `id`
  // (Ajv 8 only knows `$id`) and `$schema` are left uninterpreted; every `$ref` in it is local.
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true });
  ajv.removeKeyword('id');
  addFormats(ajv);
  validate = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
});

function errorsOf(log: unknown): string {
  return validate(log) ? '' : JSON.stringify(validate.errors?.slice(0, 5), null, 1);
}

const ctx = { rules: selectedRules(), lookup: (k: string) => getRegistry().get(k), color: false, failOn: 'high' as const };

describe('SARIF reporter', () => {
  it('writes a log of a real scan that the SARIF 2.1.0 schema accepts', () => {
    const log = JSON.parse(sarifReporter(realResult(), ctx));
    expect(errorsOf(log)).toBe('');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
  });

  it('the validator rejects an invalid log (so the check above can fail)', () => {
    const log = JSON.parse(sarifReporter(realResult(), ctx));
    log.runs[0].results[0].level = 'fatal';
    delete log.runs[0].tool.driver.name;
    expect(errorsOf(log)).not.toBe('');
    const log2 = JSON.parse(sarifReporter(syntheticResult(), ctx));
    log2.runs[0].results[0].suppressions = [{ kind: 'inline' }];
    expect(errorsOf(log2)).not.toBe('');
  });

  it('describes the rules that ran, with help, security-severity, tags and a docs link', () => {
    const log = JSON.parse(sarifReporter(realResult(), ctx));
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'Sanctum', version: '0.1.0', informationUri: 'https://sanctum.dev' });
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(['K8S-0003']);
    const rule = driver.rules[0];
    expect(rule).toMatchObject({
      id: 'K8S-0003',
      name: 'privileged-container',
      shortDescription: { text: 'Privileged container' },
      helpUri: 'https://sanctum.dev/docs/rules/privileged-container.md',
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': '9.5' },
    });
    expect(rule.fullDescription.text).toMatch(/root on the node/);
    expect(rule.help.text).toMatch(/^Remove `securityContext.privileged: true`/);
    expect(rule.help.text).toContain('https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline');
    expect(rule.help.markdown).toContain('**Remediation**');
    expect(rule.properties.tags).toEqual(['security', 'misconfig', 'pss:privileged@baseline', 'cis-k8s:5.2.2', 'nsa-cisa:pod-security']);
  });

  it('locates results physically (relative, encoded URI + region) and logically (the Kubernetes resource)', () => {
    const log = JSON.parse(sarifReporter(realResult(), ctx));
    const [failing, suppressed] = log.runs[0].results;
    expect(failing).toMatchObject({
      ruleId: 'K8S-0003',
      ruleIndex: 0,
      level: 'error',
      message: { text: "Container 'vllm' runs privileged" },
    });
    expect(failing.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'deploy/pod%20dir/vllm.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 11, startColumn: 7, endLine: 11, endColumn: 23 },
    });
    expect(failing.locations[0].logicalLocations).toEqual([
      { name: 'vllm', fullyQualifiedName: 'Pod/llm/vllm/spec/containers/0/securityContext/privileged', kind: 'resource' },
    ]);
    expect(failing.partialFingerprints['sanctumFingerprint/v1']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(failing.suppressions).toBeUndefined();
    expect(suppressed.locations[0].physicalLocation.region.startLine).toBe(16);
    expect(suppressed.suppressions).toEqual([
      {
        kind: 'inSource',
        status: 'accepted',
        justification: 'the mesh needs it & <more>',
        properties: { sanctumKind: 'inline', expires: '2999-01-01' },
      },
    ]);
  });

  it('reports files that could not be scanned as error notifications of the invocation', () => {
    const log = JSON.parse(sarifReporter(realResult(), ctx));
    const inv = log.runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(true);
    expect(inv.toolExecutionNotifications).toHaveLength(1);
    expect(inv.toolExecutionNotifications[0]).toMatchObject({
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'deploy/broken.yaml' } } }],
    });
    expect(inv.toolExecutionNotifications[0].message.text).toMatch(/./);
  });

  it('carries fixes as replacements and config suppressions as external, and stays valid', () => {
    const log = JSON.parse(sarifReporter(syntheticResult(), ctx));
    expect(errorsOf(log)).toBe('');
    const [fixed, low, accepted] = log.runs[0].results;
    expect(fixed.fixes).toEqual([
      {
        description: { text: 'Set privileged to false' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'k8s/app.yaml', uriBaseId: '%SRCROOT%' },
            replacements: [
              { deletedRegion: { startLine: 11, startColumn: 19, endLine: 11, endColumn: 23 }, insertedContent: { text: 'false' } },
            ],
          },
        ],
      },
    ]);
    expect(low.level).toBe('note');
    expect(low.properties['security-severity']).toBe('3.0');
    expect(accepted.suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'ticket SEC-1', properties: { sanctumKind: 'config', expires: '2999-01-01' } },
    ]);
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'k8s/bad%20%22one%22.yaml', uriBaseId: '%SRCROOT%' },
      region: { startLine: 2 },
    });
  });

  it('describes a rule that reported without being selected, from the registry', () => {
    const log = JSON.parse(sarifReporter(realResult(), { ...ctx, rules: [] }));
    expect(log.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['K8S-0003']);
    expect(log.runs[0].tool.driver.rules[0].help.text).toMatch(/securityContext/);
    expect(errorsOf(log)).toBe('');
  });

  it('a scan with every rule and no findings is valid too', () => {
    const empty = { ...realResult(), findings: [], errors: [] };
    const log = JSON.parse(sarifReporter(empty, { ...ctx, rules: getRegistry().rules }));
    expect(errorsOf(log)).toBe('');
    expect(log.runs[0].tool.driver.rules).toHaveLength(getRegistry().rules.length);
    expect(log.runs[0].results).toEqual([]);
  });

  it('the SARIF of a scan of the demo platform with every rule is valid', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const result = scanSync({ targets: ['examples/ai-platform'], cwd: root, config: false });
    expect(result.findings.length).toBeGreaterThan(0);
    const log = JSON.parse(sarifReporter(result, { ...ctx, rules: getRegistry().rules }));
    expect(errorsOf(log)).toBe('');
    expect(log.runs[0].results).toHaveLength(result.findings.length);
  });

  it('a notification about a path in the home directory (the vulnerability database) has no location in the scanned tree', () => {
    const result = realResult();
    const log = JSON.parse(
      sarifReporter({ ...result, errors: [...result.errors, { path: '~/.cache/sanctum/db', message: 'no vulnerability database' }] }, ctx),
    );
    expect(errorsOf(log)).toBe('');
    const notes = log.runs[0].invocations[0].toolExecutionNotifications;
    expect(notes.at(-1)).toEqual({ level: 'error', message: { text: 'no vulnerability database' } });
    expect(notes[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'deploy/broken.yaml', uriBaseId: '%SRCROOT%' });
  });

  it('with file locations of a scan (sarifArtifacts), a file outside the root is an absolute file URI the schema accepts', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const result = scanSync({ targets: ['examples/ai-platform/k8s/notebook.yaml'], cwd: root, config: false });
    const moved = result.findings.map((f) => ({ ...f, location: { ...f.location, path: `../elsewhere/${f.location.path}` } }));
    const log = JSON.parse(sarifReporter({ ...result, findings: moved }, { ...ctx, sarifArtifacts: sarifArtifacts(root) }));
    expect(errorsOf(log)).toBe('');
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({
      uri: pathToFileURL(join(root, '../elsewhere/examples/ai-platform/k8s/notebook.yaml')).href,
    });
  });

  it('a finding on a scanned file without a line (a model archive as a whole) is at line 1 of the file, for code scanning', () => {
    const result = realResult();
    const whole = { ...result.findings[0]!, location: { path: 'models/model.pt', detail: 'archive' } };
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const scanned = JSON.parse(sarifReporter({ ...result, findings: [whole] }, { ...ctx, sarifArtifacts: sarifArtifacts(root) }));
    expect(errorsOf(scanned)).toBe('');
    expect(scanned.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'models/model.pt', uriBaseId: '%SRCROOT%' },
      region: { startLine: 1 },
    });
    // Not files of this machine (an image, a cluster): no region is made up.
    const other = JSON.parse(sarifReporter({ ...result, findings: [whole] }, ctx));
    expect(other.runs[0].results[0].locations[0].physicalLocation.region).toBeUndefined();
  });

  it('encodes path segments but keeps the separators', () => {
    expect(pathToUri('a b/c#d/ü.yaml')).toBe('a%20b/c%23d/%C3%BC.yaml');
    expect(pathToUri('../x.yaml')).toBe('../x.yaml');
  });
});
