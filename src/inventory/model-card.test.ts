import { describe, expect, it } from 'vitest';
import { readModelCard } from './model-card.js';

describe('readModelCard', () => {
  it('reads anchors and aliases, and gives up on keys built from aliases before building them', () => {
    const origin = { path: 'README.md', line: 1 };
    expect(readModelCard('---\nbase: &b org/model\nbase_model: [*b]\n---\n', origin)?.baseModels).toEqual(['org/model']);
    // 300 keys, each an alias to 600 aliases to 5,000 characters: 900 million characters of keys for js-yaml to build.
    const keys = Array.from({ length: 300 }, (_, i) => `m${i}:\n  ? *a\n  : 1\n`).join('');
    const hostile = `---\nbase_model: org/model\ns: &s ${'x'.repeat(5000)}\na: &a [${Array.from({ length: 600 }, () => '*s').join(', ')}]\n${keys}---\n`;
    expect(readModelCard(hostile, origin)).toBeUndefined();
  });
});
