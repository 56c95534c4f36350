import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeApi, type KubeApiOptions } from '../sources/cluster/api.js';
import { KubeConfig } from '../sources/cluster/kube-client.js';

/** Starts a plain-HTTP test server on loopback and gives a `KubeApi` whose cluster it is (no credentials). */
export async function listenForKubeApi(server: http.Server, opts: KubeApiOptions = {}): Promise<KubeApi> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new KubeApi(kc, opts);
}
