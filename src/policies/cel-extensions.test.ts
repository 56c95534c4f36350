import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { scanSync } from '../scan.js';
import { compileExpression, toCel } from './cel.js';

/**
 * cel-go's lists extension (version 3), two-variable comprehensions, optional.unwrap and Kubernetes'
 * list library with CEL equality: the expected results are the examples of cel-go's ext/lists.go and
 * ext/comprehensions.go documentation, and of the CEL spec's equality and overflow rules.
 */

const evaluate = (expression: string, object: unknown = {}): unknown =>
  compileExpression(expression, ['object']).evaluate({ object: toCel(object) }, 8, 1_000_000);

describe("cel-go's lists extension", () => {
  it('slices, flattens, reverses and ranges as the documentation says', () => {
    expect(evaluate('[1, 2, 3, 4].slice(1, 3)')).toEqual([2, 3]);
    expect(evaluate('[1, 2, 3, 4].slice(2, 4)')).toEqual([3, 4]);
    expect(() => evaluate('[1, 2].slice(1, 3)')).toThrow('cannot slice(1, 3), list is length 2');
    expect(() => evaluate('[1, 2].slice(2, 1)')).toThrow('start index must be less than or equal to end index');
    expect(() => evaluate('[1, 2].slice(-1, 1)')).toThrow('negative indexes not supported');
    expect(evaluate('[dyn(1), dyn([2, 3]), dyn([4])].flatten()')).toEqual([1, 2, 3, 4]);
    expect(evaluate('[dyn(1), dyn([dyn(2), dyn([3, 4])])].flatten()')).toEqual([1, 2, [3, 4]]);
    expect(evaluate('[dyn(1), dyn(2), dyn([]), dyn([]), dyn([3, 4])].flatten()')).toEqual([1, 2, 3, 4]);
    expect(evaluate('[dyn(1), dyn([dyn(2), dyn([dyn(3), dyn([4])])])].flatten(2)')).toEqual([1, 2, 3, [4]]);
    expect(() => evaluate('[dyn(1), dyn([dyn(2), dyn([dyn(3), dyn([4])])])].flatten(-1)')).toThrow('level must be non-negative');
    expect(evaluate('[5, 3, 1, 2].reverse()')).toEqual([2, 1, 3, 5]);
    expect(evaluate('lists.range(5)')).toEqual([0, 1, 2, 3, 4]);
    expect(evaluate('lists.range(0)')).toEqual([]);
  });

  it('keeps the first of equal elements with CEL equality', () => {
    expect(evaluate('[1, 2, 2, 3, 3, 3].distinct()')).toEqual([1, 2, 3]);
    expect(evaluate('["b", "b", "c", "a", "c"].distinct()')).toEqual(['b', 'c', 'a']);
    expect(evaluate('[dyn(1), dyn("b"), dyn(2), dyn("b")].distinct()')).toEqual([1, 'b', 2]);
    // 1, 1u and 1.0 are equal in CEL; lists and maps compare by their contents.
    expect(evaluate('[dyn(1), dyn(1u), dyn(1.0), dyn([1]), dyn([1.0]), dyn({"a": 1}), dyn({"a": 1.0})].distinct()')).toEqual([
      1,
      [1],
      { a: 1 },
    ]);
  });

  it('sorts comparable elements of one type, and by a key', () => {
    expect(evaluate('[3, 2, 1].sort()')).toEqual([1, 2, 3]);
    expect(evaluate('["b", "c", "a"].sort()')).toEqual(['a', 'b', 'c']);
    expect(evaluate('[3u, 1u].sort() == [1u, 3u] && [b"b", b"a"].sort() == [b"a", b"b"]')).toBe(true);
    expect(evaluate('[duration("2m"), duration("90s")].sort() == [duration("90s"), duration("2m")]')).toBe(true);
    expect(() => evaluate('[dyn(1), dyn("b")].sort()')).toThrow('sort() needs a list of elements of one type (found int and string)');
    expect(() => evaluate('[[1, 2, 3]].sort()')).toThrow(/sort\(\) needs a list of ints, uints, doubles/);
    const players =
      '[{"name": dyn("foo"), "score": dyn(0)}, {"name": dyn("bar"), "score": dyn(-10)}, {"name": dyn("baz"), "score": dyn(1000)}]';
    expect(evaluate(`${players}.sortBy(e, e.score).map(e, e.name)`)).toEqual(['bar', 'foo', 'baz']);
    // The list is evaluated once, and its name does not leak: `e` is free again after sortBy.
    expect(evaluate('object.xs.sortBy(x, -x) == [3, 2, 1] && object.xs.sortBy(e, e)[0] == 1', { xs: [2, 1, 3] })).toBe(true);
    expect(() => compileExpression('[1].sortBy(1, 2)', [])).toThrow('sortBy: argument must be a simple name');
  });

  it('first() and last() are no part of the API server’s CEL, and say so', () => {
    expect(() => compileExpression('[1].first() == optional.of(1)', [])).toThrow(
      /^first\(\) is no part of the API server's CEL \(its lists extension is cel-go's version 3, which has none\)/,
    );
  });
});

