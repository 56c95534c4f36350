import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsFiles {
  dir: string;
  certPath: string;
  keyPath: string;
  /** The PEM certificate, to trust as the CA of a client. */
  cert: string;
  /** Writes a new certificate and key over the files; returns the new certificate. */
  rotate(): Promise<string>;
  remove(): void;
}

async function pair(commonName: string): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A self-signed serving certificate for 127.0.0.1 in a temporary directory (generated in-process, no openssl). */
export async function makeTlsFiles(commonName = 'sanctum-webhook-test'): Promise<TlsFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'sanctum-tls-'));
  const certPath = join(dir, 'tls.crt');
  const keyPath = join(dir, 'tls.key');
  const write = async (cn: string): Promise<string> => {
    const p = await pair(cn);
    writeFileSync(keyPath, p.key);
    writeFileSync(certPath, p.cert);
    return p.cert;
  };
  const cert = await write(commonName);
  let n = 0;
  return {
    dir,
    certPath,
    keyPath,
    cert,
    rotate: () => write(`${commonName}-${++n}`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
