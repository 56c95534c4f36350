import { describe, expect, it } from 'vitest';
import { runsAiServices, type Tenant } from './tenancy.js';

describe('runsAiServices', () => {
  it('leaves the tenant as it was: what it found is kept out of the tenant', () => {
    const tenant: Tenant = {
      name: 'ml',
      workloads: [],
      pods: [],
      podless: [],
      networkPolicies: [],
      otherPolicies: [],
      quotas: [],
      limitRanges: [],
      gpuResources: new Set(),
      podlessGpus: new Map(),
    };
    const keys = Object.keys(tenant);
    expect(runsAiServices(tenant)).toBe(false);
    expect(runsAiServices(tenant)).toBe(false);
    expect(Object.keys(tenant)).toEqual(keys);
  });
});
