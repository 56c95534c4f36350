import { describe, expect, it } from 'vitest';
import { endOfLife, OS_END_OF_LIFE } from './os-eol.js';

describe('endOfLife', () => {
  it('keys Debian by major version and Ubuntu and Alpine by major.minor', () => {
    expect(endOfLife('debian', '10.13', '2026-12-04')).toEqual({ date: '2024-06-30', ended: true });
    expect(endOfLife('ubuntu', '22.04.3', '2026-12-04')).toEqual({ date: '2027-06-01', ended: false });
    expect(endOfLife('alpine', '3.18.4', '2025-05-09')).toEqual({ date: '2025-05-09', ended: true });
    expect(endOfLife('amzn', '2018.03', '2026-12-04')).toEqual({ date: '2023-12-31', ended: true });
  });

  it('knows nothing of a release or a distribution missing from the table', () => {
    expect(endOfLife('debian', '99', '2026-12-04')).toBeUndefined();
    expect(endOfLife('debian', undefined, '2026-12-04')).toBeUndefined();
    expect(endOfLife('gentoo', '2.14', '2026-12-04')).toBeUndefined();
  });

  it("reads no member of Object's prototype for an ID or a version taken from the image", () => {
    for (const id of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(OS_END_OF_LIFE[id]).toBeUndefined();
      expect(endOfLife(id, '1', '2026-12-04')).toBeUndefined();
    }
    for (const table of Object.values(OS_END_OF_LIFE)) {
      expect(Object.getPrototypeOf(table)).toBeNull();
      expect(table['valueOf']).toBeUndefined();
    }
  });
});
