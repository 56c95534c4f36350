import { describe, expect, it } from 'vitest';
import { clientOf, IdentityBaselines, networkOf, parseBaselines } from './baselines.js';

const H = 3_600_000;
const obs = (identity: string, time: number, extra: Partial<Parameters<IdentityBaselines['observe']>[0]> = {}) => ({
  identity,
  time,
  verb: 'get',
  resource: 'pods',
  namespace: 'a',
  sourceIPs: ['10.1.2.3'],
  userAgent: 'kubectl/v1.30.0',
  ...extra,
});

describe('IdentityBaselines', () => {
  it('keeps at most maxIdentities, forgetting the least recently seen', () => {
    const b = new IdentityBaselines({ maxIdentities: 100 });
    for (let i = 0; i < 10_000; i++) b.observe(obs(`user-${i}`, i));
    expect(b.size).toBe(100);
    expect(Object.keys(b.toJSON().identities)).toContain('user-9999');
    expect(Object.keys(b.toJSON().identities)).not.toContain('user-0');
  });

  it('stops reporting a dimension once it holds its cap of values', () => {
    const b = new IdentityBaselines({ warmupMs: H });
    for (let i = 0; i < 200; i++) b.observe(obs('ci', i, { namespace: `ns-${i}` }));
    expect(b.observe(obs('ci', 2 * H, { namespace: 'brand-new' }))).toEqual([]);
    expect(b.observe(obs('ci', 2 * H, { verb: 'delete' }))).toEqual([{ dimension: 'verb', value: 'delete', baseline: ['get'] }]);
  });

  it('reports an hour four times busier than the busiest learned hour, once', () => {
    const b = new IdentityBaselines({ warmupMs: H });
    for (let i = 0; i < 300; i++) b.observe(obs('bot', (i / 300) * H * 0.9));
    const out = [];
    for (let i = 0; i < 1300; i++) out.push(...b.observe(obs('bot', 3 * H + i)));
    expect(out).toEqual([{ dimension: 'rate', value: 'over 1200 requests this hour', baseline: ['at most 300 an hour'] }]);
  });

  it('round-trips through its file, loaded identities counting as learned', () => {
    const a = new IdentityBaselines({ learnOnly: true });
    a.observe(obs('x', 0));
    const text = JSON.stringify(a.toJSON(['ml']));
    const b = new IdentityBaselines();
    const stored = parseBaselines(text, 'b.json');
    expect(stored.gpuNamespaces).toEqual(['ml']);
    b.load(stored);
    expect(b.observe(obs('x', 10, { verb: 'delete' }))).toEqual([{ dimension: 'verb', value: 'delete', baseline: ['get'] }]);
    expect(() => parseBaselines('{"kind":"other"}', 'b.json')).toThrow(/not a baselines file/);
    expect(() => parseBaselines('\x1b]0;pw-Xy7!qwerTY\x07', 'b.json')).toThrow(
      "b.json: not a baselines file: Unexpected token '\\x1b' (not valid JSON)",
    );
  });

  it('compares networks and client programs, not addresses and versions', () => {
    expect(networkOf('10.244.3.17')).toBe('10.244.3.0/24');
    expect(networkOf('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(clientOf('kubectl/v1.31.0 (darwin/arm64) kubernetes/abc')).toBe('kubectl');
  });
});
