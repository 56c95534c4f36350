import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync, unwatchFile, watchFile, type Stats } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { describeSystemError, shownPath } from '../../core/system-error.js';

export interface KeyPair {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads a certificate and its key, and checks that they belong together; throws an Error that names the
 * file (relative to `cwd` when it lies below it).
 */
export function readKeyPair(certPath: string, keyPath: string, cwd = process.cwd()): KeyPair {
  const read = (path: string, what: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (e) {
      throw new Error(`cannot read the TLS ${what} ${shownPath(path, cwd)}: ${describeSystemError(e)}`, { cause: e });
    }
  };
  const pair = { cert: read(certPath, 'certificate'), key: read(keyPath, 'key') };
  try {
    createSecureContext(pair);
    // OpenSSL checks the key against the certificate only when both are of one type: an RSA certificate
    // with an EC key loads, and every handshake then fails.
    if (!new X509Certificate(pair.cert).checkPrivateKey(createPrivateKey(pair.key)))
      throw new Error('the key does not belong to the certificate');
  } catch (e) {
    throw new Error(
      `the TLS certificate ${shownPath(certPath, cwd)} and key ${shownPath(keyPath, cwd)} cannot be used: ${(e as Error).message}`,
      { cause: e },
    );
  }
  return pair;
}

/**
 * Watches the certificate and key files (polling: Kubernetes updates mounted Secrets by swapping a
 * symlink, which file events miss) and hands each new, consistent pair to `onPair`. A pair that does
 * not load (the key written before the certificate) is reported and the old one stays in use.
 */
export function watchKeyPair(
  certPath: string,
  keyPath: string,
  intervalMs: number,
  onPair: (pair: KeyPair) => void,
  onError: (message: string) => void,
): () => void {
  const changed = (cur: Stats, prev: Stats): void => {
    if (cur.mtimeMs === prev.mtimeMs && cur.ino === prev.ino && cur.size === prev.size) return;
    try {
      onPair(readKeyPair(certPath, keyPath));
    } catch (e) {
      onError((e as Error).message);
    }
  };
  const options = { interval: intervalMs, persistent: false };
  watchFile(certPath, options, changed);
  watchFile(keyPath, options, changed);
  return () => {
    unwatchFile(certPath, changed);
    unwatchFile(keyPath, changed);
  };
}
