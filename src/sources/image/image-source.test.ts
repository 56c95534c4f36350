import { describe, expect, it } from 'vitest';
import { imageIdentity, parseImageConfig, parseManifest, sha256 } from './image-source.js';

const configBytes = Buffer.from('{"architecture":"amd64","os":"linux"}');
const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('imageIdentity', () => {
  it('is the canonical name, the same whether the image was pulled or read from an archive with that tag', () => {
    expect(imageIdentity({ name: 'acme/serve:1.0', configBytes })).toBe('docker.io/acme/serve:1.0');
    expect(imageIdentity({ name: 'docker.io/acme/serve:1.0', configBytes })).toBe('docker.io/acme/serve:1.0');
    expect(imageIdentity({ name: 'nginx', configBytes })).toBe('docker.io/library/nginx:latest');
    expect(imageIdentity({ name: 'ghcr.io/acme/serve:2', configBytes })).toBe('ghcr.io/acme/serve:2');
  });

  it('is the digest a pinned reference names, whatever tag it also gives', () => {
    expect(imageIdentity({ name: `ghcr.io/acme/serve:2@${DIGEST}`, configBytes })).toBe(`ghcr.io/acme/serve@${DIGEST}`);
  });

  it('is the config digest for an image without a name (or with one no registry would take)', () => {
    expect(imageIdentity({ configBytes })).toBe(sha256(configBytes));
    expect(imageIdentity({ name: 'Not A Name', configBytes })).toBe(sha256(configBytes));
  });
});

describe('parseImageConfig and parseManifest', () => {
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));

  it('drop the members Sanctum reads where their type is not the format’s, and keep every other member', () => {
    // Found by the fuzzer: a config whose Env was a string, history an object, diff_ids numbers threw TypeErrors out of scanImage.
    const config = parseImageConfig(
      json({
        architecture: 7,
        os: 'linux',
        created: '2026-01-01T00:00:00Z',
        config: { Env: 'PATH=/bin', User: 0, Cmd: ['a', 1], Entrypoint: null, Labels: { a: 'b' }, StopSignal: 'SIGTERM' },
        rootfs: { type: 'layers', diff_ids: [1, 2] },
        history: [{ created_by: 'RUN x', empty_layer: 'no' }, 'step', { created_by: { x: 1 } }],
      }),
      'config',
    );
    expect(config).toEqual({
      os: 'linux',
      created: '2026-01-01T00:00:00Z',
      config: { Entrypoint: null, Labels: { a: 'b' }, StopSignal: 'SIGTERM' },
      rootfs: { type: 'layers' },
      history: [{ created_by: 'RUN x' }, {}, {}],
    });
    expect(parseImageConfig(json({ history: { a: 1 }, config: 'x', rootfs: [] }), 'config')).toEqual({});
    expect(() => parseImageConfig(json([1]), 'c.json')).toThrow('c.json is not valid JSON: not a JSON object');
  });

  it('leave descriptors without a digest out of an index, and read a manifest with one such layer as one without layers', () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    expect(
      parseManifest(
        json({
          mediaType: 1,
          manifests: [{ digest }, { digest: 5 }, 'x', { digest, platform: { os: {}, architecture: 'amd64' }, annotations: { a: 1 } }],
        }),
        'index.json',
      ),
    ).toEqual({ manifests: [{ digest }, { digest, platform: { architecture: 'amd64' } }] });
    expect(parseManifest(json({ config: { digest }, layers: [{ digest }, { digest: null }] }), 'm')).toEqual({ config: { digest } });
  });
});
