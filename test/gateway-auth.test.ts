import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import OpenAI from 'openai';
import { generate } from 'selfsigned';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashKey } from '../src/gateway/keys.js';
import { FakeUpstream } from '../src/gateway/testing/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../src/gateway/testing/harness.js';

const KEY = 'sk-sanctum-auth-test-key-0001';
const ISSUER = 'https://issuer.test';
const AUDIENCE = 'sanctum-gateway';

interface Pem {
  cert: string;
  key: string;
}

async function certificate(cn: string, opts: { ca?: Pem; isCA?: boolean; server?: boolean } = {}): Promise<Pem> {
  const pems = await generate([{ name: 'commonName', value: cn }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    ca: opts.ca,
    extensions: opts.isCA
      ? [
          { name: 'basicConstraints', cA: true },
          { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true },
        ]
      : [
          { name: 'basicConstraints', cA: false },
          { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
          { name: 'extKeyUsage', ...(opts.server ? { serverAuth: true } : { clientAuth: true }) },
          ...(opts.server ? [{ name: 'subjectAltName' as const, altNames: [{ type: 7 as const, ip: '127.0.0.1' }] }] : []),
        ],
  });
  return { cert: pems.cert, key: pems.private };
}

const chat = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };

describe('gateway: client certificates (mTLS)', () => {
  let upstream: FakeUpstream;
  let gw: TestGateway;
  let ca: Pem;
  let client: Pem;
  let stranger: Pem;
  let rogue: Pem;

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    ca = await certificate('sanctum test CA', { isCA: true });
    const server = await certificate('gateway', { ca, server: true });
    client = await certificate('batch-scorer', { ca });
    stranger = await certificate('stranger', { ca });
    rogue = await certificate('batch-scorer'); // the right name, not signed by the CA
    gw = await startTestGateway(
      `upstreams:
  - { name: up, baseURL: "${upstream.baseURL}", models: [m] }
tls: { cert: tls.crt, key: tls.key, clientCA: ca.crt }
keys:
  - { name: batch-scorer, clientCertSubject: batch-scorer, models: [m] }
  - { name: app, sha256: "${hashKey(KEY)}", models: [m] }
`,
      { files: { 'tls.crt': server.cert, 'tls.key': server.key, 'ca.crt': ca.cert } },
    );
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    await upstream?.close();
  });

  /** The real openai client over undici with this client certificate. */
  const openai = (cert: Pem | undefined, apiKey = 'unused') => {
    const dispatcher = new Agent({ connect: { ca: ca.cert, ...(cert ? { cert: cert.cert, key: cert.key } : {}) } });
    return new OpenAI({
      apiKey,
      baseURL: `${gw.gateway.url}/v1`,
      maxRetries: 0,
      fetch: ((url: string, init: object) => undiciFetch(url, { ...init, dispatcher })) as unknown as typeof fetch,
      defaultHeaders: apiKey === 'unused' ? { authorization: null } : {},
    });
  };

  it('serves HTTPS and knows a service by the client certificate the CA signed', async () => {
    expect(gw.gateway.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await openai(client).chat.completions.create(chat);
    expect(r.choices[0].message.content).toBe('Hello from the upstream');
    expect(gw.audit.entries.at(-1)).toMatchObject({ key: 'batch-scorer', auth: 'client-certificate', status: 200 });
  });

  it('refuses a CA-signed certificate of no key, and a self-signed one with the right name', async () => {
    await expect(openai(stranger).chat.completions.create(chat)).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    await expect(openai(rogue).chat.completions.create(chat)).rejects.toMatchObject({ status: 401, code: 'missing_api_key' });
    await expect(openai(undefined).chat.completions.create(chat)).rejects.toMatchObject({ status: 401 });
  });

  it('still takes virtual keys over TLS', async () => {
    await openai(undefined, KEY).chat.completions.create(chat);
    expect(gw.audit.entries.at(-1)).toMatchObject({ key: 'app', auth: 'key' });
  });
});

describe('gateway: OIDC JWTs', () => {
  let upstream: FakeUpstream;
  let gw: TestGateway;
  let gwByUrl: TestGateway;
  let jwksServer: Server;
  let signingKey: CryptoKey;
  let otherKey: CryptoKey;
  const subject = 'system:serviceaccount:ml:rag-indexer';

  const token = (claims: { sub?: string; aud?: string; iss?: string; exp?: number } = {}, key = signingKey) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(claims.iss ?? ISSUER)
      .setAudience(claims.aud ?? AUDIENCE)
      .setSubject(claims.sub ?? subject)
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? '5m')
      .sign(key);

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    ({ privateKey: otherKey } = await generateKeyPair('ES256'));
    const pair = await generateKeyPair('ES256', { extractable: true });
    signingKey = pair.privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
    jwksServer = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(jwks));
    await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
    const config = (jwksLine: string) => `upstreams:
  - { name: up, baseURL: "${upstream.baseURL}", models: [m, other] }
jwt:
  issuer: "${ISSUER}"
  audience: "${AUDIENCE}"
  ${jwksLine}
keys:
  - { name: rag-indexer, jwtSubject: "${subject}", models: [m] }
  - { name: app, sha256: "${hashKey(KEY)}", models: [m] }
`;
    gw = await startTestGateway(config('jwksFile: jwks.json'), { files: { 'jwks.json': jwks } });
    gwByUrl = await startTestGateway(config(`jwksURL: "http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks"`));
  });
  afterAll(async () => {
    await gw?.close();
    await gwByUrl?.close();
    await upstream?.close();
    await new Promise((r) => jwksServer?.close(r));
  });

  const openai = (g: TestGateway, apiKey: string) => new OpenAI({ apiKey, baseURL: `${g.gateway.url}/v1`, maxRetries: 0 });

  it('knows a service by the subject of a verified token (JWKS from a file or a URL)', async () => {
    for (const g of [gw, gwByUrl]) {
      const r = await openai(g, await token()).chat.completions.create(chat);
      expect(r.choices[0].message.content).toBe('Hello from the upstream');
      expect(g.audit.entries.at(-1)).toMatchObject({ key: 'rag-indexer', auth: 'jwt', status: 200 });
    }
    // The token's key holds the same model allow-list as a virtual key.
    await expect(openai(gw, await token()).chat.completions.create({ ...chat, model: 'other' })).rejects.toMatchObject({ status: 403 });
  });

  it('refuses tokens of another audience or issuer, expired, badly signed or of an unknown subject', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const cases: Array<[string, Promise<string>, string]> = [
      ['audience', token({ aud: 'someone-else' }), 'invalid_token'],
      ['issuer', token({ iss: 'https://evil.test' }), 'invalid_token'],
      ['expired', token({ exp: past }), 'invalid_token'],
      ['signature', token({}, otherKey), 'invalid_token'],
      ['subject', token({ sub: 'system:serviceaccount:ml:stranger' }), 'invalid_api_key'],
    ];
    for (const [what, t, code] of cases) {
      const err = await openai(gw, await t)
        .chat.completions.create(chat)
        .catch((e: unknown) => e);
      expect(err, what).toMatchObject({ status: 401, code });
    }
    const logged = JSON.stringify(gw.audit.entries);
    expect(logged).not.toContain((await token()).slice(0, 40));
  });

  it('still takes virtual keys when JWTs are configured', async () => {
    await openai(gw, KEY).chat.completions.create(chat);
    expect(gw.audit.entries.at(-1)).toMatchObject({ key: 'app', auth: 'key' });
  });
});
