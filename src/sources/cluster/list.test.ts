import http from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenForKubeApi } from '../../testing/loopback-kube-api.js';
import { type KubeApi, KubeApiError } from './api.js';
import type { ResourceType } from './kinds.js';
import { listPages, type RawObject } from './list.js';

const deployments: ResourceType = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true };

/** Two pages of deployments; the second holds an item whose JSON is broken. */
const PAGES: Record<string, string> = {
  '': '{"kind":"DeploymentList","metadata":{"continue":"p2"},"items":[{"metadata":{"name":"a","uid":"1"}},{"metadata":{"name":"b","uid":"2"}}]}',
  bad: '{"kind":"DeploymentList","metadata":{},"items":[{"metadata":{"name":"f","uid":"6"}},"g",null,["h"],7]}',
  p2: '{"kind":"DeploymentList","metadata":{},"items":[{"metadata":{"name":"c","uid":"3"}},{"metadata":{"name":"d",}},{"metadata":{"name":"e","uid":"5"}}]}',
};

describe('listPages', () => {
  let server: http.Server;
  let api: KubeApi;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('continue') ?? '';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(PAGES[token]);
    });
    api = await listenForKubeApi(server);
  });

  afterAll(async () => {
    api.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('yields the pages before an answer that is not JSON, then fails with a BadResponse error', async () => {
    const names: unknown[] = [];
    let error: unknown;
    try {
      for await (const page of listPages(api, deployments, undefined, 2))
        for (const item of page) names.push((item.metadata as RawObject).name);
    } catch (e) {
      error = e;
    }
    expect(names).toEqual(['a', 'b']);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).reason).toBe('BadResponse');
    expect((error as KubeApiError).message).toBe('/apis/apps/v1/deployments answered with something that is not JSON');
  });

  it('leaves out items that are not objects, and says how many', async () => {
    const names: unknown[] = [];
    const left: number[] = [];
    const first = api.getBody('/apis/apps/v1/deployments', { continue: 'bad' });
    for await (const page of listPages(api, deployments, undefined, 2, {}, first, (n) => left.push(n)))
      for (const item of page) names.push((item.metadata as RawObject).name);
    expect(names).toEqual(['f']);
    expect(left).toEqual([4]);
  });
});

describe('listPages over kept-alive connections the server closed', () => {
  let server: http.Server;
  let api: KubeApi;
  const sockets = new Set<Socket>();
  /** Connections the server has closed (at its idle timeout): each is destroyed when the next request arrives on it. */
  const stale = new WeakSet<Socket>();
  let connections = 0;
  let destroyed = 0;
  const items = Array.from({ length: 7 }, (_, i) => ({ metadata: { name: `d${i}`, uid: String(i) } }));

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (stale.has(req.socket)) {
        destroyed++;
        req.socket.destroy();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://x');
      const start = Number(url.searchParams.get('continue') ?? 0);
      const limit = Number(url.searchParams.get('limit'));
      const next = start + limit < items.length ? String(start + limit) : undefined;
      const body = { kind: 'DeploymentList', metadata: next ? { continue: next } : {}, items: items.slice(start, start + limit) };
      // Slow enough that the GETs sent together each take a connection of their own.
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      }, 20);
    });
    server.on('connection', (s: Socket) => {
      connections++;
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    api = await listenForKubeApi(server);
  });

  afterAll(async () => {
    api.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads every object when the request meets several stale connections in a row', async () => {
    // Three GETs at once leave three kept-alive connections idle.
    await Promise.all([0, 1, 2].map(() => api.get('/apis/apps/v1/deployments', { limit: 1 })));
    expect(sockets.size).toBe(3);
    expect(connections).toBe(3);
    // The server closes all of them; the client has not seen it yet.
    for (const s of sockets) stale.add(s);
    const names: unknown[] = [];
    for await (const page of listPages(api, deployments, undefined, 3))
      for (const item of page) names.push((item.metadata as RawObject).name);
    expect(names).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    // The first page met the three stale connections one after the other, then went out on a new one.
    expect(destroyed).toBe(3);
    expect(connections).toBe(4);
  });
});

describe('listPages of Secrets (a Table of metadata)', () => {
  const secrets: ResourceType = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true };
  const columns = [{ name: 'Name' }, { name: 'Type' }, { name: 'Data' }, { name: 'Age' }];
  const row = (name: string, type: string) => ({
    cells: [name, type, 1, '3d'],
    object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name, namespace: 'llm', uid: name } },
  });
  /** The second page names no columns (the first page's stand) and holds a row without its object. */
  const TABLES: Record<string, unknown> = {
    '': { kind: 'Table', metadata: { continue: 't2' }, columnDefinitions: columns, rows: [row('a', 'Opaque')] },
    t2: { kind: 'Table', metadata: {}, rows: [row('b', 'kubernetes.io/dockerconfigjson'), { cells: ['c', 'Opaque', 1, '1d'] }] },
  };
  let server: http.Server;
  let api: KubeApi;
  const accepts: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      accepts.push(req.headers.accept ?? '');
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('continue') ?? '';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(TABLES[token]));
    });
    api = await listenForKubeApi(server);
  });

  afterAll(async () => {
    api.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("makes each row an object of its metadata and printed type, with the first page's columns", async () => {
    const items: RawObject[] = [];
    const left: number[] = [];
    for await (const page of listPages(api, secrets, 'llm', 1, {}, undefined, (n) => left.push(n))) items.push(...page);
    expect(items).toEqual([
      { metadata: { name: 'a', namespace: 'llm', uid: 'a' }, type: 'Opaque' },
      { metadata: { name: 'b', namespace: 'llm', uid: 'b' }, type: 'kubernetes.io/dockerconfigjson' },
    ]);
    expect(left).toEqual([1]);
    expect(new Set(accepts)).toEqual(new Set(['application/json;as=Table;v=v1;g=meta.k8s.io,application/json']));
  });
});
