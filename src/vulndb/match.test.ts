import { describe, expect, it } from 'vitest';
import { affectedBy as evaluate, sortedEvents } from './match.js';
import type { StoredAffected } from './osv.js';

const entry = (ecosystem: string, ranges: StoredAffected['ranges'], versions?: string[]): StoredAffected => ({
  ecosystem,
  name: 'p',
  ranges,
  ...(versions ? { versions } : {}),
});
/** As the importer stores it: events sorted in evaluation order. */
const affectedBy = (e: StoredAffected, version: string) =>
  evaluate({ ...e, ranges: e.ranges.map((r) => ({ ...r, events: sortedEvents(r.events, e.ecosystem, r.type) })) }, version);
const eco = (events: StoredAffected['ranges'][number]['events']) => [{ type: 'ECOSYSTEM' as const, events }];

describe('OSV range evaluation', () => {
  it('introduced/fixed: from the introduced version up to, not including, the fix', () => {
    const e = entry('PyPI', eco([{ introduced: '1.2' }, { fixed: '1.4.1' }]));
    expect(affectedBy(e, '1.1').affected).toBe(false);
    expect(affectedBy(e, '1.2')).toEqual({ affected: true, fixed: ['1.4.1'] });
    expect(affectedBy(e, '1.4.1rc1').affected).toBe(true);
    expect(affectedBy(e, '1.4.1').affected).toBe(false);
    expect(affectedBy(e, '1.4.1.post1').affected).toBe(false);
  });

  it('last_affected includes its version and knows no fix', () => {
    const e = entry('npm', eco([{ introduced: '0' }, { last_affected: '4.5.0' }]));
    expect(affectedBy(e, '4.5.0')).toEqual({ affected: true, fixed: [] });
    expect(affectedBy(e, '4.5.1').affected).toBe(false);
  });

  it('several introduced/fixed pairs, given out of order, are sorted before evaluation', () => {
    const e = entry('Go', [
      { type: 'SEMVER', events: [{ introduced: '1.21.0-0' }, { fixed: '1.21.3' }, { introduced: '0' }, { fixed: '1.20.10' }] },
    ]);
    expect(affectedBy(e, 'v1.20.9')).toEqual({ affected: true, fixed: ['1.20.10'] });
    expect(affectedBy(e, 'v1.20.10').affected).toBe(false);
    expect(affectedBy(e, 'v1.21.0-rc.1')).toEqual({ affected: true, fixed: ['1.21.3'] });
    expect(affectedBy(e, 'v1.21.3').affected).toBe(false);
  });

  it('limit bounds the range from above', () => {
    const e = entry('npm', eco([{ introduced: '0' }, { limit: '2.0.0' }]));
    expect(affectedBy(e, '1.9.9').affected).toBe(true);
    expect(affectedBy(e, '2.0.0').affected).toBe(false);
  });

  it('an open range (introduced only) affects every later version', () => {
    const e = entry('Debian:12', eco([{ introduced: '0' }]));
    expect(affectedBy(e, '2.3.9-1+deb12u1')).toEqual({ affected: true, fixed: [] });
  });

  it('an explicit versions list matches by the scheme (PEP 440 normalisation, local labels)', () => {
    const e = entry('PyPI', [], ['1.0', '2.1.2']);
    expect(affectedBy(e, '1.0.0').affected).toBe(true);
    expect(affectedBy(e, '2.1.2+cu121').affected).toBe(true);
    expect(affectedBy(e, '2.1.3').affected).toBe(false);
  });

  it('a version listed explicitly gets the fixes above it from the ranges', () => {
    const e = entry('PyPI', eco([{ introduced: '9.0' }, { fixed: '9.1' }]), ['1.0']);
    expect(affectedBy(e, '1.0')).toEqual({ affected: true, fixed: ['9.1'] });
  });

  it('a version the scheme cannot read matches only the explicit list', () => {
    const e = entry('npm', eco([{ introduced: '0' }, { fixed: '1.0.0' }]), ['weird-tag']);
    expect(affectedBy(e, 'weird-tag').affected).toBe(true);
    expect(affectedBy(e, 'other-tag').affected).toBe(false);
  });

  it('sorts events in evaluation order and drops those the scheme cannot read', () => {
    expect(
      sortedEvents([{ fixed: '2.0' }, { introduced: '1.5' }, { fixed: 'x' }, { introduced: '0' }, { fixed: '1.0' }], 'PyPI', 'ECOSYSTEM'),
    ).toEqual([{ introduced: '0' }, { fixed: '1.0' }, { introduced: '1.5' }, { fixed: '2.0' }]);
  });

  it('events with versions the scheme cannot read are ignored, not trusted', () => {
    const e = entry('npm', eco([{ introduced: '0' }, { fixed: 'not-a-version' }]));
    expect(affectedBy(e, '5.0.0')).toEqual({ affected: true, fixed: [] });
  });

  it('PEP 440: the local label of a CUDA build does not hide the vulnerability', () => {
    const e = entry('PyPI', eco([{ introduced: '0' }, { fixed: '2.6.0' }]));
    expect(affectedBy(e, '2.5.1+cu121').affected).toBe(true);
    expect(affectedBy(e, '2.6.0+cu124').affected).toBe(false);
    expect(affectedBy(e, '2.6.0rc1').affected).toBe(true);
    expect(affectedBy(e, '1!0.1').affected).toBe(false);
  });

  it('Go pseudo-versions sort before the release they precede', () => {
    const e = entry('Go', [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '0.17.0' }] }]);
    expect(affectedBy(e, 'v0.0.0-20230101000000-abcdef123456').affected).toBe(true);
    expect(affectedBy(e, 'v0.17.1-0.20231010000000-abcdef123456').affected).toBe(false);
    expect(affectedBy(e, 'v0.17.0').affected).toBe(false);
  });

  it('dpkg: a backport with ~ sorts before the fix', () => {
    const e = entry('Debian:12', eco([{ introduced: '0' }, { fixed: '3.0.11-1~deb12u1' }]));
    expect(affectedBy(e, '3.0.9-1').affected).toBe(true);
    expect(affectedBy(e, '3.0.11-1~deb12u0').affected).toBe(true);
    expect(affectedBy(e, '3.0.11-1~deb12u1').affected).toBe(false);
    expect(affectedBy(e, '3.0.11-1~deb12u2').affected).toBe(false);
    expect(affectedBy(e, '1:1.0-1').affected).toBe(false);
  });

  it('apk: revisions and _p/_rc suffixes', () => {
    const e = entry('Alpine:v3.20', eco([{ introduced: '0' }, { fixed: '1.36.1-r2' }]));
    expect(affectedBy(e, '1.36.1-r1').affected).toBe(true);
    expect(affectedBy(e, '1.36.1_rc1').affected).toBe(true);
    expect(affectedBy(e, '1.36.1-r2').affected).toBe(false);
    expect(affectedBy(e, '1.36.1_p1').affected).toBe(false);
  });

  it('rpm: epochs decide first', () => {
    const e = entry('Red Hat:enterprise_linux:8::baseos', eco([{ introduced: '0' }, { fixed: '1:1.1.1k-12.el8_9' }]));
    expect(affectedBy(e, '1:1.1.1k-7.el8').affected).toBe(true);
    expect(affectedBy(e, '1:1.1.1k-12.el8_9').affected).toBe(false);
    expect(affectedBy(e, '1.1.1w-1.el8').affected).toBe(true);
  });
});
