import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayConfigError, loadGatewayConfig } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'sanctum-gateway-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HASH = 'a'.repeat(64);
const UPSTREAM = `upstreams:
  - name: local-vllm
    baseURL: "http://vllm.llm.svc:8000/v1"
    apiKey: "env:VLLM_KEY"
    models: ["llama-3.1-8b"]
`;

function load(text: string, env: NodeJS.ProcessEnv = { VLLM_KEY: 'k' }, name = 'gateway.yaml') {
  const path = join(dir, name);
  writeFileSync(path, text);
  return loadGatewayConfig(path, env);
}

function errorOf(text: string, env?: NodeJS.ProcessEnv): string {
  try {
    load(text, env);
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayConfigError);
    return (e as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('gateway configuration', () => {
  it("loads the issue's example with defaults and the upstream key from the environment", () => {
    const c = load(`listen: "127.0.0.1:8080"
${UPSTREAM}keys:
  - name: support-bot
    sha256: "${HASH.toUpperCase()}"
    models: ["llama-3.1-8b"]
    requestsPerMinute: 60
    tokensPerDay: 200000
guardrails:
  secrets: redact
  injection: block
  exfiltration: strip
`);
    expect(c.listen).toBe('127.0.0.1:8080');
    expect(c.keys[0]).toMatchObject({ name: 'support-bot', sha256: HASH, requestsPerMinute: 60, tokensPerDay: 200000 });
    expect(c.upstreams[0]).toMatchObject({ retries: 2, timeoutMs: 300000, connectTimeoutMs: 5000 });
    expect(c.upstreamKeys.get('local-vllm')).toBe('k');
    expect(c.audit).toEqual({ file: '-', prompts: false });
    expect(c.guardrails).toMatchObject({ secrets: 'redact', injection: { action: 'block' }, exfiltration: { action: 'strip' } });
  });

  it('reads the store of audit.store, its write token from the environment or a file, never from the file itself', () => {
    const c = load(`${UPSTREAM}audit:\n  store: { url: "https://sanctum.example.com", token: "env:SANCTUM_TOKEN", name: prod-eu }\n`, {
      VLLM_KEY: 'k',
      SANCTUM_TOKEN: 'sanctum_abc',
    });
    expect(c.audit.store).toEqual({
      url: 'https://sanctum.example.com',
      token: 'env:SANCTUM_TOKEN',
      name: 'prod-eu',
      maxQueue: 10000,
      batchSize: 500,
    });
    expect(c.storeToken).toBe('sanctum_abc');
    expect(errorOf(`${UPSTREAM}audit:\n  store: { url: "https://s.example.com", token: "sanctum_abc" }\n`)).toMatch(
      /gateway\.yaml:\d+:\d+: audit\.store\.token: env:NAME or file:PATH/,
    );
    expect(errorOf(`${UPSTREAM}audit:\n  store: { url: "ftp://s.example.com" }\n`)).toMatch(/audit\.store\.url: an http\(s\) URL/);
    expect(errorOf(`${UPSTREAM}audit:\n  store: { url: "https://s.example.com", token: "env:NOPE" }\n`)).toMatch(
      /audit\.store\.token: the environment variable NOPE is not set/,
    );
  });

  it('names the file, line and key of a wrong value', () => {
    const msg = errorOf(`${UPSTREAM}keys:
  - name: support-bot
    sha256: "not-a-hash"
    models: ["llama-3.1-8b"]
`);
    expect(msg).toContain(`${join(dir, 'gateway.yaml')}:8:13: keys[0].sha256: the hex SHA-256 of the key`);
  });

  it('refuses unknown settings (typos) and a key written in clear', () => {
    expect(errorOf(`${UPSTREAM}lisen: ":8080"\n`)).toMatch(
      /gateway\.yaml:\d+:\d+: \(top level\): unknown key "lisen" \(did you mean "listen"\?\)$/,
    );
    const msg = errorOf(UPSTREAM.replace('env:VLLM_KEY', 'sk-live-1234'));
    expect(msg).toContain('upstreams[0].apiKey: env:NAME or file:PATH');
  });

  it('validates the guardrails, global and per key, with file, line and key', () => {
    const msg = errorOf(`${UPSTREAM}guardrails:
  secrets: maybe
keys:
  - name: a
    sha256: "${HASH}"
    models: ["*"]
    guardrails: { injection: { blockScore: 2 } }
`);
    expect(msg).toMatch(/gateway\.yaml:7:12: guardrails\.secrets: /);
    expect(msg).toMatch(/gateway\.yaml:\d+:\d+: keys\[0\]\.guardrails\.injection\.blockScore: /);
  });

  it('says in words which key is missing or wrong, by its path, and what it should be', () => {
    const msg = errorOf(`upstreams:
  - name: a
    baseURL: "http://a:8000/v1"
  - name: b
    baseURL: "not a url"
    models: ["m", { name: x }, 3]
    conections: 4
keys:
  - { name: k, sha256: "${HASH}", models: "m", requestsPerMinute: 0, expires: never }
  - { name: j, sha256: "${HASH}", models: [] }
listen: 8080
`);
    const lines = msg
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/^ +\S+gateway\.yaml:\d+:\d+: /, ''));
    expect(lines).toEqual([
      'listen: expected text, found the number 8080',
      'upstreams[0].models: required, but missing (a list)',
      'upstreams[1].baseURL: expected a URL (such as https://host:port/path), found text of 9 characters',
      'upstreams[1].models[1].upstreamModel: required, but missing (text)',
      'upstreams[1].models[2]: expected text or a mapping, found the number 3',
      'upstreams[1]: unknown key "conections" (did you mean "connections"?)',
      'keys[0].models: expected a list, found "m"',
      'keys[0].requestsPerMinute: must be greater than 0, found the number 0',
      `keys[0]: unknown key "expires" (known: ${[
        'name',
        'sha256',
        'clientCertSubject',
        'jwtSubject',
        'models',
        'team',
        'requestsPerMinute',
        'requestsPerDay',
        'tokensPerMinute',
        'tokensPerDay',
        'revoked',
        'createdAt',
        'revokedAt',
        'guardrails',
      ].join(', ')})`,
      'keys[1].models: needs at least one entry, found an empty list',
    ]);
    // Each line points at the key, or at the mapping the missing key belongs in.
    expect(msg).toContain(`${join(dir, 'gateway.yaml')}:2:5: upstreams[0].models: required`);
    expect(msg).toContain(`${join(dir, 'gateway.yaml')}:6:19: upstreams[1].models[1].upstreamModel: required`);
  });

  it('says in words what a guardrail setting takes, and never repeats long text (it may be a secret in the wrong place)', () => {
    const msg = errorOf(`${UPSTREAM}guardrails:
  pii: { action: maybe, classes: [email, fax] }
  injection: 3
  tools: { allowed: "sk-live-0123456789abcdefghijklmnop" }
audit: { prompts: "yes" }
`);
    expect(msg).toContain('guardrails.pii.action: expected one of redact, block, off, found "maybe"');
    expect(msg).toContain('guardrails.pii.classes[1]: expected one of email, phone, credit-card, iban, us-ssn, ip-address, found "fax"');
    expect(msg).toContain('guardrails.injection: expected an action (block, flag, off) or a mapping of settings, found the number 3');
    expect(msg).toContain('guardrails.tools.allowed: expected a list, found text of 34 characters');
    expect(msg).toContain('audit.prompts: expected true or false, found "yes"');
    expect(msg).not.toContain('sk-live');
  });

  it('says in words what is wrong in a keys file, by its path there', () => {
    writeFileSync(join(dir, 'keys-words.yaml'), `keys:\n  - { name: k, sha256: "${HASH}" }\n`);
    expect(errorOf(`${UPSTREAM}keysFile: keys-words.yaml\n`)).toMatch(
      /keys-words\.yaml:2:5: keys\[0\]\.models: required, but missing \(a list\)$/,
    );
  });

  it('says which environment variable is missing', () => {
    expect(errorOf(UPSTREAM, {})).toMatch(/gateway\.yaml:4:13: upstreams\[0\]\.apiKey: the environment variable VLLM_KEY is not set/);
  });

  it('reads the upstream key from a file', () => {
    writeFileSync(join(dir, 'vllm.key'), 'from-file\n');
    expect(load(UPSTREAM.replace('env:VLLM_KEY', 'file:vllm.key')).upstreamKeys.get('local-vllm')).toBe('from-file');
  });

  it('refuses duplicate names, models served twice, unknown teams and unserved models', () => {
    const msg = errorOf(`${UPSTREAM}  - name: local-vllm
    baseURL: "http://other:8000/v1"
    models: ["llama-3.1-8b"]
keys:
  - { name: a, sha256: "${HASH}", models: ["nope"], team: ghosts }
  - { name: a, sha256: "${HASH}", models: ["*"] }
`);
    expect(msg).toContain("a second upstream named 'local-vllm'");
    expect(msg).toContain("model 'llama-3.1-8b' is already served by upstream 'local-vllm'");
    expect(msg).toContain("keys[0].team: no team 'ghosts' in teams");
    expect(msg).toContain("keys[0].models: no upstream serves model 'nope'");
    expect(msg).toContain("a second key named 'a'");
    expect(msg).toContain("the same sha256 as key 'a'");
  });

  it("refuses YAML nested past 100 levels with its position (the library's stack overflow could abort the process)", () => {
    expect(errorOf(`upstreams:\n  - ${'? '.repeat(30_000)}1\n`)).toMatch(
      /gateway\.yaml:2:\d+: YAML nesting is deeper than the limit of 100 levels$/,
    );
  });

  it('reports YAML syntax errors with their position, and empty or wrong-shaped files', () => {
    expect(errorOf('listen: [\n')).toMatch(/gateway\.yaml:\d+:\d+: not valid YAML/);
    expect(errorOf('')).toContain('expected a mapping of settings');
    expect(errorOf('- a\n- b\n')).toContain('expected a mapping of settings');
    expect(() => loadGatewayConfig(join(dir, 'missing.yaml'))).toThrow(
      /cannot read gateway configuration .*missing\.yaml: no such file or directory/,
    );
  });

  it('adds the keys of keysFile, with errors naming that file', () => {
    writeFileSync(join(dir, 'keys.yaml'), `keys:\n  - { name: from-file, sha256: "${HASH}", models: ["llama-3.1-8b"] }\n`);
    expect(load(`${UPSTREAM}keysFile: keys.yaml\n`).keys.map((k) => k.name)).toEqual(['from-file']);
    writeFileSync(join(dir, 'keys.yaml'), `keys:\n  - { name: from-file, models: ["llama-3.1-8b"] }\n`);
    expect(errorOf(`${UPSTREAM}keysFile: keys.yaml\n`)).toMatch(
      /keys\.yaml:2:5: keys\[0\]: a key needs sha256, clientCertSubject or jwtSubject/,
    );
  });

  it('needs tls.clientCA for certificate subjects and a jwt section for token subjects', () => {
    const msg = errorOf(`${UPSTREAM}keys:
  - { name: svc, clientCertSubject: batch, models: ["*"] }
  - { name: job, jwtSubject: "system:serviceaccount:ml:job", models: ["*"] }
`);
    expect(msg).toContain('keys[0].clientCertSubject: needs tls.clientCA');
    expect(msg).toContain('keys[1].jwtSubject: needs a jwt section');
  });
});
