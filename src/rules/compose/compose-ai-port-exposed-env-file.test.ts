import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { walkTargets } from '../../sources/directory.js';
import { runRule } from '../../testing/rule-tester.js';
import rule from './compose-ai-port-exposed.js';

/** vLLM services whose key variable comes from env files next to the compose file (read from disk: a directory walk). */
const COMPOSE = `services:
  key-file:
    image: vllm/vllm-openai:v0.6.3
    env_file: keys.env
    ports: ["8000:8000"]
  empty-file:
    image: vllm/vllm-openai:v0.6.3
    env_file: [empty.env]
    ports: ["8001:8000"]
  long-form:
    image: vllm/vllm-openai:v0.6.3
    env_file:
      - path: ./keys.env
        required: true
    ports: ["8002:8000"]
  missing:
    image: vllm/vllm-openai:v0.6.3
    env_file:
      - path: nowhere.env
        required: false
    ports: ["8003:8000"]
  outside:
    image: vllm/vllm-openai:v0.6.3
    env_file: ../../outside.env
    ports: ["8004:8000"]
  link-out:
    image: vllm/vllm-openai:v0.6.3
    env_file: link.env
    ports: ["8005:8000"]
  last-wins:
    image: vllm/vllm-openai:v0.6.3
    env_file: [keys.env, empty.env]
    ports: ["8006:8000"]
  environment-first:
    image: vllm/vllm-openai:v0.6.3
    environment: {VLLM_API_KEY: ""}
    env_file: keys.env
    ports: ["8007:8000"]
  jupyter-token:
    image: quay.io/jupyter/base-notebook:2024-10-07
    env_file: keys.env
    ports: ["8888:8888"]
`;

const SECRET = 'sk-env-file-value-9f3';

describe('CMP-0010 reads env files inside the scanned directory', () => {
  const top = mkdtempSync(join(tmpdir(), 'sanctum-envfile-'));
  afterAll(() => rmSync(top, { recursive: true, force: true }));
  const root = join(top, 'tree');
  mkdirSync(join(root, 'app'), { recursive: true });
  writeFileSync(join(root, 'app', 'compose.yaml'), COMPOSE);
  writeFileSync(join(root, 'app', 'keys.env'), `# keys\n\nexport VLLM_API_KEY="${SECRET}"\nJUPYTER_TOKEN=${SECRET} # comment\n`);
  writeFileSync(join(root, 'app', 'empty.env'), 'VLLM_API_KEY=\nOTHER=1\n');
  // Outside the scanned directory: an empty key, which would be the finding if it were read.
  writeFileSync(join(top, 'outside.env'), 'VLLM_API_KEY=\n');
  symlinkSync(join(top, 'outside.env'), join(root, 'app', 'link.env'));

  it('reports by what the env files set, never their values', () => {
    const errors: string[] = [];
    const files = [...walkTargets(['.'], { cwd: root, onError: (p, m) => errors.push(`${p}: ${m}`) })];
    const { findings } = runRule(rule, files);
    const bad = 'is published on host port 800%d on all interfaces';
    expect(
      findings.map((f) => [
        f.location.path,
        f.location.startLine,
        f.location.startColumn,
        f.location.endLine,
        f.location.endColumn,
        f.severity,
        f.message,
      ]),
    ).toEqual(
      [
        [5, 8000, 'medium', 'key-file'],
        [9, 8001, 'high', 'empty-file'],
        [15, 8002, 'medium', 'long-form'],
        [21, 8003, 'medium', 'missing'],
        [25, 8004, 'medium', 'outside'],
        [29, 8005, 'medium', 'link-out'],
        [33, 8006, 'high', 'last-wins'],
        [38, 8007, 'high', 'environment-first'],
      ]
        .map(([line, port, severity, name]) => [
          'app/compose.yaml',
          line,
          13,
          line,
          24,
          severity,
          `vLLM port 8000 of service '${name}' ${bad.replace('800%d', String(port))}${severity === 'medium' ? ' (it requires an API key or a login)' : ''}`,
        ])
        .concat([
          [
            'app/compose.yaml',
            42,
            13,
            42,
            24,
            'medium',
            "Jupyter port 8888 of service 'jupyter-token' is published on host port 8888 on all interfaces (it requires an API key or a login)",
          ],
        ]),
    );
    expect(JSON.stringify(findings)).not.toContain(SECRET);
    // The walk does not follow the link; the env file it names is not read through it either.
    expect(errors).toEqual(['app/link.env: symbolic link points outside the scanned directory; not followed']);
  });
});
