import { describe, expect, it } from 'vitest';
import { containerVariables, expandReferences, MAX_EXPANDED_LENGTH, type VariableValue } from './dependent-variables.js';

describe('expandReferences, as the kubelet expands command, args and env values', () => {
  const vars = new Map<string, VariableValue>([
    ['EMPTY', ''],
    ['TOKEN', 'abc'],
    ['SECRET', null],
  ]);
  const lookup = (name: string) => vars.get(name);
  it.each([
    ['--ServerApp.token=$(TOKEN)', '--ServerApp.token=abc'],
    ['--ServerApp.token=$(EMPTY)', '--ServerApp.token='],
    ['$(TOKEN)$(EMPTY)-$(TOKEN)', 'abc-abc'],
    ['$(UNSET) stays as written', '$(UNSET) stays as written'],
    ['$$(TOKEN) is an escape', '$(TOKEN) is an escape'],
    ['$$$(TOKEN)', '$abc'],
    ['$$ is one $, $x and $ stay: $x $', '$ is one $, $x and $ stay: $x $'],
    ['an unclosed $(TOKEN', 'an unclosed $(TOKEN'],
    ['$(TOKEN', '$(TOKEN'],
    ['$($(TOKEN))', '$($(TOKEN))'],
    ['$()', '$()'],
    ['no reference', 'no reference'],
    ['', ''],
  ])('%s', (text, expanded) => {
    expect(expandReferences(text, lookup)).toBe(expanded);
  });
  it('a reference to a variable whose value a Secret supplies is not known', () => {
    expect(expandReferences('x$(SECRET)', lookup)).toBeNull();
    expect(expandReferences('$$(SECRET)', lookup)).toBe('$(SECRET)');
  });
  it('with notKnown, a value known only at run time, or one past the bound, is what it gives, and the rest is expanded', () => {
    const marker = (name: string) => `<${name}>`;
    expect(expandReferences('$(TOKEN) x$(SECRET) $(EMPTY)$(UNSET)', lookup, marker)).toBe('abc x<SECRET> $(UNSET)');
    const big = 'x'.repeat(MAX_EXPANDED_LENGTH);
    const huge = (name: string) => (name === 'BIG' ? big : vars.get(name));
    expect(expandReferences('$(BIG)$(BIG)$(TOKEN)', huge, marker)).toBe(`${big}<BIG>abc`);
  });
  it('is linear on adversarial input', () => {
    const many = '$('.repeat(100_000) + ')';
    expect(expandReferences(many, lookup)).toBe(many);
    const open = '$('.repeat(100_000);
    expect(expandReferences(open, lookup)).toBe(open);
  });
});

describe('containerVariables', () => {
  it('expands an env value with the variables before it, not after; valueFrom is known only at run time', () => {
    const lookup = containerVariables({
      env: [
        { name: 'EMPTY', value: '' },
        { name: 'TOKEN', value: '$(EMPTY)' },
        { name: 'EARLY', value: '$(LATE)' },
        { name: 'LATE', value: 'x' },
        { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } },
        { name: 'DERIVED', value: '$(FROM_SECRET)' },
        { name: 'MISSING_VALUE' },
        { name: 'REDEFINED', value: 'a' },
        { name: 'REDEFINED', value: '' },
      ],
    });
    expect(lookup('TOKEN')).toBe('');
    expect(lookup('EARLY')).toBe('$(LATE)');
    expect(lookup('LATE')).toBe('x');
    expect(lookup('FROM_SECRET')).toBeNull();
    expect(lookup('DERIVED')).toBeNull();
    expect(lookup('MISSING_VALUE')).toBe('');
    expect(lookup('REDEFINED')).toBe('');
    expect(lookup('UNDEFINED')).toBeUndefined();
  });
  it('with envFrom, any name not in env may be one of its variables', () => {
    const lookup = containerVariables({ envFrom: [{ secretRef: { name: 's' } }], env: [{ name: 'EMPTY', value: '' }] });
    expect(lookup('EMPTY')).toBe('');
    expect(lookup('TOKEN')).toBeNull();
  });
});

describe('a list of entries that paste earlier ones in twice (doubling at each)', () => {
  it('is expanded up to a bound, past which values are not known: no string of gigabytes, no RangeError', () => {
    const env = [
      { name: 'V0', value: 'x'.repeat(16) },
      ...Array.from({ length: 40 }, (_, i) => ({ name: `V${i + 1}`, value: `$(V${i})$(V${i})` })),
    ];
    const lookup = containerVariables({ env });
    expect(lookup('V3')).toBe('x'.repeat(128));
    expect(lookup('V8')).toBe('x'.repeat(4096));
    expect(lookup('V9')).toBeNull();
    expect(lookup('V40')).toBeNull();
    expect(expandReferences(`--ServerApp.token=$(V40)`, lookup)).toBeNull();
    expect(expandReferences('$(V9)', lookup)).toBeNull();
    expect(expandReferences('$(V8)', lookup)).toHaveLength(4096);
    expect(MAX_EXPANDED_LENGTH).toBe(4096);
  });
});
