import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakes } from '../../rules/secrets/lib/fakes.js';
import { scanImage } from '../../scan-image.js';
import { ociLayout } from '../../testing/images.js';
import { parseReference } from './reference.js';
import { challengeParams, dockerCredentials, pullImage } from './registry.js';

describe('image references', () => {
  it('applies Docker Hub defaults and reads registries, ports, tags and digests', () => {
    const d = 'sha256:' + 'a'.repeat(64);
    expect(parseReference('python')).toEqual({
      registry: 'registry-1.docker.io',
      authKey: 'docker.io',
      repository: 'library/python',
      tag: 'latest',
    });
    expect(parseReference('docker.io/acme/serve:1.4')).toMatchObject({ repository: 'acme/serve', tag: '1.4' });
    expect(parseReference('localhost:5000/a/b@' + d)).toEqual({
      registry: 'localhost:5000',
      authKey: 'localhost:5000',
      repository: 'a/b',
      digest: d,
    });
    expect(parseReference('ghcr.io/org/img:2@' + d)).toMatchObject({ registry: 'ghcr.io', tag: '2', digest: d });
    expect(() => parseReference('Bad/UPPER')).toThrow(/not an image reference/);
    expect(() => parseReference('a@sha256:12')).toThrow(/digest/);
  });

  it('parses bearer challenges', () => {
    expect(challengeParams('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull"')).toEqual({
      realm: 'https://auth.example/token',
      service: 'registry.example',
      scope: 'repository:a:pull',
    });
  });

  it('reads credentials from the Docker config file (auth, username/password)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanctum-docker-config-'));
    try {
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({
          auths: {
            'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw:with:colons').toString('base64') },
            'ghcr.io': { username: 'u', password: 'p' },
          },
        }),
      );
      expect(dockerCredentials(parseReference('python'), dir)).toEqual({ username: 'hub', password: 'pw:with:colons' });
      expect(dockerCredentials(parseReference('ghcr.io/a/b'), dir)).toEqual({ username: 'u', password: 'p' });
      expect(dockerCredentials(parseReference('quay.io/a/b'), dir)).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * A registry speaking the distribution API over an OCI layout on disk, with bearer-token or basic
 * authentication, on 127.0.0.1 port 0: the client's auth flows against real HTTP.
 */
function serveLayout(layout: string, auth: 'bearer' | 'basic', user: string, password: string): Server {
  const basic = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  const token = 'tok-' + Math.random().toString(36).slice(2);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const host = req.headers.host;
    if (url.pathname === '/token') {
      if (req.headers.authorization !== basic || url.searchParams.get('scope') !== 'repository:acme/private:pull') {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token }));
      return;
    }
    const ok = auth === 'bearer' ? req.headers.authorization === `Bearer ${token}` : req.headers.authorization === basic;
    if (!ok) {
      const challenge = auth === 'bearer' ? `Bearer realm="http://${host}/token",service="test-registry"` : 'Basic realm="test"';
      res.writeHead(401, { 'www-authenticate': challenge }).end();
      return;
    }
    const m = /^\/v2\/acme\/private\/(manifests|blobs)\/(.+)$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
    const digest = m[1] === 'manifests' && !m[2].startsWith('sha256:') ? index.manifests[0].digest : m[2];
    let body: Buffer;
    try {
      body = readFileSync(join(layout, 'blobs/sha256', digest.slice(7)));
    } catch {
      res.writeHead(404).end();
      return;
    }
    const type = m[1] === 'manifests' ? 'application/vnd.oci.image.manifest.v1+json' : 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'docker-content-digest': digest }).end(body);
  });
  return server;
}

describe('registry pull with authentication', () => {
  let dir: string;
  let layout: string;
  const servers: Server[] = [];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-registry-auth-'));
    layout = join(dir, 'layout');
    await ociLayout(layout, [
      { config: { User: 'app' }, layers: [{ entries: [{ name: 'etc/app.env', content: `HF_TOKEN=${fakes.huggingface('auth')}\n` }] }] },
    ]);
  });
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  async function listen(server: Server): Promise<string> {
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  function dockerConfig(host: string, user: string, password: string): string {
    const d = join(dir, `docker-${host.replace(/\W/g, '_')}-${user}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(
      join(d, 'config.json'),
      JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }),
    );
    return d;
  }

  for (const auth of ['bearer', 'basic'] as const) {
    it(`pulls with ${auth} authentication from the Docker config file`, async () => {
      const host = await listen(serveLayout(layout, auth, 'alice', 's3cret'));
      const ref = `${host}/acme/private:1`;
      const result = await scanImage({
        images: [ref],
        insecureRegistries: [host],
        dockerConfigDir: dockerConfig(host, 'alice', 's3cret'),
        config: false,
      });
      expect(result.errors).toEqual([]);
      expect(result.findings.some((f) => f.location.path === '/etc/app.env' && f.location.image?.ref === ref)).toBe(true);
      const denied = await scanImage({
        images: [ref],
        insecureRegistries: [host],
        dockerConfigDir: dockerConfig(host, 'alice', 'wrong'),
        config: false,
      });
      expect(denied.errors).toHaveLength(1);
      expect(denied.errors[0].message).toMatch(auth === 'bearer' ? /token service .* refused \(HTTP 401\)/ : /access denied/);
    });
  }
});

describe('pullImage', () => {
  it('refuses a manifest that lists more layers than any runtime stacks, before it asks for the config (found by review)', async () => {
    const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${'a'.repeat(64)}`, size: 10 };
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'b'.repeat(64)}`, size: 2 },
      layers: Array.from({ length: 10_001 }, () => layer),
    });
    const asked: string[] = [];
    const fetch = async (url: string | URL | Request): Promise<Response> => {
      asked.push(new URL(String(url)).pathname);
      return new Response(manifest, { headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    };
    await expect(pullImage('registry.example/acme/model:1', { fetch })).rejects.toThrow(
      'registry.example/acme/model:1: the manifest lists 10001 layers, more than 10000; the image is not read',
    );
    expect(asked).toEqual(['/v2/acme/model/manifests/1']);
  });
});
