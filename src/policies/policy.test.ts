import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { scanSync, ScanSetupError } from '../scan.js';
import { compileExpression, toCel } from './cel.js';
import { compilePolicy, loadPolicies, parseFieldPath, PolicyError, type PolicySpec } from './policy.js';
import { RbacAuthorizer } from './rbac-authorizer.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/policies', import.meta.url));
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sanctum-policies-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const deployment = (opts: { namespace?: string; image?: string; env?: string; gpu?: boolean; labels?: string } = {}) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
  namespace: ${opts.namespace ?? 'llm'}
  labels: {${opts.labels ?? 'app.kubernetes.io/component: model-server'}}
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: vllm
        image: ${opts.image ?? 'vllm/vllm-openai:v0.6.3'}
${opts.env ?? ''}${opts.gpu ? '        resources:\n          limits: {nvidia.com/gpu: 1}\n' : ''}`;

function scanWithExamples(text: string, path = 'deploy/app.yaml') {
  return scanSync({
    targets: [path],
    files: [new MemorySourceFile(path, text)],
    config: false,
    policies: [EXAMPLES],
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  }).findings.filter((f) => f.ruleId.startsWith('policy:'));
}

describe('custom CEL policies in scan', () => {
  it('model images by digest: reported with the images, on the object name', () => {
    const findings = scanWithExamples(deployment());
    const f = findings.find((x) => x.ruleId === 'policy:model-images-by-digest')!;
    expect(f.message).toBe('images not pinned by digest: vllm/vllm-openai:v0.6.3');
    expect(f.severity).toBe('high');
    expect(f.location).toEqual(
      expect.objectContaining({ path: 'deploy/app.yaml', startLine: 4, startColumn: 3, objectPath: '/metadata/name' }),
    );
    const pinned = scanWithExamples(
      deployment({ image: 'vllm/vllm-openai@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945' }),
    );
    expect(pinned.map((x) => x.ruleId)).not.toContain('policy:model-images-by-digest');
    // Objects the match leaves out (no model-server label) are not checked.
    expect(scanWithExamples(deployment({ labels: 'app: web' })).map((x) => x.ruleId)).not.toContain('policy:model-images-by-digest');
  });

  it('forbid trust_remote_code in the environment, in pod templates of AI operators too', () => {
    const env = '        env:\n        - {name: TRUST_REMOTE_CODE, value: "True"}\n';
    expect(scanWithExamples(deployment({ env })).find((x) => x.ruleId === 'policy:forbid-trust-remote-code')?.message).toBe(
      'trust_remote_code turned on by the environment of vllm',
    );
    expect(scanWithExamples(deployment({ env: env.replace('"True"', '"false"') })).map((x) => x.ruleId)).not.toContain(
      'policy:forbid-trust-remote-code',
    );
    const rayService = `apiVersion: ray.io/v1
kind: RayService
metadata: {name: llm, namespace: serve}
spec:
  rayClusterConfig:
    headGroupSpec:
      template:
        spec:
          containers:
          - name: head
            image: rayproject/ray:2.9.0
            env: [{name: HF_TRUST_REMOTE_CODE, value: "1"}]
`;
    expect(scanWithExamples(rayService).map((x) => `${x.ruleId} ${x.severity} ${x.message}`)).toContain(
      'policy:forbid-trust-remote-code critical trust_remote_code turned on by the environment of head',
    );
  });

  it('GPU requests in GPU namespaces only', () => {
    const missing = scanWithExamples(deployment({ namespace: 'gpu-a' }));
    expect(missing.find((x) => x.ruleId === 'policy:gpu-requests-in-gpu-namespaces')?.message).toBe(
      'no container requests nvidia.com/gpu in a GPU namespace (reason Invalid)',
    );
    expect(scanWithExamples(deployment({ namespace: 'gpu-a', gpu: true })).map((x) => x.ruleId)).not.toContain(
      'policy:gpu-requests-in-gpu-namespaces',
    );
    expect(scanWithExamples(deployment({ namespace: 'web' })).map((x) => x.ruleId)).not.toContain('policy:gpu-requests-in-gpu-namespaces');
  });

  it('reports at the validation fieldPath, and runs from .sanctum/policies/ by default', () => {
    const dir = workspace({
      '.sanctum/policies/replicas.yaml': `apiVersion: policies.sanctum.dev/v1
kind: SanctumPolicy
metadata: {name: two-replicas}
spec:
  match: {kinds: [apps/Deployment]}
  validations:
  - expression: "object.spec.replicas >= 2"
    message: model servers run at least two replicas
    fieldPath: spec.replicas
