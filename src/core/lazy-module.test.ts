import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { lazyModule } from './lazy-module.js';

describe('lazyModule', () => {
  it('loads nothing until called: a module that cannot be found fails at the first call, not before', () => {
    const missing = lazyModule<unknown>('sanctum-no-such-module');
    expect(() => missing()).toThrow(/sanctum-no-such-module/);
  });

  it('returns the module as require loads it, the same object at every call', () => {
    const yaml = lazyModule<typeof import('yaml')>('yaml');
    const first = yaml();
    expect(first).toBe(createRequire(import.meta.url)('yaml'));
    expect(yaml()).toBe(first);
    expect(first.parse('a: 1')).toEqual({ a: 1 });
  });
});
