import { describe, expect, it } from 'vitest';
import { normaliseModule } from './pickle.js';

describe('normaliseModule', () => {
  it('maps Python 2 module names, with their submodules', () => {
    expect(normaliseModule('__builtin__')).toBe('builtins');
    expect(normaliseModule('copy_reg.x')).toBe('copyreg.x');
    expect(normaliseModule('os')).toBe('os');
  });

  it('leaves names of Object members as they are', () => {
    expect(normaliseModule('__proto__')).toBe('__proto__');
    expect(normaliseModule('constructor.x')).toBe('constructor.x');
    expect(normaliseModule('toString')).toBe('toString');
  });
});