`,
      'deploy/app.yaml': deployment(),
    });
    const r = scanSync({ targets: ['deploy'], cwd: dir, config: false });
    const f = r.findings.find((x) => x.ruleId === 'policy:two-replicas')!;
    expect(f.location).toEqual(
      expect.objectContaining({ path: 'deploy/app.yaml', startLine: 8, startColumn: 3, endColumn: 14, objectPath: '/spec/replicas' }),
    );
    expect(f.severity).toBe('medium');
    expect(
      scanSync({ targets: ['deploy'], cwd: dir, config: false, policies: false }).findings.some((x) => x.ruleId.startsWith('policy:')),
    ).toBe(false);
  });

  it('a message quoting a secret of the object shows it redacted, as the secret rules do', () => {
    const key = `sk-ant-api03-${'Q7xv2LkP9mZr4TbW8nYc1HsJ6dFg3KqA0uVe5XoNiRt'.repeat(2)}-AAAAAA`;
    const dir = workspace({
      '.sanctum/policies/env.yaml': `apiVersion: policies.sanctum.dev/v1
kind: SanctumPolicy
metadata: {name: env-values}
spec:
  validations:
  - expression: "false"
    messageExpression: "'env: ' + string(object.spec.containers[0].env[0].value) + ' end'"
`,
      'pod.yaml': `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x:1\n    env:\n    - name: K\n      value: ${key}\n`,
    });
    const f = scanSync({ targets: ['pod.yaml'], cwd: dir, config: false }).findings.find((x) => x.ruleId === 'policy:env-values')!;
    expect(f.message).toBe(`env: Anthropic API key sk-ant-ap… (${key.length} chars) end`);
    expect(f.location).toEqual(expect.objectContaining({ path: 'pod.yaml', startLine: 4, startColumn: 3, endLine: 4, endColumn: 10 }));
  });

  it('a CEL compile error names the policy, the field and the expression, and stops the scan (exit 2)', () => {
    const dir = workspace({
      'bad.yaml': `apiVersion: policies.sanctum.dev/v1
kind: SanctumPolicy
metadata: {name: broken}
spec:
  validations:
  - expression: "object.spec.replicas >"
`,
      'unknown.yaml': `apiVersion: policies.sanctum.dev/v1
kind: SanctumPolicy
metadata: {name: typo}
spec:
  validations:
  - expression: "objekt.spec.replicas > 1"
