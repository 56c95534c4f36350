import { describe, expect, it } from 'vitest';
import type { VersionScheme } from './index.js';
import { apk, dpkg, generic, go, pep440, rpm, schemeFor, semver } from './index.js';

/** Each case `a op b`; checks the comparison both ways so that a scheme cannot be right by accident. */
function order(scheme: VersionScheme, cases: string[]): void {
  for (const c of cases) {
    const [a, op, b] = c.split(' ');
    it(`${scheme.name}: ${c}`, () => {
      expect(scheme.valid(a), `${a} is valid`).toBe(true);
      expect(scheme.valid(b), `${b} is valid`).toBe(true);
      const want = op === '<' ? -1 : op === '>' ? 1 : 0;
      expect(Math.sign(scheme.compare(a, b))).toBe(want);
      if (scheme !== pep440 || !a.includes('+')) expect(Math.sign(scheme.compare(b, a))).toBe(want === 0 ? 0 : -want);
    });
  }
}

describe('PEP 440', () => {
  order(pep440, [
    '1.0.dev1 < 1.0a1',
    '1.0a1 < 1.0a2.dev1',
    '1.0a2.dev1 < 1.0a2',
    '1.0a2 < 1.0b1',
    '1.0b1 < 1.0rc1',
    '1.0rc1 < 1.0',
    '1.0 < 1.0.post1.dev1',
    '1.0.post1.dev1 < 1.0.post1',
    '1.0.post1 < 1.0.1',
    '1.0 = 1.0.0',
    '1.0RC1 = 1.0rc1',
    '1.0-post1 = 1.0.post1',
    '1.0c1 = 1.0rc1',
    '1!0.1 > 2.0',
    '1!1.0 < 2!0.0.1',
    '2.6.0 > 2.5.1',
    '0.4.dev0 < 0.4',
    '1.10 > 1.9',
  ]);
  it('ignores the candidate local label against a bound without one (as a PEP 440 specifier does)', () => {
    expect(pep440.compare('2.1.2+cu121', '2.1.2')).toBe(0);
    expect(pep440.compare('2.1.1+cu121', '2.1.2')).toBeLessThan(0);
    expect(pep440.compare('2.6.0+cpu', '2.6.0')).toBe(0);
    expect(pep440.compare('2.1.2+cu121', '2.1.2+cu118')).toBeGreaterThan(0);
  });
  it('rejects what is not a PEP 440 version', () => {
    expect(pep440.valid('not-a-version')).toBe(false);
    expect(pep440.valid('1.0-beta-2-foo')).toBe(false);
    expect(pep440.valid('')).toBe(false);
  });
});

describe('semver (npm)', () => {
  order(semver, [
    '1.0.0-alpha < 1.0.0-alpha.1',
    '1.0.0-alpha.1 < 1.0.0-alpha.beta',
    '1.0.0-beta.2 < 1.0.0-beta.11',
    '1.0.0-rc.1 < 1.0.0',
    '1.0.0+build.5 = 1.0.0',
    'v1.2.3 = 1.2.3',
    '4.17.20 < 4.17.21',
    '10.0.0 > 9.99.99',
  ]);
  it('rejects what is not a version', () => {
    expect(semver.valid('latest')).toBe(false);
    expect(semver.valid('^1.2.3')).toBe(false);
  });
});

describe('Go', () => {
  order(go, [
    'v0.0.0-20230101000000-abcdef123456 < v0.0.1',
    'v0.0.0-20220101000000-abcdef123456 < v0.0.0-20230101000000-abcdef123456',
    'v1.2.3 < v1.2.4-0.20230101000000-abcdef123456',
    'v1.2.4-0.20230101000000-abcdef123456 < v1.2.4',
    'v1.2.4-pre.0.20230101000000-abcdef123456 > v1.2.4-pre',
    'v2.0.0+incompatible = 2.0.0',
    'v2.0.0+incompatible > v1.9.9',
    '0.17.0 < v0.23.0',
  ]);
  it('takes only strict semantic versions', () => {
    expect(go.valid('v1.2')).toBe(false);
    expect(go.valid('1.2.3.4')).toBe(false);
    expect(go.valid('v1.21.0')).toBe(true);
  });
});

