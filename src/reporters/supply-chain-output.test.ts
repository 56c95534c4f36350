import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { getRegistry, scanSync } from '../scan.js';
import { testVulnerabilities } from '../testing/memory-vulnerabilities.js';
import { jsonReporter } from './json.js';
import { sarifReporter } from './sarif.js';
import { tableReporter } from './table.js';

const result = scanSync({
  targets: [],
  files: [new MemorySourceFile('requirements.txt', 'torch==2.1.0\n')],
  scanners: ['deps'],
  config: false,
  vulnerabilities: testVulnerabilities(),
});
const ctx = { rules: [], lookup: (k: string) => getRegistry().get(k), color: false, failOn: 'high' as const };

describe('supply-chain findings in the reports', () => {
  it('JSON carries vulnerability and package', () => {
    const f = JSON.parse(jsonReporter(result, ctx)).findings.find((x: { ruleId: string }) => x.ruleId === 'SCA-0001');
    expect(f.vulnerability).toMatchObject({ id: 'GHSA-53q9-r3pm-6pq6', fixed: ['2.6.0'], aliases: ['CVE-2025-32434'] });
    expect(f.package).toEqual({ ecosystem: 'PyPI', name: 'torch', version: '2.1.0', purl: 'pkg:pypi/torch@2.1.0' });
    expect(f.location).toMatchObject({ path: 'requirements.txt', startLine: 1, startColumn: 1, endColumn: 13 });
  });
  it('the table shows the advisory id and the fixed version', () => {
    const table = tableReporter(result, ctx);
    expect(table).toMatch(/1:1\s+CRITICAL\s+SCA-0001\s+torch 2\.1\.0 is affected by GHSA-53q9-r3pm-6pq6 .*fixed in 2\.6\.0/);
  });
  it('SARIF shows the advisory id and the fixed version', () => {
    const r = JSON.parse(sarifReporter(result, ctx)).runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'SCA-0001');
    expect(r.message.text).toContain('GHSA-53q9-r3pm-6pq6');
    expect(r.message.text).toContain('fixed in 2.6.0');
    expect(r.properties.vulnerability).toMatchObject({ id: 'GHSA-53q9-r3pm-6pq6', fixed: ['2.6.0'] });
    expect(r.properties.package.purl).toBe('pkg:pypi/torch@2.1.0');
  });
});