describe("Kubernetes' list library with CEL semantics", () => {
  it('finds elements with CEL equality: lists, maps, bytes and numbers of other types', () => {
    expect(evaluate('[[1], [2]].indexOf(dyn([1.0]))')).toBe(0);
    expect(evaluate('[{"a": [1]}, {"a": [2]}, {"a": [1]}].lastIndexOf(dyn({"a": [1u]}))')).toBe(2);
    expect(evaluate('[b"a", b"b", b"a"].lastIndexOf(b"a")')).toBe(2);
    expect(evaluate('[1, 2, 3].indexOf(dyn(2.0))')).toBe(1);
    expect(evaluate('["1", "2"].indexOf(dyn(1))')).toBe(-1);
  });

  it('sums ints with overflow detection, uints as uints and doubles as doubles', () => {
    expect(evaluate('[1, 2, 3].sum()')).toBe(6);
    expect(evaluate('[1u, 2u].sum() == 3u')).toBe(true);
    expect(evaluate('[0.5, 1.25].sum()')).toBe(1.75);
    expect(evaluate('[duration("1s"), duration("2s")].sum() == duration("3s")')).toBe(true);
    expect(evaluate('[].sum()')).toBe(0);
    expect(() => evaluate('[9223372036854775807, 1].sum()')).toThrow(/int overflow/);
    expect(() => evaluate('[-9223372036854775807, -2].sum()')).toThrow(/int overflow/);
    expect(() => evaluate('[18446744073709551615u, 1u].sum()')).toThrow(/uint overflow/);
    expect(() => evaluate('["a", "b"].sum()')).toThrow('sum() needs a list of ints, uints, doubles or durations');
  });
});

describe('two-variable comprehensions', () => {
  it('all, exists and existsOne over lists (index, element) and maps (key, value)', () => {
    expect(evaluate('[1, 2, 3].all(i, j, i < j)')).toBe(true);
    expect(evaluate("{'hello': 'world', 'taco': 'taco'}.all(k, v, k != v)")).toBe(false);
    expect(evaluate("{'h': ['hello', 'hi'], 'j': ['joke', 'jog']}.all(k, vals, vals.all(v, v.startsWith(k)))")).toBe(true);
    expect(evaluate("{'greeting': 'hello', 'farewell': 'goodbye'}.exists(k, v, k.startsWith('good') || v.endsWith('bye'))")).toBe(true);
    expect(evaluate('[1, 2, 4, 8, 16].exists(i, v, v == 1024 && i == 10)')).toBe(false);
    expect(evaluate('[1, 2, 1, 3, 1, 4].existsOne(i, v, i == 1 || v == 1)')).toBe(false);
    expect(evaluate('[1, 1, 2, 2, 3, 3].existsOne(i, v, i == 2 && v == 2)')).toBe(true);
    expect(evaluate("{'i': 0, 'j': 1, 'k': 2}.exists_one(i, v, i == 'l' || v == 1)")).toBe(true);
  });

  it('absorb an error when the result is decided anyway, as && and || do', () => {
    expect(evaluate('[0, 1].exists(i, v, 1 / v == 1)')).toBe(true);
    expect(evaluate('[0, 1].all(i, v, 1 / v == 2)')).toBe(false);
    expect(() => evaluate('[0, 1].all(i, v, 1 / v == 1)')).toThrow(/divi/);
  });

  it('transformList, transformMap and transformMapEntry, with and without a filter', () => {
    expect(evaluate('[1, 2, 3].transformList(indexVar, valueVar, (indexVar * valueVar) + valueVar)')).toEqual([1, 4, 9]);
    expect(evaluate('[1, 2, 3].transformList(indexVar, valueVar, indexVar % 2 == 0, (indexVar * valueVar) + valueVar)')).toEqual([1, 9]);
    expect(evaluate("{'greeting': 'hello', 'farewell': 'goodbye'}.transformList(k, _, k)")).toEqual(['greeting', 'farewell']);
    expect(evaluate("{'greeting': 'hello', 'farewell': 'goodbye'}.transformList(_, v, v)")).toEqual(['hello', 'goodbye']);
    expect(evaluate('[1, 2, 3].transformMap(i, v, (i * v) + v) == {0: 1, 1: 4, 2: 9}')).toBe(true);
    expect(evaluate('[1, 2, 3].transformMap(i, v, i % 2 == 0, (i * v) + v) == {0: 1, 2: 9}')).toBe(true);
    expect(evaluate("{'greeting': 'hello'}.transformMap(k, v, v + '!')")).toEqual({ greeting: 'hello!' });
    expect(evaluate("{'greeting': 'hello'}.transformMapEntry(keyVar, valueVar, {valueVar: keyVar})")).toEqual({ hello: 'greeting' });
    expect(evaluate('[1, 2, 3].transformMapEntry(indexVar, valueVar, {valueVar: indexVar}) == {1: 0, 2: 1, 3: 2}')).toBe(true);
    expect(() => evaluate("{'greeting': 'aloha', 'farewell': 'aloha'}.transformMapEntry(keyVar, valueVar, {valueVar: keyVar})")).toThrow(
      'insert failed: key aloha already exists',
    );
  });

  it('respect scopes: the names shadow variables and are free again afterwards', () => {
    const o = { labels: { team: 'ml', tier: 'gpu' } };
    expect(evaluate("object.labels.all(object, v, object != '' && v != '') && object.labels.team == 'ml'", o)).toBe(true);
    expect(evaluate('[[1, 2], [3]].all(i, xs, xs.all(x, x > i))', o)).toBe(true);
    expect(() => compileExpression('[1].all(x, y, true) && x == 1', [])).toThrow("undeclared reference to 'x'");
  });

  it('misuse is a compile error, as cel-go reports it', () => {
    expect(() => compileExpression('[1].all(x, x, true)', [])).toThrow('all: duplicate variable name: x');
    expect(() => compileExpression('[1].exists(1, x, true)', [])).toThrow('exists: argument must be a simple name');
    expect(() => compileExpression('[1].transformList(@result, x, 1)', [])).toThrow();
  });

  it('cost once per entry, like the one-variable macros', () => {
    const c = compileExpression('object.m.all(k, v, v > 0)', ['object']);
    expect(c.cost(100)).toBeGreaterThan(100);
    expect(c.cost(100)).toBeLessThan(c.cost(1000));
  });
});

