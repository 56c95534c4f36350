import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../core/types.js';
import { walkTargets } from '../../sources/directory.js';
import { expectLinearGrowth } from '../../testing/growth.js';
import { runRule } from '../../testing/rule-tester.js';
import aiPort from './compose-ai-port-exposed.js';
import privileged from './compose-privileged.js';
import secret from './compose-secret-in-environment.js';
import hostNetwork from './compose-host-network.js';

/** A project whose compose file takes values from the `.env` next to it (read from disk: a directory walk). */
const COMPOSE = `services:
  llm:
    image: \${LLM_IMAGE}
    privileged: \${PRIV}
    network_mode: "\${NET:-bridge}"
    ports:
      - "\${LLM_PORT}:8000"
    environment:
      VLLM_API_KEY: \${VLLM_API_KEY}
      OPENAI_API_KEY: \${OPENAI_API_KEY}
  keyed:
    image: vllm/vllm-openai:\${TAG}
    env_file: keys.env
    ports:
      - target: 8000
        published: \${KEYED_PORT:-9000}
  off:
    image: vllm/vllm-openai:v0.6.3
    privileged: \${NOT_IN_DOTENV:-false}
    ports:
      - "127.0.0.1:\${LLM_PORT}:8000"
`;

const SECRET = 'sk-proj-DotEnvSecretValue0123456789';

/** `KEY: value` lines as compose's dotenv reader takes them, next to `KEY=value` ones. */
const DOTENV = `# project settings
LLM_IMAGE=vllm/vllm-openai:v0.6.3
PRIV: true
NET: host
LLM_PORT: 8000
VLLM_API_KEY=
OPENAI_API_KEY: ${SECRET}
TAG=v0.6.3
`;

function rows(findings: Finding[]): unknown[] {
  return findings.map((f) => [
    f.location.startLine,
    f.location.startColumn,
    f.location.endLine,
    f.location.endColumn,
    f.message,
    f.evidence,
  ]);
}

describe('compose rules see the values of the project .env', () => {
  const top = mkdtempSync(join(tmpdir(), 'sanctum-dotenv-'));
  afterAll(() => rmSync(top, { recursive: true, force: true }));
  mkdirSync(join(top, 'app'), { recursive: true });
  writeFileSync(join(top, 'app', 'compose.yaml'), COMPOSE);
  writeFileSync(join(top, 'app', '.env'), DOTENV);
  writeFileSync(join(top, 'app', 'keys.env'), `VLLM_API_KEY: \${OPENAI_API_KEY}\n`);
  const files = () => [...walkTargets(['.'], { cwd: top, onError: () => undefined })];

  it('privileged: ${PRIV} with PRIV: true in .env runs privileged, on the compose line, the evidence naming the variable', () => {
    expect(rows(runRule(privileged, files()).findings)).toEqual([
      [4, 5, 4, 24, "Service 'llm' runs privileged", 'privileged: ${PRIV} (PRIV from app/.env)'],
    ]);
  });

  it('network_mode from .env overrides the default written in the file', () => {
    expect(rows(runRule(hostNetwork, files()).findings)).toEqual([
      [5, 5, 5, 35, "Service 'llm' uses the host network namespace", 'network_mode: "${NET:-bridge}" (NET from app/.env)'],
    ]);
  });

  it('an image, a port and an API key from .env: the key is empty, so the port is open (high); keyed by an env file that takes .env values', () => {
    const { findings } = runRule(aiPort, files());
    expect(findings.map((f) => f.severity)).toEqual(['high', 'medium']);
    expect(rows(findings)).toEqual([
      [
        7,
        9,
        7,
        27,
        "vLLM port 8000 of service 'llm' is published on host port 8000 on all interfaces",
        '"${LLM_PORT}:8000" (LLM_PORT from app/.env)',
      ],
      [
        15,
        9,
        16,
        39,
        "vLLM port 8000 of service 'keyed' is published on host port 9000 on all interfaces (it requires an API key or a login)",
        'target: 8000 …',
      ],
    ]);
    expect(JSON.stringify(findings)).not.toContain(SECRET);
  });

  it('a secret .env gives is not one written into the compose file (the secret rules judge .env itself), and never shown', () => {
    const { findings } = runRule(secret, files());
    expect(findings).toEqual([]);
  });
});

/**
 * Six `.env` lines, each the one above it 64 times (`B=${A}${A}…`): about 10⁹ characters if expanded
 * in full. Values past the cap are known only at run time, and the findings of the file stay.
 */
function expansionBomb(): string {
  const names = ['A', 'B', 'C', 'D', 'E', 'F'];
  return names.map((n, i) => `${n}=${i === 0 ? 'x'.repeat(64) : `\${${names[i - 1]}}`.repeat(64)}`).join('\n') + '\n';
}

describe('a .env whose values expand without bound', () => {
  const top = mkdtempSync(join(tmpdir(), 'sanctum-dotenv-bomb-'));
  afterAll(() => rmSync(top, { recursive: true, force: true }));
  writeFileSync(
    join(top, 'compose.yaml'),
    'services:\n  web:\n    image: nginx:${F}\n    privileged: true\n    network_mode: host\n    env_file: bomb.env\n    environment:\n      LONG: "${F}${E}${D}"\n',
  );
  writeFileSync(join(top, '.env'), expansionBomb());
  writeFileSync(
    join(top, 'bomb.env'),
    `G=\${F}\n${expansionBomb()
      .replaceAll(/^([A-F])=/gm, 'X$1=')
      .replaceAll('${', '${X')}`,
  );
  const files = () => [...walkTargets(['.'], { cwd: top, onError: () => undefined })];

  it('still gives CMP-0001 and CMP-0002 at their locations, without an error', () => {
    const p = runRule(privileged, files());
    const h = runRule(hostNetwork, files());
    expect(p.errors).toEqual([]);
    expect(h.errors).toEqual([]);
    expect(rows(p.findings)).toEqual([[4, 5, 4, 21, "Service 'web' runs privileged", 'privileged: true']]);
    expect(rows(h.findings)).toEqual([[5, 5, 5, 23, "Service 'web' uses the host network namespace", 'network_mode: host']]);
  });

  it('takes time linear in the services that use its variables, not in what they would expand to', () => {
    expectLinearGrowth((n) => {
      const dir = join(top, `services-${n}`);
      mkdirSync(dir);
      const service = (i: number) =>
        `  s${i}:\n    image: nginx:\${F}\n    privileged: true\n    environment:\n      LONG: "\${F}\${E}\${D}"\n`;
      writeFileSync(join(dir, 'compose.yaml'), `services:\n${Array.from({ length: n }, (_, i) => service(i)).join('')}`);
      writeFileSync(join(dir, '.env'), expansionBomb());
      const files = [...walkTargets(['.'], { cwd: dir, onError: () => undefined })];
      return () => runRule(privileged, files);
    }, 50);
  });
});
