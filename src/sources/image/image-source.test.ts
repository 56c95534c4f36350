import { describe, expect, it } from 'vitest';
import { imageIdentity, sha256 } from './image-source.js';

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
