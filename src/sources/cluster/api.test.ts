import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenForKubeApi } from '../../testing/loopback-kube-api.js';
import type { KubeApi } from './api.js';

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
