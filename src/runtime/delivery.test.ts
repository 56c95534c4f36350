import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../test/wait.js';
import type { Finding } from '../core/types.js';
import { WebhookDelivery } from './delivery.js';

const finding = (n: number): Finding => ({
  ruleId: 'RT-0001',
  slug: 's',
  title: 't',
  severity: 'high',
  message: `m${n}`,
  location: { path: 'x' },
  frameworks: [],
  status: 'fail',
  fingerprint: `sha256:${n}`,
});

describe('WebhookDelivery', () => {
  let server: Server;
  let url = '';
  const bodies: unknown[] = [];
  let fail = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        if (req.url === '/bad') return void res.writeHead(400).end();
        if (fail-- > 0) return void res.writeHead(500).end();
        bodies.push(JSON.parse(b));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('retries failed POSTs, in order, in batches', async () => {
    fail = 2;
    const d = new WebhookDelivery({ url: `${url}/ok`, backoffMs: 5, batchSize: 2 });
    for (let i = 0; i < 5; i++) d.send(finding(i));
    await d.flush(5000);
    expect(bodies.flat().map((f) => (f as Finding).message)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    expect(d.stats).toEqual({ delivered: 5, dropped: 0, retries: 2 });
  });

  it('drops the oldest when the queue is full, and never retries a request the receiver refuses', async () => {
    const errors: string[] = [];
    const d = new WebhookDelivery({ url: `${url}/bad`, maxQueue: 3, backoffMs: 5, onError: (m) => errors.push(m) });
    for (let i = 0; i < 10; i++) d.send(finding(i));
    await d.flush(5000);
    expect(d.stats.delivered).toBe(0);
    expect(d.stats.dropped).toBe(10);
    expect(d.stats.retries).toBe(0);
    expect(errors[0]).toMatch(/HTTP 400/);
  });

  it('sends Falco-shaped alerts one per POST', async () => {
    bodies.length = 0;
    const d = new WebhookDelivery({ url: `${url}/ok`, format: 'falco' });
    d.send(finding(7));
    await d.flush(5000);
    expect(bodies).toEqual([
      expect.objectContaining({ priority: 'Error', rule: 't', output_fields: expect.objectContaining({ 'sanctum.rule_id': 'RT-0001' }) }),
    ]);
  });

  it('with lingerMs, send only queues: what arrives together goes in one POST', async () => {
    bodies.length = 0;
    // A linger no test outlasts: whatever is sent before flush was sent by send, which must only queue.
    const d = new WebhookDelivery({ url: `${url}/ok`, lingerMs: 600_000, batchSize: 10 });
    for (let i = 0; i < 3; i++) d.send(finding(i));
    expect(d.pending).toBe(3);
    for (let i = 3; i < 5; i++) d.send(finding(i));
    await d.flush(5000);
    expect(bodies.map((b) => (b as Finding[]).map((f) => f.message))).toEqual([['m0', 'm1', 'm2', 'm3', 'm4']]);
    expect(d.stats).toEqual({ delivered: 5, dropped: 0, retries: 0 });
  });

  it('with lingerMs, sends what waits once the linger is over, without a flush', async () => {
    bodies.length = 0;
    const d = new WebhookDelivery({ url: `${url}/ok`, lingerMs: 20, batchSize: 10 });
    for (let i = 0; i < 2; i++) d.send(finding(i));
    await until(() => d.stats.delivered === 2, 'the lingering findings delivered');
    expect(bodies.map((b) => (b as Finding[]).map((f) => f.message))).toEqual([['m0', 'm1']]);
  });

  it('encodes batches of any item with its own encoder', async () => {
    bodies.length = 0;
    const d = new WebhookDelivery<number>({
      url: `${url}/ok`,
      batchSize: 2,
      encode: (batch) => JSON.stringify({ sum: batch.reduce((a, b) => a + b, 0) }),
    });
    for (const n of [1, 2, 3]) d.send(n);
    await d.flush(5000);
    expect(bodies).toEqual([{ sum: 1 }, { sum: 5 }]);
  });
});
