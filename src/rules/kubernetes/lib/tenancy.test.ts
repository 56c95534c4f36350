import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RuleExample } from '../../../core/rule.js';
import { severityRank } from '../../../core/types.js';
import { runRule } from '../../../testing/rule-tester.js';
import { allRules } from '../../index.js';

describe('K8S-0150…0199 on secure configurations', () => {
  const root = fileURLToPath(new URL('../../../../', import.meta.url));
  const mine = allRules.filter((r) => /^K8S-01[5-9]\d$/.test(r.meta.id));
  const yamlFiles = (dir: string): RuleExample[] =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
      .map((e) => ({ path: join(e.parentPath, e.name), content: readFileSync(join(e.parentPath, e.name), 'utf8') }));
  const findings = (files: RuleExample[]) => mine.flatMap((r) => runRule(r, files).findings);

  it('are all in the catalogue', () => {
    expect(mine.map((r) => r.meta.id).sort()).toEqual([
      'K8S-0150',
      'K8S-0151',
      'K8S-0152',
      'K8S-0153',
      'K8S-0154',
      'K8S-0155',
      'K8S-0156',
      'K8S-0160',
      'K8S-0161',
      'K8S-0162',
      'K8S-0163',
      'K8S-0164',
      'K8S-0165',
      'K8S-0190',
      'K8S-0199',
    ]);
  });

  const hardened = join(root, 'examples', 'ai-platform-hardened');
  it('report nothing at all on examples/ai-platform-hardened', () => {
    const files = yamlFiles(hardened);
    expect(files.length).toBeGreaterThan(0);
    expect(findings(files).map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`)).toEqual([]);
  });

  const insecure = join(root, 'examples', 'ai-platform');
  it('report the exposure of the insecure example', () => {
    const ids = new Set(
      findings(yamlFiles(insecure))
        .filter((f) => severityRank(f.severity) >= severityRank('high'))
        .map((f) => f.ruleId),
    );
    expect([...ids]).toEqual(expect.arrayContaining(['K8S-0150', 'K8S-0153', 'K8S-0154']));
  });

  const pss = join(root, 'test', 'corpora', 'pss');
  it('report only missing namespace isolation on the Pod Security Standards pass fixtures', () => {
    // Bare pods in the default namespace, with no NetworkPolicy, ResourceQuota or LimitRange around them.
    const tenancy = new Set(['K8S-0160', 'K8S-0162', 'K8S-0164']);
    const files = ['baseline', 'restricted'].flatMap((level) => yamlFiles(join(pss, level, 'pass')));
    expect(files.length).toBeGreaterThan(20);
    const found = findings(files).filter((f) => !tenancy.has(f.ruleId));
    expect(found.map((f) => `${f.ruleId} ${f.location.path}:${f.location.startLine} ${f.message}`)).toEqual([]);
  });
});
