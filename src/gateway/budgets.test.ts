import { describe, expect, it } from 'vitest';
import { Budgets, type BudgetScope } from './budgets.js';

const T0 = Date.UTC(2026, 11, 5, 10, 0, 0);

describe('budgets', () => {
  it('refuses the request over the per-minute budget until the next UTC minute, with Retry-After', () => {
    let now = T0 + 15_000;
    const b = new Budgets(() => now);
    const key: BudgetScope = { id: 'key:a', limits: { requestsPerMinute: 2 } };
    expect(b.admit([key])).toBeUndefined();
    expect(b.admit([key])).toBeUndefined();
    expect(b.admit([key])).toEqual({ scope: 'key:a', limit: 'requestsPerMinute', retryAfterSeconds: 45 });
    now = T0 + 59_500;
    expect(b.admit([key])?.retryAfterSeconds).toBe(1);
    now = T0 + 60_000;
    expect(b.admit([key])).toBeUndefined();
  });

  it('counts tokens after the fact and refuses once a per-day budget is spent', () => {
    let now = T0;
    const b = new Budgets(() => now);
    const key: BudgetScope = { id: 'key:a', limits: { tokensPerDay: 100 } };
    expect(b.admit([key])).toBeUndefined();
    b.spend([key], 60);
    expect(b.admit([key])).toBeUndefined();
    b.spend([key], 60);
    expect(b.remaining(key).tokensPerDay).toBe(0);
    expect(b.admit([key])).toEqual({ scope: 'key:a', limit: 'tokensPerDay', retryAfterSeconds: 14 * 3600 });
    now = Date.UTC(2026, 11, 6);
    expect(b.admit([key])).toBeUndefined();
  });

  it('a team budget refuses every key of the team, and a refused request counts for no scope', () => {
    const now = T0;
    const b = new Budgets(() => now);
    const team: BudgetScope = { id: 'team:t', limits: { requestsPerMinute: 3 } };
    const a: BudgetScope = { id: 'key:a', limits: { requestsPerMinute: 10 } };
    const c: BudgetScope = { id: 'key:c', limits: { requestsPerDay: 1 } };
    expect(b.admit([a, team])).toBeUndefined();
    expect(b.admit([c, team])).toBeUndefined();
    expect(b.admit([c, team])).toMatchObject({ scope: 'key:c', limit: 'requestsPerDay' });
    expect(b.admit([a, team])).toBeUndefined();
    expect(b.admit([a, team])).toMatchObject({ scope: 'team:t', limit: 'requestsPerMinute' });
    expect(b.remaining(a).requestsPerMinute).toBe(8);
  });
});

describe('budgets: Retry-After when several budgets are spent', () => {
  it('names the budget that frees last, so waiting Retry-After is enough', () => {
    const now = T0 + 15_000;
    const b = new Budgets(() => now);
    const key: BudgetScope = { id: 'key:a', limits: { requestsPerMinute: 1 } };
    const team: BudgetScope = { id: 'team:t', limits: { tokensPerDay: 10 } };
    expect(b.admit([key, team])).toBeUndefined();
    b.spend([key, team], 10);
    expect(b.admit([key, team])).toEqual({ scope: 'team:t', limit: 'tokensPerDay', retryAfterSeconds: 14 * 3600 - 15 });
    expect(b.admit([key])).toEqual({ scope: 'key:a', limit: 'requestsPerMinute', retryAfterSeconds: 45 });
  });
});
