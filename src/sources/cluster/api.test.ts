import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listenForKubeApi } from '../../testing/loopback-kube-api.js';
import { KubeApiError, type KubeApi } from './api.js';

describe('KubeApi', () => {
  let server: http.Server;
  let api: KubeApi;
  let connections = 0;

  beforeAll(async () => {
    // A server that closes a kept-alive connection as the next request arrives on it (its idle timeout met the request).
    server = http.createServer((req, res) => {
      const socket = req.socket as typeof req.socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served > 1) {
        socket.destroy();
        return;
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
    server.on('connection', () => connections++);
    api = await listenForKubeApi(server);
  });

  afterAll(async () => {
    api.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends a GET again on a new connection when the server closed the kept-alive one it went out on', async () => {
    expect(await api.get('/api')).toEqual({ path: '/api' });
    expect(await api.get('/apis')).toEqual({ path: '/apis' });
    expect(await api.get('/api/v1')).toEqual({ path: '/api/v1' });
    expect(connections).toBe(3);
  });

  it('does not send anything but a GET again', async () => {
    await api.get('/api');
    await expect(api.send('PATCH', '/api/v1/namespaces/a/configmaps/b', {})).rejects.toThrow(/cannot reach/);
  });
});

describe('KubeApi retries of answers 429 and 5xx', () => {
  /** Answers, in order, of the requests to a path; once they are used up, 200 with the path. */
  const script = new Map<string, Array<(res: http.ServerResponse) => void>>();
  const requests: string[] = [];
  let server: http.Server;
  let api: KubeApi;
  const sleeps: number[] = [];
  let jitter = 0;

  /** kube-apiserver's priority and fairness (and max-in-flight) filter: net/http's plain-text error with `Retry-After`. */
  const tooManyRequests =
    (retryAfter = '1') =>
    (res: http.ServerResponse) => {
      res.writeHead(429, {
        'Content-Type': 'text/plain; charset=utf-8',
        'X-Content-Type-Options': 'nosniff',
        'Retry-After': retryAfter,
        'X-Kubernetes-Pf-Flowschema-Uid': '7f1d2c3b-0000-4000-8000-000000000001',
        'X-Kubernetes-Pf-Prioritylevel-Uid': '7f1d2c3b-0000-4000-8000-000000000002',
      });
      res.end('Too many requests, please try again later.\n');
    };
  /** A `Status` as kube-apiserver writes a 5xx. */
  const failure = (code: number, reason: string, message: string) => (res: http.ServerResponse) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }));
  };
  const unavailable = failure(503, 'ServiceUnavailable', 'the server is currently unable to handle the request');
  /** What a proxy in front of the API server writes. */
  const badGateway = (res: http.ServerResponse) => {
    res.writeHead(502, { 'Content-Type': 'text/html' });
    res.end('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n');
  };

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      const next = script.get(new URL(req.url ?? '/', 'http://x').pathname)?.shift();
      if (next) return next(res);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
    api = await listenForKubeApi(server, {
      retry: {
        sleep: async (ms) => void sleeps.push(ms),
        random: () => jitter,
      },
    });
  });

  beforeEach(() => {
    script.clear();
    requests.length = 0;
    sleeps.length = 0;
    jitter = 0;
  });

  afterAll(async () => {
    api.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("waits the Retry-After of priority and fairness's 429 and sends the GET again", async () => {
    script.set('/apis/apps/v1/deployments', [tooManyRequests(), tooManyRequests()]);
    expect(await api.get('/apis/apps/v1/deployments', { limit: 500 })).toEqual({ path: '/apis/apps/v1/deployments?limit=500' });
    expect(requests).toEqual(Array(3).fill('GET /apis/apps/v1/deployments?limit=500'));
    expect(sleeps).toEqual([1000, 1000]);
  });

  it('cuts a long Retry-After to 10 s', async () => {
    script.set('/api', [tooManyRequests('3600'), failure(503, 'ServiceUnavailable', 'busy')]);
    // A 429 with a long Retry-After, then a 503 with none (a backoff).
    expect(await api.get('/api')).toEqual({ path: '/api' });
    expect(sleeps).toEqual([10_000, 250]);
  });

  it('backs off exponentially with jitter on 500, 502, 503 and 504 without Retry-After', async () => {
    script.set('/apis', [
      failure(500, 'InternalError', 'Internal error occurred: etcdserver: request timed out'),
      badGateway,
      unavailable,
      failure(504, 'Timeout', 'Timeout: request did not complete within the allotted timeout'),
    ]);
    jitter = 0.999;
    expect(await api.get('/apis')).toEqual({ path: '/apis' });
    // Base 250 ms, doubled each try; each wait between half the backoff (jitter 0) and all of it (jitter 1).
    expect(sleeps).toEqual([250, 500, 1000, 1999]);
    script.set('/apis', [unavailable, unavailable, unavailable]);
    jitter = 0;
    sleeps.length = 0;
    await api.get('/apis');
    expect(sleeps).toEqual([125, 250, 500]);
  });

  it('gives up after 5 tries with the last answer, saying how many tries it made', async () => {
    script.set('/apis/ray.io/v1/rayclusters', Array(9).fill(unavailable));
    const error = await api.get('/apis/ray.io/v1/rayclusters').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KubeApiError);
    expect(error).toMatchObject({
      status: 503,
      reason: 'ServiceUnavailable',
      tries: 5,
      message: '/apis/ray.io/v1/rayclusters: the server is currently unable to handle the request',
    });
    expect(requests.length).toBe(5);
    expect(sleeps.length).toBe(4);
    // An answer that is not a Status is named by its status line.
    script.set('/apis', Array(9).fill(badGateway));
    await expect(api.get('/apis')).rejects.toMatchObject({ status: 502, reason: 'Bad Gateway', tries: 5 });
    script.set('/api', Array(9).fill(tooManyRequests()));
    await expect(api.get('/api')).rejects.toMatchObject({
      status: 429,
      reason: 'Too Many Requests',
      tries: 5,
      message: '/api: Too many requests, please try again later.',
    });
  });

  it('sends nothing again after other errors, nor any request but a GET', async () => {
    script.set('/api/v1/secrets', [failure(403, 'Forbidden', 'secrets is forbidden')]);
    await expect(api.get('/api/v1/secrets')).rejects.toMatchObject({ status: 403, tries: 1 });
    script.set('/apis/wgpolicyk8s.io/v1alpha2/policyreports/a', [tooManyRequests(), unavailable]);
    await expect(api.send('PATCH', '/apis/wgpolicyk8s.io/v1alpha2/policyreports/a', {})).rejects.toMatchObject({ status: 429, tries: 1 });
    await expect(api.delete('/apis/wgpolicyk8s.io/v1alpha2/policyreports/a')).rejects.toMatchObject({ status: 503, tries: 1 });
    expect(requests.length).toBe(3);
    expect(sleeps).toEqual([]);
  });
});