describe('optional.unwrap', () => {
  it('keeps the values of a list of optionals, in order', () => {
    expect(evaluate('optional.unwrap([optional.of(42), optional.none()])')).toEqual([42]);
    expect(evaluate('[optional.of(dyn(42)), optional.none(), optional.of(dyn("a"))].unwrapOpt()')).toEqual([42, 'a']);
    expect(evaluate('[object.?a, object.?b].unwrapOpt()', { b: 2 })).toEqual([2]);
    expect(() => evaluate('[dyn(1)].unwrapOpt()')).toThrow(/not an optional value/);
  });
});

describe('the new functions in a scanned policy, at the field path', () => {
  const policy = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: gpu-labels}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - expression: "object.metadata.labels.all(k, v, !k.startsWith('gpu.') || v in ['a100', 'h100'])"
    message: unknown GPU class
    fieldPath: metadata.labels
  - expression: "object.spec.template.spec.containers.map(c, c.name).distinct().size() == object.spec.template.spec.containers.size()"
    message: duplicate container names
    fieldPath: spec.template.spec.containers
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: gpu-labels}
spec: {policyName: gpu-labels, validationActions: [Warn]}
---
`;
  const deployment = (gpu: string, second: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
  labels:
    app: vllm
    gpu.class: ${gpu}
spec:
  template:
    spec:
      containers:
      - {name: vllm, image: vllm}
      - {name: ${second}, image: proxy}
`;
  const findings = (text: string) =>
    scanSync({ targets: ['deploy.yaml'], files: [new MemorySourceFile('deploy.yaml', text)], config: false, policies: false, cwd: '/' })
      .findings.filter((f) => f.ruleId === 'K8S-0190')
      .map((f) => ({ message: f.message, line: f.location.startLine, severity: f.severity }));

  it('passes a deployment that keeps the rules', () => {
    expect(findings(policy + deployment('h100', 'proxy'))).toEqual([]);
  });

  it('reports each broken rule where its fieldPath points', () => {
    expect(findings(policy + deployment('t4', 'vllm'))).toEqual([
      { message: 'ValidatingAdmissionPolicy gpu-labels (binding gpu-labels, Warn): unknown GPU class', line: 25, severity: 'medium' },
      {
        message: 'ValidatingAdmissionPolicy gpu-labels (binding gpu-labels, Warn): duplicate container names',
        line: 31,
        severity: 'medium',
      },
    ]);
  });
});
