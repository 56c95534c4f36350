import { describe, expect, it } from 'vitest';
import kerasCustomObject from '../rules/models/keras-custom-object.js';
import aiServiceAccountCreatesPods from '../rules/runtime/ai-service-account-creates-pods.js';
import { lazyExamples } from './rule.js';

describe('lazyExamples', () => {
  it('builds the examples at their first reading, once', () => {
    let builds = 0;
    const examples = lazyExamples(() => {
      builds++;
      return { bad: [{ path: 'a.yaml', content: 'a: 1' }], good: [] };
    });
    expect(builds).toBe(0);
    expect(examples.bad).toEqual([{ path: 'a.yaml', content: 'a: 1' }]);
    expect(examples.good).toEqual([]);
    expect(examples.bad).toBe(examples.bad);
    expect(builds).toBe(1);
  });

  it('rules whose examples are built (model archives, audit events) build them when read, not when loaded', () => {
    for (const rule of [kerasCustomObject, aiServiceAccountCreatesPods]) {
      expect(Object.getOwnPropertyDescriptor(rule.meta.examples, 'bad')?.get, rule.meta.id).toBeTypeOf('function');
      expect(rule.meta.examples.bad.length, rule.meta.id).toBeGreaterThan(0);
    }
  });
});
