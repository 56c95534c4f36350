import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getRegistry, scanSync } from '../src/scan.js';
import { jsonReporter } from '../src/reporters/json.js';
import { PRIVILEGED_POD, run, workspace } from './cli-helpers.js';

const steady = (text: string): string => text.replace(/"durationMs": \d+/, '"durationMs": 0');

describe('sanctum scan --format json (findings spooled as files finish)', () => {
  it('prints and writes the report of the in-memory scan, with its exit code', async () => {
    const other = PRIVILEGED_POD.replace('name: vllm\n  namespace', 'name: other\n  namespace');
    const ws = workspace({
      'k8s/a.yaml': PRIVILEGED_POD,
      'k8s/b.yaml': `${other}---\n${PRIVILEGED_POD}`,
      'k8s/sub/c.yaml': PRIVILEGED_POD,
      'k8s/bad.yaml': 'a: [1,\n',
    });
    try {
      const printed = await run(['scan', 'k8s', '--format', 'json', '--no-progress'], { cwd: ws.dir });
      const written = await run(
        ['scan', 'k8s', '--format', 'json', '--output', 'out/report.json', '--fail-on', 'critical', '--no-progress'],
        { cwd: ws.dir },
      );
      const quiet = await run(
        ['scan', 'k8s/sub', '--format', 'json', '--fail-on', 'critical', '--skip-rule', 'K8S-0003', '--no-progress'],
        { cwd: ws.dir },
      );
      const expected = jsonReporter(scanSync({ targets: ['k8s'], cwd: ws.dir }), {
        rules: getRegistry().rules,
        color: false,
        failOn: 'high',
      });
      expect(JSON.parse(expected).findings.length).toBeGreaterThan(10);
      expect(steady(printed.stdout)).toBe(steady(expected));
      expect(steady(readFileSync(join(ws.dir, 'out/report.json'), 'utf8'))).toBe(steady(expected));
      expect([printed.code, written.code, quiet.code]).toEqual([1, 1, 0]);
      expect(written.stdout).toBe('');
    } finally {
      ws.cleanup();
    }
  });
});