`,
    });
    expect(() => loadPolicies(['bad.yaml'], dir)).toThrow(
      /^policy broken \(bad\.yaml\): validations\[0\]\.expression: at 1:\d+: .*: "object\.spec\.replicas >"$/,
    );
    expect(() => loadPolicies(['unknown.yaml'], dir)).toThrow(
      'policy typo (unknown.yaml): validations[0].expression: undeclared reference to \'objekt\' (known: object, oldObject, params, namespaceObject, request, variables, podSpecs, containers, authorizer): "objekt.spec.replicas > 1"',
    );
    expect(() => scanSync({ targets: ['.'], cwd: dir, config: false, policies: ['bad.yaml'] })).toThrow(ScanSetupError);
    expect(() => loadPolicies(['missing.yaml'], dir)).toThrow('no such policy file or directory: missing.yaml');
  });

  it('a constant regular expression that does not compile is a compile error, as the API server refuses the policy', () => {
    const compile = (expression: string) => () => compilePolicy('patterns', 'p.yaml', { validations: [{ expression }] });
    expect(compile("'x'.matches('[')")).toThrow(
      new PolicyError(
        'policy patterns (p.yaml): validations[0].expression: at 1:13: invalid regular expression "[" given to matches(): error parsing regexp: missing closing ]: `[`: "\'x\'.matches(\'[\')"',
      ),
    );
    expect(compile("matches(object.metadata.name, 'a(b')")).toThrow(
      /at 1:31: invalid regular expression "a\(b" given to matches\(\): error parsing regexp: missing closing \)/,
    );
    expect(compile("containers.all(c, c.image.find('(?=x)') == '')")).toThrow(/given to find\(\)/);
    expect(compile("size(object.metadata.name.findAll('x**', 2)) == 0")).toThrow(/given to findAll\(\)/);
    // A pattern read from the object is only known when it runs: an error there, as on the API server.
    const p = compilePolicy('dynamic', 'p.yaml', { validations: [{ expression: 'object.metadata.name.matches(object.spec.pattern)' }] });
    expect(p.evaluate({ object: { metadata: { name: 'x' }, spec: { pattern: '[' } } })[0]?.message).toMatch(/could not be evaluated/);
    expect(compile("'x'.matches('^[a-z]+$')")).not.toThrow();
  });

  it('a compile error or YAML error of a policy file masks a key written in it, as other messages do', () => {
    const key = `sk-ant-api03-${'Q7xv2LkP9mZr4TbW8nYc1HsJ6dFg3KqA0uVe5XoNiRt'.repeat(2)}-AAAAAA`;
    const masked = `Anthropic API key sk-ant-ap… (${key.length} chars)`;
    const dir = workspace({
      'cel.yaml': `apiVersion: policies.sanctum.dev/v1
kind: SanctumPolicy
metadata: {name: literal}
spec:
  validations:
  - expression: "object.data.key == '${key}' &&"
`,
      'alias.yaml': `apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\nmetadata: {name: alias}\nspec: *${key}\n`,
    });
    const message = (file: string) => {
      try {
        loadPolicies([file], dir);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(message('cel.yaml')).toMatch(
      /^policy literal \(cel\.yaml\): validations\[0\]\.expression: at 1:\d+: found & but expecting end of input: "/,
    );
    expect(message('cel.yaml')).toContain(`: "object.data.key == '${masked}' &&"`);
    expect(message('alias.yaml')).toBe(`alias.yaml: unidentified alias "${masked}" (4:114)`);
    for (const file of ['cel.yaml', 'alias.yaml']) expect(message(file)).not.toContain(key.slice(0, 20));
    let setup = '';
    try {
      scanSync({ targets: ['.'], cwd: dir, config: false, policies: ['cel.yaml'] });
    } catch (e) {
      setup = (e as Error).message;
    }
    expect(setup).toContain(masked);
    expect(setup).not.toContain(key.slice(0, 20));
  });

  it('a policy file whose sequence keys aliases make heavy is refused with its line, before the keys are built (js-yaml alone took seconds a key)', () => {
    // 305 KB: a sequence of 100,000 aliases to 5,000 characters, used as a key three times (500 MB of key each).
    const heavy =
      `s: &s ${'x'.repeat(5000)}\na: &a [${Array.from({ length: 100_000 }, () => '*s').join(',')}]\n` +
      Array.from({ length: 3 }, (_, i) => `m${i}:\n  ? *a\n  : 1\n`).join('');
    const dir = workspace({ 'heavy.yaml': `apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\n${heavy}` });
    expect(() => loadPolicies(['heavy.yaml'], dir)).toThrow(PolicyError);
    expect(() => loadPolicies(['heavy.yaml'], dir)).toThrow(
      'heavy.yaml: YAML sequences hold more than 4194304 items and characters with aliases counted at each use (line 6; a sequence used as a mapping key is copied into a string at each use: an alias bomb?)',
    );
  });

  it('a validation that fails or cannot be evaluated quotes its expression with a key written in it masked (evidence, webhook)', () => {
    const key = `sk-ant-api03-${'Q7xv2LkP9mZr4TbW8nYc1HsJ6dFg3KqA0uVe5XoNiRt'.repeat(2)}-AAAAAA`;
    const expression = `int(object.metadata.name) > 0 || object.metadata.name == '${key}'`;
    const [v] = compilePolicy('literal', 'test', { validations: [{ expression }] }).evaluate({ object: { metadata: { name: 'x' } } });
    expect(v.error).toBe(true);
    expect(v.expression).toBe(
      `int(object.metadata.name) > 0 || object.metadata.name == 'Anthropic API key sk-ant-ap… (${key.length} chars)'`,
    );
    expect(v.message).not.toContain(key.slice(0, 20));
  });

  it('a document that is not a policy is a clear error', () => {
    const dir = workspace({
      'p.yaml': 'apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\nmetadata: {name: x}\nspec: {validations: []}\n',
      'deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n',
      'two.yaml':
        'apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\nmetadata: {name: a}\nspec: {validations: [{expression: "true"}]}\n---\nplain text\n',
    });
    expect(() => loadPolicies(['p.yaml'], dir)).toThrow('policy x (p.yaml): spec.validations: a policy needs at least one validation');
    expect(() => loadPolicies(['deployment.yaml'], dir)).toThrow(
      'deployment.yaml: not a SanctumPolicy policies.sanctum.dev/v1: apiVersion: expected policies.sanctum.dev/v1, found "apps/v1"; kind: expected SanctumPolicy, found "Deployment"',
    );
    expect(() => loadPolicies(['two.yaml'], dir)).toThrow(
      'two.yaml (document 2): (top level): expected a mapping, found text of 10 characters',
    );
  });

  describe('a policy of the wrong shape names the file, the policy, the field and what was expected, in words', () => {
    const policy = (spec: string, metadata = '{name: p}') =>
      `apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\nmetadata: ${metadata}\nspec:\n${spec}`;
    const valid = '  validations:\n  - {expression: "true"}\n';
    it.each([
      [
        'an expression that is a number',
        '  validations:\n  - expression: 3\n',
        'spec.validations[0].expression: expected text, found the number 3',
      ],
      [
        'an unknown severity',
        `  severity: urgent\n${valid}`,
        'spec.severity: expected one of critical, high, medium, low, info, found "urgent"',
      ],
      ['a severity that is a number', `  severity: 3\n${valid}`, 'spec.severity: expected text, found the number 3'],
      ['one kind where a list goes', `  match: {kinds: Deployment}\n${valid}`, 'spec.match.kinds: expected a list, found "Deployment"'],
      [
        'a validation that is a mapping, not a list',
        '  validations: {expression: "true"}\n',
        'spec.validations: expected a list, found a mapping',
      ],
      [
        'misspelt keys of a validation',
        '  validations:\n  - {expresion: "true", mesage: x}\n',
        'spec.validations[0].expression: required, but missing (text); ' +
          'spec.validations[0]: unknown key "expresion" (did you mean "expression"?); ' +
          'spec.validations[0]: unknown key "mesage" (did you mean "message"?)',
      ],
      ['a misspelt key of match', `  match: {kind: [Pod]}\n${valid}`, 'spec.match: unknown key "kind" (did you mean "kinds"?)'],
      [
        'an unknown target, a variable name CEL cannot read, a fractional cost limit',
        `  target: images\n  costLimit: 1.5\n  variables: [{name: a-b, expression: "1"}]\n${valid}`,
        'spec.target: expected one of kubernetes, image-config, found "images"; ' +
          'spec.variables[0].name: expected a CEL identifier (letters, digits and _, not starting with a digit), found "a-b"; ' +
          'spec.costLimit: expected a whole number, found the number 1.5',
      ],
      [
        'a match condition without a name, a cost limit of 0',
        `  costLimit: 0\n  matchConditions: [{expression: "true"}]\n${valid}`,
        'spec.matchConditions[0].name: required, but missing (text); spec.costLimit: must be greater than 0, found the number 0',
      ],
      [
        'a selector operator in the wrong case',
        `  match: {labels: {matchExpressions: [{key: a, operator: in}]}}\n${valid}`,
        'spec.match.labels.matchExpressions[0].operator: expected one of In, NotIn, Exists, DoesNotExist, found "in"',
      ],
    ])('%s', (_, spec, problems) => {
      const dir = workspace({ '.sanctum/policies/p.yaml': policy(spec) });
      expect(() => loadPolicies(['.sanctum/policies'], dir)).toThrow(new PolicyError(`policy p (.sanctum/policies/p.yaml): ${problems}`));
    });

    it('a misspelt key of the spec is a warning naming the key meant, unless a ValidatingAdmissionPolicy has it', () => {
      const dir = workspace({
        'p.yaml': policy(
          '  matchCondition: [{name: a, expression: "false"}]\n  severty: high\n  Validations: []\n  frobnicate: 1\n  validations:\n  - {expression: "false"}\n',
        ),
        'vap.yaml': policy(
          `  failurePolicy: Fail\n  paramKind: {apiVersion: v1, kind: ConfigMap}\n  matchConstraints: {}\n  auditAnnotations: []\n${valid}`,
        ),
      });
      const warnings: string[] = [];
      const [p] = loadPolicies(['p.yaml'], dir, (m) => warnings.push(m));
      expect(warnings).toEqual([
        'policy p (p.yaml): spec: unknown key "matchCondition" (did you mean "matchConditions"?); it is ignored',
        'policy p (p.yaml): spec: unknown key "severty" (did you mean "severity"?); it is ignored',
        'policy p (p.yaml): spec: unknown key "Validations" (did you mean "validations"?); it is ignored',
        'policy p (p.yaml): spec: unknown key "frobnicate" (known: target, severity, description, match, matchConditions, variables, validations, costLimit); it is ignored',
      ]);
      // Ignored indeed: the misspelt match condition would have left the object out.
      expect(p.evaluate({ object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } } })).toHaveLength(1);
      expect(p.severity).toBe('medium');
      loadPolicies(['vap.yaml'], dir, (m) => warnings.push(m));
      expect(warnings).toHaveLength(4);
    });

    it('a misspelt key that leaves a required one missing is named with the error', () => {
      const dir = workspace({ 'p.yaml': policy('  validation:\n  - {expression: "true"}\n') });
      expect(() => loadPolicies(['p.yaml'], dir)).toThrow(
        new PolicyError(
          'policy p (p.yaml): spec.validations: required, but missing (a list); spec: unknown key "validation" (did you mean "validations"?)',
        ),
      );
    });

    it('a scan passes the warning on as a notice', () => {
      const dir = workspace({ '.sanctum/policies/p.yaml': policy(`  validation: []\n${valid}`), 'app.yaml': deployment() });
      const notices: string[] = [];
      scanSync({ targets: ['app.yaml'], cwd: dir, config: false, onNotice: (m) => notices.push(m) });
      expect(notices).toEqual([
        'policy p (.sanctum/policies/p.yaml): spec: unknown key "validation" (did you mean "validations"?); it is ignored',
      ]);
    });

    it('without a name, the file alone; without a spec, the spec', () => {
      const dir = workspace({ 'nameless.yaml': policy(valid, '{}'), 'bare.yaml': policy('', '{name: p}').replace(/spec:\n$/, '') });
      expect(() => loadPolicies(['nameless.yaml'], dir)).toThrow(
        new PolicyError('nameless.yaml: metadata.name: required, but missing (text)'),
      );
      expect(() => loadPolicies(['bare.yaml'], dir)).toThrow(
        new PolicyError('policy p (bare.yaml): spec: required, but missing (a mapping)'),
      );
    });

    it('stops a scan as a setup error (exit 2) with that message', () => {
      const dir = workspace({ '.sanctum/policies/p.yaml': policy('  validations:\n  - expression: 3\n'), 'app.yaml': deployment() });
      expect(() => scanSync({ targets: ['app.yaml'], cwd: dir, config: false })).toThrow(
        new ScanSetupError('policy p (.sanctum/policies/p.yaml): spec.validations[0].expression: expected text, found the number 3'),
      );
    });
  });
});

describe('policy evaluation', () => {
  const spec = (validations: PolicySpec['validations'], extra: Partial<PolicySpec> = {}): PolicySpec => ({ validations, ...extra });
  const object = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', namespace: 'n' },
    data: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'])),
  };

  it('stops an expression whose estimated cost is over the limit, and says so', () => {
    const p = compilePolicy(
      'nested',
      'test',
      spec([{ expression: 'object.data.all(a, object.data.all(b, object.data.all(c, a != b || b != c)))' }]),
    );
    const [v] = p.evaluate({ object });
    expect(v.error).toBe(true);
    expect(v.message).toMatch(
      /^policy nested: ".*" could not be evaluated: estimated cost [\d,]+ exceeds the limit of 1,000,000 for data with up to 200 entries per list$/,
    );
    const cheap = compilePolicy('flat', 'test', spec([{ expression: "object.data.all(k, object.data[k] == 'v')" }]));
    expect(cheap.evaluate({ object })).toEqual([]);
  });

  it('refuses an expression nested too deeply, naming the policy, and quotes only the start of a long expression', () => {
    const deep = `${'('.repeat(5000)}true${')'.repeat(5000)}`;
    let error: unknown;
    try {
      compilePolicy('deep', 'p.yaml', spec([{ expression: deep }]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as Error).message).toBe(
      `policy deep (p.yaml): validations[0].expression: the expression is too deeply nested (5000 levels of brackets; at most 250): "${'('.repeat(200)}… (10004 characters)"`,
    );
    // As deep as allowed compiles and runs; brackets inside string literals do not count.
    const ok = compilePolicy('ok', 'test', spec([{ expression: `${'('.repeat(250)}'${'(['.repeat(300)}' != ''${')'.repeat(250)}` }]));
    expect(ok.evaluate({ object })).toEqual([]);
    expect(() => compilePolicy('x', 'test', spec([{ expression: `${'['.repeat(251)}${']'.repeat(251)} == []` }]))).toThrow(
      /too deeply nested/,
    );
  });

  it('quotes only the start of a long expression that fails or cannot be evaluated', () => {
    const long = `${'1 == 1 && '.repeat(30)}object.metadata.name == 'other'`;
    const broken = `${'1 == 1 && '.repeat(30)}object.nope == 'x'`;
    const p = compilePolicy('long', 'test', spec([{ expression: long }, { expression: broken }]));
    expect(p.evaluate({ object }).map((v) => v.message)).toEqual([
      `failed expression: ${long.slice(0, 200)}… (${long.length} characters)`,
      `policy long: ${JSON.stringify(`${broken.slice(0, 200)}… (${broken.length} characters)`)} could not be evaluated: field not found: nope`,
    ]);
  });

  it('refuses a chain of operators too long for the parser, naming the policy, not with a stack overflow', () => {
    const chain = `1${' + 1'.repeat(5000)} > 0`;
    expect(() => compilePolicy('chain', 'p.yaml', spec([{ expression: chain }]))).toThrow(
      new PolicyError(
        `policy chain (p.yaml): validations[0].expression: the expression is too deeply nested (a chain of 5001 operators, selections, indexes or conditionals, each over the one before; at most 250): "${chain.slice(0, 200)}… (${chain.length} characters)"`,
      ),
    );
    expect(() => compilePolicy('unary', 'p.yaml', spec([{ expression: `${'!'.repeat(5000)}true` }]))).toThrow(
      /^policy unary \(p\.yaml\): validations\[0\]\.expression: the expression is too deeply nested \(a chain of 5000 /,
    );
  });

  it('messageExpression falls back to message when it fails', () => {
    const p = compilePolicy('m', 'test', spec([{ expression: 'false', message: 'plain', messageExpression: 'string(object.nope)' }]));
    const [a] = p.evaluate({ object });
    expect(a.message).toBe('plain');
  });

  it('picks the message as the API server does: trimmed, a multi-line or empty messageExpression falls back', () => {
    const p = compilePolicy(
      'm',
      'test',
      spec([
        { expression: 'false', message: 'plain', messageExpression: "'  spaced  '" },
        { expression: 'false', message: 'one line only', messageExpression: "['a', 'b'].join('\\n')" },
        {
          expression: 'false',
          message: 'not over 5 KiB',
          messageExpression: "'é'.replace('é', 'éé').replace('é', 'éééé') + object.data.k0 + lists.range(3000).map(i, 'é').join('')",
        },
        { expression: '  false  ', message: '   ' },
        { expression: 'false', message: '  padded  ' },
      ]),
    );
    expect(p.evaluate({ object }).map((v) => v.message)).toEqual([
      'spaced',
      'one line only',
      'not over 5 KiB',
      'failed expression: false',
      'padded',
    ]);
  });

  it('gives namespaceObject its times as timestamps, as it is typed', () => {
    const p = compilePolicy(
      'young-namespaces',
      'test',
      spec([
        { expression: "namespaceObject.metadata.creationTimestamp < timestamp('2024-01-01T00:00:00Z')", message: 'old namespace' },
        { expression: "namespaceObject.status.conditions.all(c, c.lastTransitionTime > timestamp('2024-06-01T00:00:00Z'))" },
        { expression: 'namespaceObject.metadata.creationTimestamp.getFullYear() == 2023' },
      ]),
    );
    const namespace = (created: string) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'n', creationTimestamp: created },
      status: { phase: 'Active', conditions: [{ type: 'X', status: 'False', lastTransitionTime: '2024-06-02T10:00:00.5+02:00' }] },
    });
    expect(p.evaluate({ object, namespaceObject: namespace('2023-05-01T12:00:00Z') })).toEqual([]);
    expect(p.evaluate({ object, namespaceObject: namespace('2024-03-01T00:00:00Z') }).map((v) => [v.message, v.error])).toEqual([
      ['old namespace', undefined],
      ['failed expression: namespaceObject.metadata.creationTimestamp.getFullYear() == 2023', undefined],
    ]);
  });

  it('binds request, oldObject and params', () => {
    const p = compilePolicy(
      'r',
      'test',
      spec([{ expression: "request.operation != 'UPDATE' || oldObject.metadata.name == object.metadata.name && params.max == 3" }]),
    );
    expect(p.evaluate({ object, oldObject: { metadata: { name: 'c' } }, request: { operation: 'UPDATE' }, params: { max: 3 } })).toEqual(
      [],
    );
    expect(
      p.evaluate({ object, oldObject: { metadata: { name: 'd' } }, request: { operation: 'UPDATE' }, params: { max: 3 } }),
    ).toHaveLength(1);
  });

  it('evaluates a variable only where an expression reads it, as the API server does: its error fails only those', () => {
    const p = compilePolicy(
      'lazy',
      'test',
      spec(
        [
          { expression: "object.kind != 'Deployment' || variables.replicas <= 5", message: 'too many replicas' },
          { expression: 'variables.replicas <= 5', message: 'reads it' },
          { expression: 'variables.replicas == 1 || true' },
        ],
        { variables: [{ name: 'replicas', expression: 'object.spec.replicas' }] },
      ),
    );
    // A ConfigMap has no spec: only the validation that reads the variable fails, with the variable's error.
    expect(p.evaluate({ object }).map((v) => [v.message, v.error])).toEqual([
      [
        'policy lazy: "variables.replicas <= 5" could not be evaluated: variable replicas could not be evaluated: field not found: spec',
        true,
      ],
    ]);
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 9 } };
    expect(p.evaluate({ object: deployment }).map((v) => v.message)).toEqual(['too many replicas', 'reads it']);
  });

  it('keeps a variable the CEL value it is: a double, a uint, an int past 2^53', () => {
    const p = compilePolicy(
      'typed',
      'test',
      spec(
        [
          { expression: 'variables.ratio + 0.5 == 4.5' },
          { expression: 'variables.count + 1u == 3u' },
          { expression: 'variables.big == 9223372036854775807 && variables.big - 1 == 9223372036854775806' },
        ],
        {
          variables: [
            { name: 'ratio', expression: '4.0' },
            { name: 'count', expression: '2u' },
            { name: 'big', expression: '9223372036854775807' },
          ],
        },
      ),
    );
    expect(p.evaluate({ object })).toEqual([]);
  });

  it('leaves the object out when one match condition is false, even if another fails; else a failing one is the error', () => {
    const p = compilePolicy(
      'mc',
      'test',
      spec([{ expression: 'false', message: 'checked' }], {
        matchConditions: [
          { name: 'fails', expression: "object.spec.nodeName == 'x'" },
          { name: 'not-a-configmap', expression: "object.kind != 'ConfigMap'" },
        ],
      }),
    );
    expect(p.evaluate({ object })).toEqual([]);
    expect(p.evaluate({ object: { ...object, kind: 'Secret' } }).map((v) => [v.message, v.error])).toEqual([
      ['policy mc: match condition fails could not be evaluated: field not found: spec', true],
    ]);
  });

  it('gives a scan the request fields the API server always sets: resource, requestKind, requestResource, userInfo', () => {
    const p = compilePolicy(
      'request',
      'test',
      spec([
        { expression: "request.resource.resource == 'configmaps' && request.resource.group == '' && request.resource.version == 'v1'" },
        { expression: "request.requestKind.kind == 'ConfigMap' && request.requestResource.resource == 'configmaps'" },
        {
          expression:
            "request.kind.kind == 'ConfigMap' && request.name == 'c' && request.namespace == 'n' && request.operation == 'CREATE'",
        },
        { expression: "!request.userInfo.username.startsWith('system:') && !('system:masters' in request.userInfo.groups)" },
      ]),
    );
    expect(p.evaluate({ object })).toEqual([]);
  });

  it('gives request.resource, request.requestResource and authorizer.requestResource the resource name the caller resolved', () => {
    // A custom resource whose CustomResourceDefinition's plural is not the kind's guessed plural (modelcacheentrys).
    const entry = { apiVersion: 'serving.example.com/v1', kind: 'ModelCacheEntry', metadata: { name: 'llama', namespace: 'llm' } };
    const rbac = new RbacAuthorizer([
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'cache-writer' },
        rules: [{ apiGroups: ['serving.example.com'], resources: ['modelcaches'], verbs: ['create'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: 'alice-caches' },
        subjects: [{ kind: 'User', name: 'alice' }],
        roleRef: { kind: 'ClusterRole', name: 'cache-writer', apiGroup: 'rbac.authorization.k8s.io' },
      },
    ]);
    const p = compilePolicy(
      'resource',
      'test',
      spec([
        { expression: "request.resource.resource != 'modelcaches'", message: 'request.resource' },
        { expression: "request.requestResource.resource != 'modelcaches'", message: 'request.requestResource' },
        { expression: "!authorizer.requestResource.check('create').allowed()", message: 'authorizer.requestResource' },
      ]),
    );
    const authorizer = { user: { name: 'alice', groups: [] }, rbac };
    expect(p.evaluate({ object: entry, resource: 'modelcaches', authorizer }).map((v) => v.message)).toEqual([
      'request.resource',
      'request.requestResource',
      'authorizer.requestResource',
    ]);
    // Without it, the plural guessed from the kind, as before.
    expect(p.evaluate({ object: entry, authorizer })).toEqual([]);
  });

  it('reads field paths with indexes and quoted keys', () => {
    expect(parseFieldPath("spec.containers[0].env['A.B']", 'x')).toEqual(['spec', 'containers', 0, 'env', 'A.B']);
    expect(() => parseFieldPath('spec..x', 'where')).toThrow(PolicyError);
  });
});

describe('the Kubernetes quantity library', () => {
  const evaluate = (expression: string): unknown => {
    const c = compileExpression(expression, []);
    return c.evaluate({}, 1, 1_000_000);
  };

  it('compares quantities exactly across suffixes and exponents', () => {
    expect(evaluate("quantity('1') == quantity('1000m')")).toBe(true);
    expect(evaluate("quantity('1Gi') == quantity('1073741824')")).toBe(true);
    expect(evaluate("quantity('1.5Gi').isGreaterThan(quantity('1500Mi'))")).toBe(true);
    expect(evaluate("quantity('2e3').compareTo(quantity('2k'))")).toBe(0);
    expect(evaluate("quantity('100m').isLessThan(quantity('0.2'))")).toBe(true);
    expect(evaluate("quantity('-500m').sign()")).toBe(-1);
  });

  it('converts, adds and subtracts', () => {
    expect(evaluate("quantity('2Ki').asInteger()")).toBe(2048);
    expect(evaluate("quantity('500m').isInteger()")).toBe(false);
    expect(evaluate("quantity('500m').asApproximateFloat()")).toBe(0.5);
    expect(evaluate("quantity('1').add(quantity('500m')) == quantity('1500m')")).toBe(true);
    expect(evaluate("quantity('4').sub(1).asInteger()")).toBe(3);
    expect(evaluate("isQuantity('8Gi') && !isQuantity('8 GB')")).toBe(true);
  });

  it('fails the expression with a clear error for what is not a quantity', () => {
    expect(() => evaluate("quantity('eight').isInteger()")).toThrow(/'eight' is not a Kubernetes quantity/);
    expect(() => evaluate("quantity('500m').asInteger()")).toThrow(/not an integer/);
  });

  it('lets a policy read GPU limits as quantities', () => {
    const dir = workspace({
      '.sanctum/policies/gpu.yaml': `apiVersion: policies.sanctum.dev/v1
kind: SanctumPolicy
metadata: {name: at-most-one-gpu}
spec:
  severity: high
  validations:
  - expression: "containers.all(c, !has(c.resources) || !has(c.resources.limits) || !('nvidia.com/gpu' in c.resources.limits) || !quantity(string(c.resources.limits['nvidia.com/gpu'])).isGreaterThan(quantity('1')))"
    message: at most one GPU a container
`,
    });
    const scan = (gpus: string) =>
      scanSync({
        targets: ['deploy/app.yaml'],
        files: [
          new MemorySourceFile(
            'deploy/app.yaml',
            deployment().replace('image:', `resources: {limits: {nvidia.com/gpu: ${gpus}}}\n        image:`),
          ),
        ],
        config: false,
        cwd: dir,
      }).findings.filter((f) => f.ruleId === 'policy:at-most-one-gpu');
    expect(scan('2')).toHaveLength(1);
    expect(scan('"1"')).toHaveLength(0);
  });
});

describe('the Kubernetes list and URL libraries', () => {
  const evaluate = (expression: string, object: unknown = {}): unknown =>
    compileExpression(expression, ['object']).evaluate({ object: toCel(object) }, 8, 1_000_000);

  it('sorts, sums, finds extremes and positions in lists', () => {
    expect(evaluate('[1, 2, 2, 5].isSorted() && !["b", "a"].isSorted() && [].isSorted()')).toBe(true);
    expect(evaluate('[1, 2, 3].sum()')).toBe(6);
    expect(evaluate('[0.5, 1.25].sum()')).toBe(1.75);
    expect(evaluate('[].sum()')).toBe(0);
    expect(evaluate('[3, 1, 2].min() == 1 && [3, 1, 2].max() == 3 && ["b", "c", "a"].max() == "c"')).toBe(true);
    expect(evaluate('[1, 2, 1].indexOf(1) == 0 && [1, 2, 1].lastIndexOf(1) == 2 && [1].indexOf(7) == -1')).toBe(true);
    // On the object: container names in order.
    const pod = { spec: { containers: [{ name: 'a' }, { name: 'c' }, { name: 'b' }] } };
    expect(evaluate('object.spec.containers.map(c, c.name).isSorted()', pod)).toBe(false);
    expect(() => evaluate('[].min()')).toThrow(/min called on empty list/);
    expect(() => evaluate('[dyn(1), dyn("a")].isSorted()')).toThrow(/elements of one type/);
  });

  it('parses URLs as Kubernetes does: absolute URIs and absolute paths', () => {
    expect(evaluate("url('https://user@example.com:8443/v1/models?limit=1&tag=a&tag=b').getScheme()")).toBe('https');
    expect(evaluate("url('https://user@example.com:8443/v1/models').getHost()")).toBe('example.com:8443');
    expect(evaluate("url('https://example.com:8443/').getHostname()")).toBe('example.com');
    expect(evaluate("url('https://example.com:443/').getPort()")).toBe('443');
    expect(evaluate("url('http://[::1]:8000/x').getHostname()")).toBe('::1');
    expect(evaluate("url('http://[::1]:8000/x').getHost()")).toBe('[::1]:8000');
    expect(evaluate("url('/a%20b/c d').getEscapedPath()")).toBe('/a%20b/c%20d');
    expect(evaluate("url('https://e.com/?tag=a&tag=b+c&x').getQuery()")).toEqual({ tag: ['a', 'b c'], x: [''] });
    expect(
      evaluate("isURL('https://example.com') && isURL('/healthz') && !isURL('example.com') && !isURL('../up') && !isURL('http://a b')"),
    ).toBe(true);
    expect(() => evaluate("url('example.com').getHost()")).toThrow(/neither an absolute URI nor an absolute path/);
    const svc = { spec: { endpoint: 'http://vllm.llm.svc:8000/v1' } };
    expect(evaluate("url(object.spec.endpoint).getScheme() == 'https'", svc)).toBe(false);
  });
});

describe('unsupported Kubernetes CEL', () => {
  it('names the CEL extensions it does not provide, and refuses unknown functions at compile time', () => {
    expect(() => compileExpression('object.spec.containers.map(c, c.name).last() == optional.none()', ['object'])).toThrow(
      /^last\(\) is no part of the API server's CEL/,
    );
    expect(() => compileExpression('object.spec.containers.nmae() == 1', ['object'])).toThrow(/^undeclared reference to function 'nmae'$/);
    expect(() => compileExpression('math.greatest(1, 2) == 2', ['object'])).toThrow(/^undeclared reference to function 'math.greatest'$/);
  });
});
