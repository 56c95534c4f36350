import { describe, expect, it } from 'vitest';
import { lookupTable } from './lookup-table.js';
import { severityOf } from '../vulndb/severity.js';
import { generic, schemeFor } from '../vulndb/versions/index.js';

describe('lookupTable', () => {
  const table = lookupTable({ a: 1 });

  it('finds its own names and nothing of Object.prototype', () => {
    expect(table.a).toBe(1);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(table[name]).toBeUndefined();
      expect(name in table).toBe(false);
    }
  });

  it('cannot be changed', () => {
    expect(Object.isFrozen(table)).toBe(true);
  });

  it('keeps names from scanned data out of Object.prototype where tables are read with them', () => {
    expect(severityOf({ id: 'X-3', database_specific: { severity: 'constructor' } })).toEqual({ severity: 'medium' });
    expect(severityOf({ id: 'X-4', severity: [{ type: 'toString', score: 'x' }], database_specific: { severity: 'LOW' } })).toEqual({
      severity: 'low',
    });
    expect(schemeFor('constructor')).toBe(generic);
    expect(schemeFor('__proto__:1')).toBe(generic);
  });
});
