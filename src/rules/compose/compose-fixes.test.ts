import { describe, expect, it } from 'vitest';
import { applyFixes } from '../../core/apply-fixes.js';
import type { AnyRule } from '../../core/rule.js';
import { runRule } from '../../testing/rule-tester.js';
import aiPort from './compose-ai-port-exposed.js';
import caps from './compose-dangerous-capabilities.js';
import privileged from './compose-privileged.js';
import secopt from './compose-security-opt-unconfined.js';

function fixed(rule: AnyRule, text: string): string {
  const { findings } = runRule(rule, { path: 'compose.yaml', content: text });
  const fixes = findings.filter((f) => f.fix).map((f) => ({ tag: f.fingerprint, edits: f.fix!.edits }));
  return applyFixes(text, fixes).text;
}

describe('compose fixes', () => {
  it('drops privileged: true and keeps comments', () => {
    const text =
      'services:\n  vllm:\n    # GPU server\n    image: vllm/vllm-openai:v0.6.3\n    privileged: true # needed?\n    ipc: host\n';
    expect(fixed(privileged, text)).toBe('services:\n  vllm:\n    # GPU server\n    image: vllm/vllm-openai:v0.6.3\n    ipc: host\n');
  });

  it('removes dangerous capabilities, the whole key when nothing else is left', () => {
    const text =
      'services:\n  a:\n    image: x:1\n    cap_add:\n      - NET_ADMIN\n      - SYS_ADMIN # fuse\n  b:\n    image: y:1\n    cap_add: [ALL]\n    user: app\n  c:\n    image: z:1\n    cap_add: [SYS_PTRACE, CHOWN]\n';
    expect(fixed(caps, text)).toBe(
      'services:\n  a:\n    image: x:1\n    cap_add:\n      - NET_ADMIN\n  b:\n    image: y:1\n    user: app\n  c:\n    image: z:1\n    cap_add: [CHOWN]\n',
    );
  });

  it('removes unconfined security options', () => {
    const text = 'services:\n  a:\n    image: x:1\n    security_opt:\n      - no-new-privileges:true\n      - seccomp:unconfined\n';
    expect(fixed(secopt, text)).toBe('services:\n  a:\n    image: x:1\n    security_opt:\n      - no-new-privileges:true\n');
  });

  it('binds AI ports to 127.0.0.1 in short and long syntax', () => {
    const text =
      'services:\n  ollama:\n    image: ollama/ollama:0.3.14\n    ports:\n      - "11434:11434" # API\n      - 0.0.0.0:8080:8080\n      - 8888\n      - target: 7860\n        published: 7860\n      - {target: 6006, published: 6006}\n';
    const out = fixed(aiPort, text);
    expect(out).toBe(
      'services:\n  ollama:\n    image: ollama/ollama:0.3.14\n    ports:\n      - "127.0.0.1:11434:11434" # API\n      - 127.0.0.1:8080:8080\n      - "127.0.0.1::8888"\n      - host_ip: 127.0.0.1\n        target: 7860\n        published: 7860\n      - {host_ip: 127.0.0.1, target: 6006, published: 6006}\n',
    );
    expect(runRule(aiPort, { path: 'compose.yaml', content: out }).findings).toEqual([]);
    const interpolated = 'services:\n  o:\n    image: ollama/ollama:0.3.14\n    ports:\n      - "${HOST:-0.0.0.0}:11434:11434"\n';
    const [finding] = runRule(aiPort, { path: 'compose.yaml', content: interpolated }).findings;
    expect(finding.fix).toBeUndefined();
  });
});
