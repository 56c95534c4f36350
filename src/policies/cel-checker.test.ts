import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { evaluateAdmissionPolicies } from './admission-policy.js';
import { compileExpression } from './cel.js';
import { compilePolicy, POLICY_KIND, PolicyError, policySpecSchema, type PolicySpec } from './policy.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NAMES = ['object', 'oldObject', 'params', 'namespaceObject', 'request', 'authorizer'];
const typeOf = (expression: string) => compileExpression(expression, NAMES).type;
const refused = (expression: string) => () => compileExpression(expression, NAMES);
const spec = (validations: PolicySpec['validations'], more: Partial<PolicySpec> = {}): PolicySpec => ({ validations, ...more });

describe('CEL type check: what the API server refuses when a policy is created', () => {
  it('refuses operators and functions applied to the wrong types, naming the overload and the position', () => {
    expect(refused('size(1) > 0')).toThrow("at 1:1: found no matching overload for 'size' applied to '(int)'");
    expect(refused('object.spec.replicas + 1 > 2')).not.toThrow(); // dyn: decided when it runs
    expect(refused("'a' + 1 == 'a1'")).toThrow(
      "at 1:5: found no matching overload for '+' applied to '(string, int)': convert the other side with string() to concatenate",
    );
    expect(refused('request.name > 3')).toThrow("at 1:14: found no matching overload for '>' applied to '(string, int)'");
    expect(refused('1 + 1.5 > 2.0')).toThrow(
      /found no matching overload for '\+' applied to '\(int, double\)': CEL does not mix int, uint/,
    );
    expect(refused('request.dryRun == 1')).toThrow("found no matching overload for '==' applied to '(bool, int)'");
    expect(refused("request.userInfo.groups.matches('a')")).toThrow(
      "at 1:24: found no matching overload for 'matches' applied to 'list(string).(string)'",
    );
    expect(refused('request.operation.contains(1)')).toThrow("found no matching overload for 'contains' applied to 'string.(int)'");
    expect(refused("quantity('1Gi').isGreaterThan('2Gi')")).toThrow(
      "found no matching overload for 'isGreaterThan' applied to 'kubernetes.Quantity.(string)'",
    );
    expect(refused("sets.contains(['a'], [1])")).toThrow(
      "found no matching overload for 'sets.contains' applied to '(list(string), list(int))'",
    );
    expect(refused("authorizer.group('apps').check('get')")).toThrow(
      "found no matching overload for 'check' applied to 'kubernetes.authorization.GroupCheck.(string)'",
    );
  });

  it('refuses a misspelled function, an unknown field of a declared type and selection on a scalar', () => {
    expect(refused("request.operation.startWith('C')")).toThrow("undeclared reference to function 'startWith'");
    expect(refused("request.operaton == 'CREATE'")).toThrow(
      /^at 1:8: undefined field 'operaton' \(kubernetes\.AdmissionRequest has kind, /,
    );
    expect(refused('has(request.userInfo.name)')).toThrow(
      /undefined field 'name' \(kubernetes\.UserInfo has username, uid, groups, extra\)/,
    );
    expect(refused("request.name.first == 'a'")).toThrow("at 1:13: type 'string' does not support field selection");
  });

  it('checks comprehensions: the range, the predicate, and the types of the elements', () => {
    expect(refused('request.name.all(c, c != "")')).toThrow(
      "expression of type 'string' cannot be range of a comprehension (must be list, map, or dynamic)",
    );
    expect(refused('[1, 2].exists(x, x)')).toThrow("found no matching overload for '||' applied to '(bool, int)'");
    expect(refused('request.userInfo.groups.exists(g, g > 1)')).toThrow("found no matching overload for '>' applied to '(string, int)'");
    expect(refused("[1, 2].map(x, x * 2)[0] + 'a' != ''")).toThrow("found no matching overload for '+' applied to '(int, string)'");
    expect(refused("request.userInfo.groups.filter(g, g.startsWith('x')).exists(g, g == 1)")).toThrow(
      "found no matching overload for '==' applied to '(string, int)'",
    );
    expect(refused('request.userInfo.extra.all(k, k.size() > 0 && request.userInfo.extra[k].all(v, v.size() > 0))')).not.toThrow();
  });

  it('refuses list and map literals that mix types, as Kubernetes (homogeneous aggregate literals) does', () => {
    expect(refused("'a' in [1, 'a']")).toThrow(
      "at 1:12: expected type 'int' but found 'string' (the elements of a list or map literal must have one type",
    );
    expect(refused("{'a': 1, 'b': true}.size() == 2")).toThrow("expected type 'int' but found 'bool'");
    expect(refused("[dyn(1), dyn('a')].size() == 2")).not.toThrow();
    expect(refused("[object.a, 'a'].size() == 2")).not.toThrow();
    // format() takes a list of mixed arguments.
    expect(refused("'%s has %d'.format([request.name, 3]) != ''")).not.toThrow();
  });

  it('infers the types of results: standard functions, the libraries, optionals, the authorizer', () => {
    expect(typeOf('object.spec.replicas')).toEqual({ kind: 'dyn' });
    expect(typeOf('request.userInfo.groups.map(g, g.size())')).toEqual({ kind: 'list', elem: { kind: 'int' } });
    expect(typeOf("request.userInfo.extra['a']")).toEqual({ kind: 'list', elem: { kind: 'string' } });
    expect(typeOf("quantity('1').add(2).asInteger()")).toEqual({ kind: 'int' });
    expect(typeOf("ip('10.0.0.1').family() == 4 && cidr('10.0.0.0/8').containsIP(ip('10.0.0.1'))")).toEqual({ kind: 'bool' });
    expect(typeOf("url('https://a/b').getQuery()")).toEqual({
      kind: 'map',
      key: { kind: 'string' },
      value: { kind: 'list', elem: { kind: 'string' } },
    });
    expect(typeOf("semver('1.2.3').major()")).toEqual({ kind: 'int' });
    expect(typeOf("optional.of('a').orValue('b')")).toEqual({ kind: 'string' });
    expect(typeOf("authorizer.requestResource.namespace('ml').check('create').allowed()")).toEqual({ kind: 'bool' });
    expect(typeOf("timestamp('2025-01-01T00:00:00Z') - duration('1h')")).toEqual({ kind: 'timestamp' });
    expect(typeOf('type(object) == map')).toEqual({ kind: 'bool' });
    expect(typeOf('object.?spec.?replicas.orValue(1)')).toEqual({ kind: 'dyn' });
    expect(typeOf('object.spec.containers.transformList(i, c, c.name)')).toEqual({ kind: 'list', elem: { kind: 'dyn' } });
    expect(typeOf('lists.range(3).sum()')).toEqual({ kind: 'int' });
  });

  it("types protobuf's well-known messages, which the API server's CEL builds, and refuses other message literals", () => {
    expect(typeOf('google.protobuf.Duration{seconds: 90}')).toEqual({ kind: 'duration' });
    expect(typeOf('google.protobuf.Int64Value{value: 1} + 1')).toEqual({ kind: 'int' });
    expect(typeOf("google.protobuf.Struct{fields: {'a': 1}}")).toEqual({ kind: 'map', key: { kind: 'string' }, value: { kind: 'dyn' } });
    expect(compileExpression("google.protobuf.Duration{seconds: 90} > duration('1m')", []).evaluate({}, 1, 1000)).toBe(true);
    expect(refused('google.protobuf.Duration{seconds: 90} == 90')).toThrow(
      "found no matching overload for '==' applied to '(duration, int)'",
    );
    expect(refused("google.protobuf.Duration{secs: 1} > duration('0s')")).toThrow(
      "at 1:32: undefined field 'secs' (google.protobuf.Duration has seconds, nanos)",
    );
    expect(refused("google.protobuf.Timestamp{seconds: '0'} < timestamp('2025-01-01T00:00:00Z')")).toThrow(
      "expected type of field 'seconds' is 'int' but provided type is 'string'",
    );
    expect(refused('k8s.io.api.core.v1.Pod{spec: object.spec} == object')).toThrow(
      /^at 1:\d+: unknown type 'k8s\.io\.api\.core\.v1\.Pod' in a message literal: the API server's CEL has no message types but protobuf's well-known ones \(google\.protobuf\.Duration, .*\); build a map instead/,
    );
  });

  it('points into the expression as written (line and column), or says it was rewritten for optional values', () => {
    expect(refused("request.name == 'a' &&\n  size(request.dryRun) > 0")).toThrow(
      "at 2:3: found no matching overload for 'size' applied to '(bool)'",
    );
    expect(refused('object.?a.orValue(1) > 0 && size(2) > 0')).toThrow(
      /found no matching overload for 'size' applied to '\(int\)' \(in the expression as rewritten for optional values: /,
    );
  });
});

describe('a policy is type-checked as a whole', () => {
  const compile = (s: PolicySpec) => () => compilePolicy('p', 'test.yaml', s);

  it('requires validations and match conditions to be bool, a messageExpression a string, and names the policy', () => {
    expect(compile(spec([{ expression: "request.name + 'x'" }]))).toThrow(
      new PolicyError(
        `policy p (test.yaml): validations[0].expression: at 1:14: must evaluate to bool but got string: "request.name + 'x'"`,
      ),
    );
    expect(compile(spec([{ expression: 'true', messageExpression: 'size(request.name)' }]))).toThrow(
      'policy p (test.yaml): validations[0].messageExpression: at 1:1: must evaluate to string but got int: "size(request.name)"',
    );
    expect(compile(spec([{ expression: 'true' }], { matchConditions: [{ name: 'c', expression: '1' }] }))).toThrow(
      'policy p (test.yaml): matchConditions[0] (c): at 1:1: must evaluate to bool but got int',
    );
    expect(compile(spec([{ expression: 'size(1) == 1' }]))).toThrow(
      `policy p (test.yaml): validations[0].expression: at 1:1: found no matching overload for 'size' applied to '(int)': "size(1) == 1"`,
    );
  });

  it('refuses a result typed dyn where a bool or a string must be, as the API server does (its type must be exactly bool)', () => {
    expect(compile(spec([{ expression: 'object.spec.enabled' }]))).toThrow(
      new PolicyError(
        'policy p (test.yaml): validations[0].expression: at 1:12: must evaluate to bool but got dyn (its type is only known when it runs, and the API server refuses it: compare it, e.g. `… == true`): "object.spec.enabled"',
      ),
    );
    expect(compile(spec([{ expression: 'true', messageExpression: 'object.metadata.name' }]))).toThrow(
      /^policy p \(test\.yaml\): validations\[0\]\.messageExpression: at 1:16: must evaluate to string but got dyn \(.*convert it with string\(\)\)/,
    );
    expect(compile(spec([{ expression: 'true' }], { matchConditions: [{ name: 'c', expression: 'object.spec.paused' }] }))).toThrow(
      'policy p (test.yaml): matchConditions[0] (c): at 1:12: must evaluate to bool but got dyn',
    );
    // Where the result sits in a multi-line expression: the node that gives it.
    expect(compile(spec([{ expression: '// enabled by the operator\nobject.spec.enabled' }]))).toThrow(
      /validations\[0\]\.expression: at 2:12: must evaluate to bool but got dyn/,
    );
    // A comparison, a conversion, a macro, an optional read to the end: bool, as cel-go types them.
    for (const expression of [
      'object.spec.enabled == true',
      'bool(object.spec.enabled)',
      'object.spec.containers.all(c, c.image != "")',
      'object.?spec.?enabled.orValue(false) == true',
      "object.metadata.?labels[?'team'].optMap(t, t.startsWith('ml-')).orValue(false)",
      'request.?dryRun.orValue(false)',
    ])
      expect(compile(spec([{ expression, messageExpression: "'bad: ' + string(object.metadata.name)" }])), expression).not.toThrow();
    // A variable keeps its inferred type; one typed dyn is refused as a validation.
    expect(compile(spec([{ expression: 'variables.ok' }], { variables: [{ name: 'ok', expression: 'has(object.spec)' }] }))).not.toThrow();
    expect(compile(spec([{ expression: 'variables.v' }], { variables: [{ name: 'v', expression: 'object.spec.enabled' }] }))).toThrow(
      /must evaluate to bool but got dyn/,
    );
  });

  it('types null only where cel-go lets it be: compared with anything, a value of dyn, optional, message and time types', () => {
    for (const expression of [
      'object.spec.x == null',
      'request.name != null',
      'null == request.userInfo.groups',
      'namespaceObject.metadata.deletionTimestamp == null',
      'optional.of(null).hasValue()',
      'dyn(null) == null',
      'google.protobuf.Value{null_value: null} == null',
      '[null, timestamp("2024-01-01T00:00:00Z")].size() == 2',
      '[object.a, null].size() == 2',
      '(true ? null : object.a) == null',
    ])
      expect(refused(expression), expression).not.toThrow();
    expect(refused('size(null) == 0')).toThrow("at 1:1: found no matching overload for 'size' applied to '(null_type)'");
    expect(refused('null + 1 == 1')).toThrow("at 1:6: found no matching overload for '+' applied to '(null_type, int)'");
    expect(refused("'a'.startsWith(null)")).toThrow("found no matching overload for 'startsWith' applied to 'string.(null_type)'");
    expect(refused('null < 1')).toThrow("found no matching overload for '<' applied to '(null_type, int)'");
    expect(refused("(true ? null : 'x') == 'x'")).toThrow("found no matching overload for '_?_:_' applied to '(bool, null_type, string)'");
    expect(refused('[1, null].size() == 2')).toThrow("at 1:5: expected type 'int' but found 'null_type'");
    expect(refused('[null, 1].size() == 2')).toThrow("at 1:8: expected type 'null_type' but found 'int'");
    expect(refused("{'a': 'x', 'b': null}.size() == 2")).toThrow("expected type 'string' but found 'null_type'");
    expect(refused('google.protobuf.Duration{seconds: null} == duration("1s")')).toThrow(
      "expected type of field 'seconds' is 'int' but provided type is 'null_type'",
    );
  });

  it('types variables in order: a later expression sees their types, and no variable declared after it', () => {
    const vars = [
      { name: 'groups', expression: 'request.userInfo.groups' },
      { name: 'count', expression: 'size(variables.groups)' },
    ];
    expect(compile(spec([{ expression: 'variables.count > 0' }], { variables: vars }))).not.toThrow();
    expect(compile(spec([{ expression: "variables.count + 'a' != ''" }], { variables: vars }))).toThrow(
      "validations[0].expression: at 1:17: found no matching overload for '+' applied to '(int, string)'",
    );
    expect(compile(spec([{ expression: 'variables.groups.all(g, g > 0)' }], { variables: vars }))).toThrow(
      "found no matching overload for '>' applied to '(string, int)'",
    );
    expect(
      compile(
        spec([{ expression: 'true' }], {
          variables: [
            { name: 'a', expression: 'variables.b' },
            { name: 'b', expression: '1' },
          ],
        }),
      ),
    ).toThrow("variables[0] (a): at 1:10: undefined variable 'variables.b' (no variable is declared before this expression)");
    expect(compile(spec([{ expression: 'variables.cuont > 0' }], { variables: vars }))).toThrow(
      "undefined variable 'variables.cuont' (declared before this expression: groups, count)",
    );
  });

  it("declares objects and library values held in variables as dyn, as the API server's composition does", () => {
    const vars = [
      { name: 'user', expression: 'request.userInfo' },
      { name: 'limit', expression: "quantity('1Gi')" },
    ];
    expect(
      compile(spec([{ expression: "variables.user.username != '' && variables.limit.isLessThan(quantity('2Gi'))" }], { variables: vars })),
    ).not.toThrow();
  });

  it('types namespaceObject as the API server declares it', () => {
    expect(compile(spec([{ expression: "namespaceObject.metadata.labels['tier'] == 'gpu'" }]))).not.toThrow();
    expect(compile(spec([{ expression: "namespaceObject.metadata.labels['tier'] == 1" }]))).toThrow(
      "found no matching overload for '==' applied to '(string, int)'",
    );
    expect(compile(spec([{ expression: "namespaceObject.spec.owner == 'a'" }]))).toThrow(
      "undefined field 'owner' (kubernetes.NamespaceSpec has finalizers)",
    );
  });

  it('lets match conditions read every variable, as the API server does, and evaluates them first then', () => {
    const p = compilePolicy(
      'p',
      'test.yaml',
      spec([{ expression: 'variables.replicas < 10', message: 'too many' }], {
        variables: [{ name: 'replicas', expression: 'object.spec.replicas' }],
        matchConditions: [{ name: 'scaled', expression: 'variables.replicas > 1' }],
      }),
    );
    expect(p.evaluate({ object: { spec: { replicas: 1 } } })).toEqual([]);
    expect(p.evaluate({ object: { spec: { replicas: 20 } } })).toEqual([expect.objectContaining({ message: 'too many' })]);
  });

  it('refuses a ValidatingAdmissionPolicy with a type error as a finding on the policy, naming it', () => {
    const findings = evaluateAdmissionPolicies([
      {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicy',
        metadata: { name: 'replicas' },
        spec: { validations: [{ expression: 'object.spec.replicas <= 5 && request.operation == 1' }] },
      },
    ]);
    expect(findings).toEqual([
      expect.objectContaining({
        at: ['spec'],
        message: expect.stringMatching(
          /^policy replicas \(ValidatingAdmissionPolicy replicas\): validations\[0\]\.expression: at 1:48: found no matching overload for '==' applied to '\(string, int\)'/,
        ),
      }),
    ]);
  });
});

/** Files of the repository that may hold policies: examples, docs and fixtures. */
function policyFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.') || name === 'dist') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ya?ml|md)$/.test(name) && documentsOf(path).some(isPolicy)) out.push(path);
    }
  };
  for (const dir of ['examples', 'docs', 'src', 'test', 'deploy']) walk(join(ROOT, dir));
  return out.sort();
}

