import { describe, expect, it } from 'vitest';
import { readsSingleObjects } from './admission-evaluator.js';

describe('rules the admission webhook evaluates', () => {
  it('are those on every document kind a Kubernetes object gives, container overrides included', () => {
    expect(readsSingleObjects(['k8s'])).toBe(true);
    expect(readsSingleObjects(['k8s-pod'])).toBe(true);
    expect(readsSingleObjects(['k8s-container-override'])).toBe(true);
    // Cross-object rules need the whole set, which one request is not.
    expect(readsSingleObjects(['k8s-set'])).toBe(false);
    expect(readsSingleObjects(['dockerfile'])).toBe(false);
  });
});