describe('dpkg', () => {
  order(dpkg, [
    '1.0~rc1 < 1.0',
    '1.0~~ < 1.0~',
    '1.0~ < 1.0',
    '1.0 < 1.0+b1',
    '1.0 < 1.0a',
    '1:0.1 > 2.0',
    '0:1.0 = 1.0',
    '1.0-1 < 1.0-1+deb12u1',
    '2.36-9+deb12u4 < 2.36-9+deb12u7',
    '7.88.1-10+deb12u5 < 7.88.1-10+deb12u8',
    '1.2.3-1~bpo11+1 < 1.2.3-1',
    '3.0.11-1~deb12u2 < 3.0.11-1',
    '1.10 > 1.9',
    '2:1.0-1 > 1:9.9-9',
  ]);
  it('rejects what is not a Debian version', () => {
    expect(dpkg.valid('abc')).toBe(false);
    expect(dpkg.valid('1.0 beta')).toBe(false);
  });
});

describe('apk', () => {
  order(apk, [
    '1.0_rc1 < 1.0',
    '1.0_alpha < 1.0_beta',
    '1.0_beta < 1.0_pre',
    '1.0_pre < 1.0_rc',
    '1.0 < 1.0_p1',
    '1.0_p1 < 1.0_p1-r1',
    '1.0-r1 < 1.0_p1',
    '1.0_p9-r0 < 1.0_p10-r0',
    '1.0.4-r3 < 1.0.4-r4',
    '1.0.4-r4 < 1.0.5',
    '1.1_alpha1 < 1.1',
    '0.1.0_alpha_pre2 < 0.1.0_alpha',
    '1.7 < 1.7b',
    '2.5.1-r8 < 2.5.1a-r1',
    '1.2.07.8 < 1.2.12.04',
    '3.0.20060720 < 20060720',
    '1.2.3-r1 > 1.2.3',
    '3.3.2-r0 < 3.3.2-r1',
    '1.36.1-r2 < 1.36.1-r15',
    '0.1.0_alpha = 0.1.0_alpha',
    '6.0_pre1 < 6.0',
    '6.0_p1 > 6.0',
    '1.001 < 1.01',
    '1.01 < 1.1',
    '1.0 > 1',
  ]);
  it('rejects malformed apk versions', () => {
    expect(apk.valid('1.0-x1')).toBe(false);
    expect(apk.valid('1.0_foo')).toBe(false);
    expect(apk.valid('r1')).toBe(false);
  });
});

describe('rpm', () => {
  order(rpm, [
    '1.0~rc1 < 1.0',
    '1.0~rc1 < 1.0~rc2',
    '1.0 < 1.0^git1',
    '1.0^git1 < 1.0.1',
    '1.0^git1 < 1.0^git2',
    '1.0a < 1.0.1',
    '1.0010 = 1.10',
    '5.2 > 5.1.10',
    '2:1.0 > 1:9.9',
    '1.0-1.el8 < 1.0-2.el8',
    '1.0-10 > 1.0-9',
    '2.4.37-47.module+el8.6.0+1 < 2.4.37-51.module+el8.7.0+1',
    '0:3.0.7-16.el9 < 1:3.0.7-1.el9',
    '1.2.3 = 1.2.3-4.el9',
  ]);
  it('rejects what has nothing to order', () => {
    expect(rpm.valid('...')).toBe(false);
    expect(rpm.valid('1.0 1')).toBe(false);
  });
});

describe('generic and the choice of scheme', () => {
  order(generic, ['1.0 < 1.0.1', '1.10 > 1.9', '1.0rc1 < 1.0', '2.0.0 = 2.0.0']);
  it('picks each ecosystem its scheme, and semver for SEMVER ranges', () => {
    expect(schemeFor('PyPI')).toBe(pep440);
    expect(schemeFor('npm')).toBe(semver);
    expect(schemeFor('Go')).toBe(go);
    expect(schemeFor('Go', 'SEMVER')).toBe(go);
    expect(schemeFor('Debian:12')).toBe(dpkg);
    expect(schemeFor('Ubuntu:22.04:LTS')).toBe(dpkg);
    expect(schemeFor('Alpine:v3.20')).toBe(apk);
    expect(schemeFor('Red Hat:enterprise_linux:9::appstream')).toBe(rpm);
    expect(schemeFor('Rocky Linux:9')).toBe(rpm);
    expect(schemeFor('crates.io', 'SEMVER')).toBe(semver);
    expect(schemeFor('Maven')).toBe(generic);
  });
});