const isPolicy = (d: unknown): boolean => {
  const kind = (d as { kind?: unknown } | null)?.kind;
  return kind === POLICY_KIND || kind === 'ValidatingAdmissionPolicy';
};

/** The YAML documents of a file (of a Markdown file: its yaml code blocks). */
function documentsOf(path: string): unknown[] {
  const text = readFileSync(path, 'utf8');
  const sources = path.endsWith('.md') ? [...text.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]) : [text];
  return sources.flatMap((s) => {
    try {
      return yaml.loadAll(s);
    } catch {
      return []; // a fragment of YAML in prose, not a document
    }
  });
}

describe('every policy the repository ships compiles (a false refusal would break a user’s CI)', () => {
  const files = policyFiles();

  it('finds the examples, the fixtures and the documentation', () => {
    const names = files.map((f) => relative(ROOT, f).split('\\').join('/'));
    expect(names).toEqual(expect.arrayContaining(['docs/policies.md', 'src/rules/kubernetes/fixtures/vap-model-serving.yaml']));
    expect(names.filter((n) => n.startsWith('examples/policies/')).length).toBeGreaterThanOrEqual(5);
  });

  it.each(files.map((f) => [relative(ROOT, f).split('\\').join('/'), f]))('%s', (_name, path) => {
    let checked = 0;
    for (const doc of documentsOf(path)) {
      const d = doc as { kind?: string; metadata?: { name?: string }; spec?: unknown } | null;
      if (d?.kind === POLICY_KIND) {
        const parsed = policySpecSchema().safeParse(d.spec);
        if (!parsed.success) continue; // a partial example in prose
        expect(() => compilePolicy(d.metadata?.name ?? 'doc', path, parsed.data)).not.toThrow();
        checked++;
      } else if (d?.kind === 'ValidatingAdmissionPolicy') {
        expect(evaluateAdmissionPolicies([d as Record<string, unknown>]).map((f) => f.message)).toEqual([]);
        checked++;
      }
    }
    expect(checked, 'policies checked').toBeGreaterThan(0);
  });
});