describe('KubeApi request timeout', () => {
  let server: http.Server;
  let api: KubeApi;
  const timers = new Set<NodeJS.Timeout>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/silent') return;
      if (req.url === '/version') {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end('{"kind":"Status","reason":"Forbidden","message":"forbidden"}');
        return;
      }
      // An answer that trickles in: a byte every 20 ms, never idle as long as the timeout, never done.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const t = setInterval(() => res.write(' '), 20);
      timers.add(t);
      res.on('close', () => clearInterval(t));
    });
    api = await listenForKubeApi(server, { timeoutMs: 300 });
  });

  afterAll(async () => {
    for (const t of timers) clearInterval(t);
    api.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up on an answer not complete within the timeout, however steadily it trickles in (as kubectl --request-timeout)', async () => {
    const e = await api.get('/api/v1/pods').then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(KubeApiError);
    expect((e as KubeApiError).reason).toBe('Incomplete');
    expect((e as KubeApiError).message).toMatch(
      /^the answer of http:\/\/127\.0\.0\.1:\d+ to GET \/api\/v1\/pods was not complete within 0\.3 s \(\d+ bytes read\)$/,
    );
  });

  it('tells a request with no answer at all, and whether the server answers GET /version (any status)', async () => {
    await expect(api.get('/silent')).rejects.toMatchObject({
      reason: 'Timeout',
      message: expect.stringMatching(/^no answer from .* within 0\.3 s$/),
    });
    expect(await api.answers()).toBe(true);
  });
});
