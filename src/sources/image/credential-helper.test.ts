import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialHelperError, runCredentialHelper } from './credential-helper.js';
import { parseReference } from './reference.js';
import { dockerCredentials } from './registry.js';

/**
 * Real helpers: small shell scripts named `docker-credential-*`, made executable in a temporary
 * directory put first on `PATH`, speaking the docker-credential-helpers protocol (`get`, the server
 * on standard input, JSON out).
 */
describe('Docker credential helpers', () => {
  let bin: string;
  let path: string | undefined;
  beforeAll(() => {
    bin = mkdtempSync(join(tmpdir(), 'sanctum-cred-helpers-'));
    const helper = (name: string, body: string) => {
      const file = join(bin, `docker-credential-${name}`);
      writeFileSync(file, `#!/bin/sh\n${body}\n`);
      chmodSync(file, 0o755);
    };
    helper(
      'test',
      [
        'server=$(cat)',
        'if [ "$1" != get ]; then echo "unknown action" >&2; exit 3; fi',
        'case "$server" in',
        `  registry.test:5000) printf '{"ServerURL":"%s","Username":"helper-user","Secret":"helper-secret"}' "$server" ;;`,
        `  https://index.docker.io/v1/) printf '{"ServerURL":"%s","Username":"<token>","Secret":"refresh-token"}' "$server" ;;`,
        '  *) echo "credentials not found in native keychain"; exit 1 ;;',
        'esac',
      ].join('\n'),
    );
    helper('broken', 'cat >/dev/null; echo "password=hunter2 leaked"; exit 2');
    helper('chatty', 'cat >/dev/null; yes hunter2 | head -c 200000');
    helper('slow', 'cat >/dev/null; sleep 5');
    helper('garbled', 'cat >/dev/null; echo not json');
    path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path ?? ''}`;
  });
  afterAll(() => {
    process.env.PATH = path;
    rmSync(bin, { recursive: true, force: true });
  });

  it('runs `docker-credential-<name> get` with the server on standard input', () => {
    expect(runCredentialHelper('test', 'registry.test:5000')).toEqual({ username: 'helper-user', password: 'helper-secret' });
    expect(runCredentialHelper('test', 'https://index.docker.io/v1/')).toEqual({ identityToken: 'refresh-token' });
    expect(runCredentialHelper('test', 'other.example')).toBeUndefined();
  });

  it('reports a missing, failing, hanging, verbose or garbled helper without its output', () => {
    const fails = (name: string, timeoutMs?: number) => {
      try {
        runCredentialHelper(name, 'registry.test:5000', { timeoutMs });
      } catch (e) {
        expect(e).toBeInstanceOf(CredentialHelperError);
        expect((e as Error).message).not.toContain('hunter2');
        return (e as Error).message;
      }
      throw new Error(`${name} did not fail`);
    };
    expect(fails('missing')).toBe('credential helper docker-credential-missing is not installed (not found on PATH)');
    expect(fails('broken')).toBe('credential helper docker-credential-broken failed (exit 2)');
    expect(fails('slow', 300)).toBe('credential helper docker-credential-slow did not answer within 0.3 s');
    expect(fails('chatty')).toBe('credential helper docker-credential-chatty printed more than 65536 bytes');
    expect(fails('garbled')).toBe('credential helper docker-credential-garbled did not answer with JSON');
    expect(fails('../../bin/sh')).toBe("credential helper name '../../bin/sh' is not a helper name");
  });

  it('takes the registry’s own helper first, then auths entries, then the default store', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-docker-config-'));
    try {
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({
          auths: {
            'registry.test:5000': { auth: Buffer.from('stale:entry').toString('base64') },
            'ghcr.io': { username: 'u', password: 'p' },
          },
          credHelpers: { 'registry.test:5000': 'test' },
          credsStore: 'test',
        }),
      );
      expect(dockerCredentials(parseReference('registry.test:5000/acme/app'), dir)).toEqual({
        username: 'helper-user',
        password: 'helper-secret',
      });
      expect(dockerCredentials(parseReference('ghcr.io/acme/app'), dir)).toEqual({ username: 'u', password: 'p' });
      // Docker Hub through the default store, asked with the address Docker uses for it.
      expect(dockerCredentials(parseReference('python:3.12'), dir)).toEqual({ identityToken: 'refresh-token' });
      expect(dockerCredentials(parseReference('quay.io/a/b'), dir)).toBeUndefined();
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ credsStore: 'missing' }));
      expect(() => dockerCredentials(parseReference('quay.io/a/b'), dir)).toThrow(/docker-credential-missing is not installed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
