import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEvent } from '../../rules/runtime/lib/examples.js';
import { AuditWebhookReceiver } from './audit-webhook.js';

const list = (n: number) =>
  JSON.stringify({
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    metadata: {},
    items: Array.from({ length: n }, (_, i) => auditEvent({ verb: 'get', resource: 'pods', namespace: 'ml', name: `p${i}` })),
  });

async function post(url: string, body: string, method = 'POST'): Promise<number> {
  const res = await fetch(url, { method, body: method === 'POST' ? body : undefined, headers: { 'content-type': 'application/json' } });
  await res.text();
  return res.status;
}

describe('AuditWebhookReceiver', () => {
  const receivers: AuditWebhookReceiver[] = [];
  afterAll(async () => {
    for (const r of receivers) await r.close();
  });

  it('queues EventList POSTs, answers 400/405/413 for what is not one, and refuses with 429 when the queue is full', async () => {
    const r = new AuditWebhookReceiver({ host: '127.0.0.1', port: 0, maxQueuedEvents: 5, maxBodyBytes: 64 * 1024 });
    receivers.push(r);
    const { port } = await r.listen();
    const url = `http://127.0.0.1:${port}/`;
    expect(await post(url, list(3))).toBe(200);
    expect(await post(url, list(3))).toBe(429);
    expect(await post(url, '{"kind":"Event"')).toBe(400);
    expect(await post(url, '{"kind":"Pod"}')).toBe(400);
    expect(await post(url, '', 'GET')).toBe(405);
    expect(await post(url, 'x'.repeat(100 * 1024))).toBe(413);
    expect((await fetch(`${url}healthz`)).status).toBe(200);
    expect(r.backlog).toBe(3);
    const gen = r.batches();
    const first = await gen.next();
    expect((first.value as { items: unknown[] }).items).toHaveLength(3);
    expect(r.backlog).toBe(0);
    expect(await post(url, list(3))).toBe(200);
    expect(r.stats).toMatchObject({ accepted: 6, refusedRequests: 1, refusedEvents: 3, badRequests: 4 });
    await r.close();
    const rest: number[] = [];
    for await (const b of gen) rest.push(b.items.length);
    expect(rest).toEqual([3]);
  });

  it('serves HTTPS with the given certificate', async (ctx) => {
    let dir: string;
    try {
      dir = mkdtempSync(join(tmpdir(), 'sanctum-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ],
        { stdio: 'ignore' },
      );
    } catch {
      ctx.skip('openssl is not installed: no certificate to serve');
      return;
    }
    const cert = readFileSync(join(dir, 'cert.pem'));
    const r = new AuditWebhookReceiver({ host: '127.0.0.1', port: 0, tls: { cert, key: readFileSync(join(dir, 'key.pem')) } });
    receivers.push(r);
    const { port } = await r.listen();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, method: 'POST', path: '/', ca: cert, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end(list(2));
    });
    expect(status).toBe(200);
    expect(r.stats.accepted).toBe(2);
    rmSync(dir, { recursive: true, force: true });
  });
});
