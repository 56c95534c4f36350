import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTlsFiles, type TlsFiles } from '../../testing/tls-files.js';
import { startLoopbackWebhook } from '../../testing/loopback-webhook.js';
import { httpsRequest } from '../../testing/https-request.js';
import { AdmissionEvaluator } from './admission-evaluator.js';
import { readKeyPair } from './certificate-files.js';
import type { WebhookServer } from './server.js';

const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
const ecKey = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

describe('certificate and key files', () => {
  let tls: TlsFiles | undefined;
  let server: WebhookServer | undefined;
  afterEach(async () => {
    await server?.close();
    tls?.remove();
    server = tls = undefined;
  });

  it('refuses a key that does not belong to the certificate, of the same type or of another', async () => {
    tls = await makeTlsFiles();
    expect(() => readKeyPair(tls!.certPath, tls!.keyPath)).not.toThrow();
    // An EC certificate with an RSA key: OpenSSL loads the pair, and every handshake fails.
    writeFileSync(tls.keyPath, rsaKey());
    expect(() => readKeyPair(tls!.certPath, tls!.keyPath, tls!.dir)).toThrow(
      'the TLS certificate tls.crt and key tls.key cannot be used: the key does not belong to the certificate',
    );
    writeFileSync(tls.keyPath, ecKey());
    expect(() => readKeyPair(tls!.certPath, tls!.keyPath, tls!.dir)).toThrow(/tls\.crt and key tls\.key cannot be used: .*mismatch/);
  });

  it('keeps serving the old certificate while a key of another type waits for its certificate', async () => {
    tls = await makeTlsFiles();
    server = await startLoopbackWebhook(tls, new AdmissionEvaluator(), { certificateCheckMs: 50 });
    const health = () => httpsRequest(`https://127.0.0.1:${server!.port}/healthz`, tls!.cert, 'GET');
    expect((await health()).status).toBe(200);
    // The key is written first (an RSA key for the next certificate), the certificate later.
    writeFileSync(tls.keyPath, rsaKey());
    await new Promise((r) => setTimeout(r, 400));
    expect(server.certificateReloads).toBe(0);
    expect((await health()).status).toBe(200);
  }, 30_000);
});
