import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../core/engine.js';
import { DiskSourceFile } from '../../core/source-file.js';
import dangerousCall from '../../rules/models/pickle-dangerous-call.js';
import { buildExampleClassifier, EXAMPLE_COMMAND } from '../../testing/models/example-model.js';
import { allParsers } from '../index.js';

const path = fileURLToPath(new URL('../../../examples/ai-platform/models/classifier.pt', import.meta.url));

describe('examples/ai-platform/models/classifier.pt', () => {
  it('is exactly what the builder writes (regenerate: UPDATE_EXAMPLE_MODEL=1 npx vitest run src/parsers/models/example-model.test.ts)', () => {
    const built = buildExampleClassifier();
    if (process.env.UPDATE_EXAMPLE_MODEL === '1' || !existsSync(path)) writeFileSync(path, built);
    expect(Buffer.compare(readFileSync(path), Buffer.from(built))).toBe(0);
  });

  it('is reported as a critical pickle payload in its data.pkl', () => {
    const data = readFileSync(path);
    const engine = new Engine({ parsers: allParsers, rules: [dangerousCall], lookup: () => undefined });
    engine.scanFile(new DiskSourceFile('examples/ai-platform/models/classifier.pt', path, data.length));
    const { findings, errors } = engine.finish();
    expect(errors).toEqual([]);
    expect(findings.map((f) => [f.ruleId, f.severity, f.location.detail, f.evidence, f.message])).toEqual([
      [
        'MDL-0001',
        'critical',
        'classifier/data.pkl',
        'posix.system',
        expect.stringContaining(`posix.system('${EXAMPLE_COMMAND.slice(0, 60)}…')`),
      ],
    ]);
  });
});
