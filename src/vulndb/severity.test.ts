import { describe, expect, it } from 'vitest';
import { baseScore, levelOfScore, severityOf } from './severity.js';

describe('severity', () => {
  it('computes CVSS base scores from vectors (v2, v3.0, v3.1, v4.0)', () => {
    expect(baseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(baseScore('CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H')).toBe(7.2);
    expect(baseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N')).toBe(5.9);
    expect(baseScore('CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N')).toBe(6.1);
    expect(baseScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N')).toBe(9.3);
    expect(baseScore('AV:N/AC:L/Au:N/C:P/I:P/A:P')).toBe(7.5);
    expect(baseScore('CVSS:3.1/garbage')).toBeUndefined();
    expect(baseScore('')).toBeUndefined();
  });

  it('bands scores as CVSS does', () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(levelOfScore)).toEqual([
      'info',
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
      'critical',
      'critical',
    ]);
  });

  it('prefers the newest vector, then the database severity, then medium', () => {
    const both = {
      id: 'GHSA-x',
      severity: [
        { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N' },
        { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' },
      ],
    };
    expect(severityOf(both)).toMatchObject({ severity: 'critical', score: 9.3, cvss: both.severity[1].score });
    expect(severityOf({ id: 'GHSA-y', database_specific: { severity: 'MODERATE' } })).toEqual({ severity: 'medium' });
    expect(severityOf({ id: 'UBUNTU-1', severity: [{ type: 'Ubuntu', score: 'high' }] })).toEqual({ severity: 'high' });
    expect(severityOf({ id: 'DSA-1', affected: [{ ecosystem_specific: { severity: 'LOW' } }] })).toEqual({ severity: 'low' });
    expect(severityOf({ id: 'X-1', severity: [{ type: 'CVSS_V3', score: 'broken' }], database_specific: { severity: 'HIGH' } })).toEqual({
      severity: 'high',
    });
    expect(severityOf({ id: 'X-2' })).toEqual({ severity: 'medium' });
  });

  it('makes malicious packages critical whatever else the record says', () => {
    expect(severityOf({ id: 'MAL-2024-4720', database_specific: { severity: 'LOW' } })).toEqual({ severity: 'critical' });
  });
});
