import http from 'node:http';
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
