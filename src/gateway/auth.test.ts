import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JwtVerifier } from './auth.js';
import { GatewayConfigError } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'sanctum-jwks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JwtVerifier', () => {
  it('a JWKS file that is not JSON is a config error without the text of the file', () => {
    const file = join(dir, 'jwks.json');
    writeFileSync(file, `{"keys": [{"d": private-key-material\u001b[2J}]}`);
    let error: unknown;
    try {
      new JwtVerifier({ jwksFile: file, issuer: 'https://issuer.example', audience: 'gw' } as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayConfigError);
    const message = (error as Error).message;
    expect(message).toBe(`jwt.jwksFile ${file}: Unexpected token 'p' (not valid JSON)`);
  });
});
