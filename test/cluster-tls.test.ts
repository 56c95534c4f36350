import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { scanCluster } from '../src/scan-cluster.js';
import { ScanSetupError } from '../src/scan.js';
import { connect } from '../src/sources/cluster/kubeconfig.js';
import { FakeApiServer, type FakeKubeconfigOptions } from '../src/testing/fake-apiserver.js';

// The kubeconfig's TLS settings against a server that asks for client certificates (mutual TLS, as
// kube-apiserver's --client-ca-file): client-certificate-data/client-key-data, a CA that did not sign the
// server's certificate, and insecure-skip-tls-verify.

const privileged = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'root', namespace: 'llm', uid: 'uid-root' },
  spec: { containers: [{ name: 'c', image: 'registry.example.com/c:1.0', securityContext: { privileged: true } }] },
};

const noWait = { sleep: async () => undefined };

function capture(): { stream: NodeJS.WriteStream; text: () => string } {
  const s = new PassThrough();
  let out = '';
  s.on('data', (c: Buffer) => (out += c.toString()));
  return { stream: s as unknown as NodeJS.WriteStream, text: () => out };
}

describe('sanctum cluster: TLS settings of the kubeconfig, against a server that takes client certificates', () => {
  let srv: FakeApiServer;
  let dir: string;
  const kubeconfig = (name: string, opts: FakeKubeconfigOptions, token?: string): string => {
    const file = join(dir, name);
    writeFileSync(file, srv.kubeconfig(token, opts));
    return file;
  };
  beforeAll(async () => {
    srv = await new FakeApiServer({ objects: [privileged], clientCertificates: true }).start();
    dir = mkdtempSync(join(tmpdir(), 'sanctum-kc-tls-'));
  });
  afterAll(async () => {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('authenticates with client-certificate-data and client-key-data, no token', async () => {
    srv.requests.length = 0;
    const r = await scanCluster({ kubeconfig: kubeconfig('cert', { credentials: 'certificate' }), config: false, retry: noWait });
    expect(r.errors).toEqual([]);
    expect(r.findings.some((f) => f.status === 'fail' && f.location.resource?.name === 'root')).toBe(true);
    expect(srv.requests.length).toBeGreaterThan(10);
    expect(srv.requests.filter((q) => q.authenticatedBy !== 'certificate')).toEqual([]);
  });

  it('is refused (401) with a token the server does not know and no certificate, named clearly', async () => {
    const file = kubeconfig('bad-token', {}, 'not-a-token');
    await expect(scanCluster({ kubeconfig: file, config: false, retry: noWait })).rejects.toThrow(
      /cannot read the API of cluster 'fake' \(https:\/\/127\.0\.0\.1:\d+\): .*Unauthorized/,
    );
  });

  it('fails with a clear message naming the certificate problem when the kubeconfig trusts another CA', async () => {
    const other = await generate([{ name: 'commonName', value: 'another-ca' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      extensions: [{ name: 'basicConstraints', cA: true, critical: true }],
    });
    srv.requests.length = 0;
    const file = kubeconfig('wrong-ca', { credentials: 'certificate', caPem: other.cert });
    const scan = scanCluster({ kubeconfig: file, config: false, retry: noWait });
    await expect(scan).rejects.toThrow(ScanSetupError);
    await expect(scan).rejects.toThrow(/cannot read the API of cluster 'fake' \(https:\/\/127\.0\.0\.1:\d+\): cannot reach .*certificate/i);
    // Nothing was sent: the client stopped at the handshake.
    expect(srv.requests).toEqual([]);
    const err = capture();
    expect(await main(['node', 'sanctum', 'cluster', '--kubeconfig', file], { stdout: capture().stream, stderr: err.stream })).toBe(2);
    expect(err.text()).toMatch(/cannot read the API of cluster 'fake' .*certificate/i);
  });

  it('connects with insecure-skip-tls-verify, and warns about it', async () => {
    const file = kubeconfig('insecure', { credentials: 'certificate', insecureSkipTlsVerify: true });
    const notices: string[] = [];
    const r = await scanCluster({ kubeconfig: file, config: false, retry: noWait, onNotice: (m) => notices.push(m) });
    expect(r.errors).toEqual([]);
    expect(r.findings.some((f) => f.location.resource?.name === 'root')).toBe(true);
    expect(notices).toEqual([
      expect.stringMatching(/^context 'fake' sets insecure-skip-tls-verify: the API server's certificate is not verified/),
    ]);
    const err = capture();
    const code = await main(['node', 'sanctum', 'cluster', '--kubeconfig', file, '--format', 'json', '--fail-on', 'none'], {
      stdout: capture().stream,
      stderr: err.stream,
    });
    expect(code).toBe(0);
    expect(err.text()).toMatch(/^sanctum: warning: context 'fake' sets insecure-skip-tls-verify/m);
    const silenced = capture();
    const quietCode = await main(['node', 'sanctum', 'cluster', '--kubeconfig', file, '--format', 'json', '--fail-on', 'none', '--quiet'], {
      stdout: capture().stream,
      stderr: silenced.stream,
    });
    expect(quietCode).toBe(0);
    expect(silenced.text()).not.toContain('warning');
    // Verified connections say nothing of it.
    const quiet = capture();
    await main(['node', 'sanctum', 'cluster', '--kubeconfig', kubeconfig('verified', { credentials: 'certificate' }), '--format', 'json'], {
      stdout: capture().stream,
      stderr: quiet.stream,
    });
    expect(quiet.text()).not.toContain('insecure-skip-tls-verify');
  });

  it('warns about a server reached over plain http, whose bearer token travels unencrypted', async () => {
    const file = join(dir, 'plain-http');
    writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: plain',
        'clusters: [{name: plain, cluster: {server: "http://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: not-a-real-token}}]',
        'contexts: [{name: plain, context: {cluster: plain, user: u}}]',
        '',
      ].join('\n'),
    );
    expect(connect({ kubeconfig: file }).warnings).toEqual([
      expect.stringMatching(
        /^context 'plain' connects to http:\/\/127\.0\.0\.1:1 over plain http: credentials and objects travel unencrypted/,
      ),
    ]);
    // Said before the connection is tried (nothing listens there).
    const err = capture();
    expect(await main(['node', 'sanctum', 'cluster', '--kubeconfig', file], { stdout: capture().stream, stderr: err.stream })).toBe(2);
    expect(err.text()).toMatch(/^sanctum: warning: context 'plain' connects to http:\/\/127\.0\.0\.1:1 over plain http/m);
    expect(err.text()).not.toContain('not-a-real-token');
    // A verified https server gets none.
    expect(connect({ kubeconfig: kubeconfig('https', { credentials: 'certificate' }) }).warnings).toEqual([]);
  });
});
