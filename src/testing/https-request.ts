import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface HttpsReply {
  status: number;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: any;
  text: string;
  /** Common name of the certificate the server presented. */
  peerCommonName?: string;
}

/** One HTTPS request over a fresh connection that trusts only `ca`. */
export function httpsRequest(
  url: string,
  ca: string,
  method: string,
  body?: string | Buffer,
  contentType = 'application/json',
): Promise<HttpsReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca,
        agent: false,
        headers: body === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          const peer = (res.socket as TLSSocket).getPeerCertificate?.();
          resolve({ status: res.statusCode ?? 0, body: parsed, text, peerCommonName: peer?.subject?.CN as string | undefined });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
