import { describe, expect, it } from 'vitest';
import { findTrustRemoteCode } from './trust-remote-code.js';

const texts = (s: string) => findTrustRemoteCode(s).map((h) => `${h.start}:${h.text}`);

describe('findTrustRemoteCode', () => {
  it('finds the flag in scripts and argument strings, and the Python keyword', () => {
    expect(texts('vllm serve $MODEL --trust-remote-code --port 8000')).toEqual(['18:--trust-remote-code']);
    expect(texts('--max-model-len 4096 "--trust_remote_code=true"')).toEqual(['22:--trust_remote_code=true']);
    expect(texts("python -c 'AutoModel.from_pretrained(m, trust_remote_code=True)'")).toEqual(['40:trust_remote_code=True']);
    expect(texts('a \\\n  --trust-remote-code \\\n  --port 1')).toEqual(['6:--trust-remote-code']);
  });

  it('leaves switched-off and look-alike options alone', () => {
    expect(texts('--trust-remote-code=false --x')).toEqual([]);
    expect(texts('--trust-remote-code false')).toEqual([]);
    expect(texts('--no-trust-remote-code --trust-remote-code-x trust_remote_code=False')).toEqual([]);
  });

  it('is linear on adversarial input', () => {
    const s = '--trust-remote-code'.repeat(20_000) + ' '.repeat(50_000) + 'trust_remote_code='.repeat(10_000);
    expect(findTrustRemoteCode(s).length).toBeLessThan(5);
  });
});
