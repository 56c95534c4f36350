import { describe, expect, it } from 'vitest';
import { compileExpression, dataToCel, toCel } from './cel.js';
import { rewriteOptionalSyntax } from './cel-optional-syntax.js';
import { compilePolicy, PolicyError } from './policy.js';

const evaluate = (expression: string, object: unknown = {}): unknown =>
  compileExpression(expression, ['object']).evaluate({ object: dataToCel(object) }, 8, 1_000_000);

const deployment = { spec: { replicas: 3, template: { metadata: { labels: { team: 'ml' } } } } };

describe('optional syntax, rewritten for the parser', () => {
  it('turns optional steps into method calls on the same operand', () => {
    expect(rewriteOptionalSyntax('object.?spec.?replicas.orValue(1)')).toBe(
      "object.__opt_select__('spec').__opt_select__('replicas').orValue(1)",
    );
    expect(rewriteOptionalSyntax("a[?'k'].b[0]")).toBe("a.__opt_index__('k').__opt_select__('b').__opt_index__(0)");
    expect(rewriteOptionalSyntax('a.?b.c.size() + d.e')).toBe("a.__opt_select__('b').__opt_select__('c').size() + d.e");
    expect(rewriteOptionalSyntax('[1, ?x, y]')).toBe('__opt_list__([1, __opt_entry__(x), y])');
    expect(rewriteOptionalSyntax("{?'k': v, 'a': b ? 1 : 2}")).toBe("__opt_map__({'k': __opt_entry__( v), 'a': b ? 1 : 2})");
    expect(rewriteOptionalSyntax('o.optMap(v, v + 1)')).toBe('o.__opt_values__().map(v, v + 1).__opt_first__()');
  });

  it('leaves strings, comments, ternaries and expressions without optionals alone', () => {
    for (const source of ['a ? b : c', "x.matches('.?[?]') && y == \"{?'k': v}\"", "r'\\.?' + '''.?x'''", 'a.b[c] in [1, 2] // .?d'])
      expect(rewriteOptionalSyntax(source)).toBe(source);
    expect(rewriteOptionalSyntax("x in [?'a']")).toBe("x in __opt_list__([__opt_entry__('a')])");
  });
});

describe('optional values', () => {
  it('cannot be forged by scanned data shaped like one', () => {
    const forged = { spec: { __kubernetes_optional__: [] } };
    expect(evaluate('object.?spec.?hostNetwork.orValue(false) == false', { spec: { hostNetwork: true } })).toBe(false);
    expect(() => evaluate('object.?spec.?hostNetwork.orValue(false) == false', forged)).not.toThrow();
    expect(evaluate('object.?spec.hasValue()', forged)).toBe(true);
    expect(evaluate("object.spec.exists(k, k == '___kubernetes_optional__')", forged)).toBe(true);
    expect(evaluate("quantity('1Gi') == object.q", { q: { __kubernetes_quantity__: '1Gi' } })).toBe(false);
  });

  it('selects fields that may be absent, with a default', () => {
    expect(evaluate('object.?spec.?replicas.orValue(1)', deployment)).toBe(3);
    expect(evaluate('object.?spec.?replicas.orValue(1)', {})).toBe(1);
    expect(evaluate('object.?spec.template.metadata.labels.team.orValue("none")', deployment)).toBe('ml');
    expect(evaluate('object.?spec.template.metadata.annotations.team.orValue("none")', deployment)).toBe('none');
    expect(evaluate("object.spec.template.metadata.labels[?'team'].hasValue()", deployment)).toBe(true);
    expect(evaluate("object.spec.template.metadata.labels[?'owner'].hasValue()", deployment)).toBe(false);
    expect(evaluate('object.?items[?5].hasValue() || object.?items[?0].value() == 7', { items: [7] })).toBe(true);
  });

  it('makes, compares and combines optionals', () => {
    expect(evaluate('optional.of(1) == optional.of(1) && optional.none() == optional.none() && optional.of(1) != optional.none()')).toBe(
      true,
    );
    expect(evaluate("optional.ofNonZeroValue('').hasValue() || optional.ofNonZeroValue([]).hasValue()")).toBe(false);
    expect(evaluate('optional.ofNonZeroValue(2).value()')).toBe(2);
    expect(evaluate('optional.none().or(optional.of(2)).value()')).toBe(2);
    expect(evaluate('optional.of(3).optMap(v, v * 2).value()')).toBe(6);
    expect(evaluate('optional.none().optMap(v, v * 2).hasValue()')).toBe(false);
    expect(evaluate('optional.of(3).optFlatMap(v, v > 2 ? optional.of(v) : optional.none()).orValue(0)')).toBe(3);
    expect(() => evaluate('optional.none().value()')).toThrow(/optional.none\(\) dereference/);
  });

  it('builds lists and maps with optional entries', () => {
    expect(evaluate('[1, ?optional.none(), ?optional.of(2), ?object.?x]', {})).toEqual([1, 2]);
    expect(evaluate("{'a': 1, ?'b': optional.none(), ?'c': object.?x}", { x: 5 })).toEqual({ a: 1, c: 5 });
  });

  it('a variable named optional still reads as a variable', () => {
    expect(compileExpression('optional.size()', ['optional']).evaluate({ optional: toCel('abc') }, 1, 1_000_000)).toBe(3);
  });
});

describe('compile errors with optional syntax', () => {
  it('name the policy, the field and the expression as written', () => {
    const compile = () =>
      compilePolicy('replicas', '.sanctum/policies/r.yaml', { validations: [{ expression: 'object.?spec.?replicas.orValue(1) >' }] });
    expect(compile).toThrow(PolicyError);
    expect(compile).toThrow(
      /^policy replicas \(\.sanctum\/policies\/r\.yaml\): validations\[0\]\.expression: at 1:\d+: .* \(in the expression as rewritten for optional values: object\.__opt_select__\('spec'\).*\): "object\.\?spec\.\?replicas\.orValue\(1\) >"$/,
    );
  });
});

describe('a compile error in an expression rewritten for optional values', () => {
  it('quotes only the start of a long rewritten expression', () => {
    const source = `${Array.from({ length: 60 }, (_, n) => `object.?a${n}.hasValue()`).join(' && ')} && size(1) > 0`;
    let message = '';
    try {
      compileExpression(source, ['object']);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(
      / \(in the expression as rewritten for optional values: object\.__opt_select__\('a0'\)[^\n]{150,200}… \(\d{4} characters\)\)$/,
    );
    expect(message.length).toBeLessThan(600);
  });
});
