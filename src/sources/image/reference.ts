import { ImageFormatError } from './blob-store.js';

/** `[registry/]repository[:tag][@digest]`, with Docker Hub's defaults applied. */
export interface ImageReference {
  /** Host (and port) of the registry API: `registry-1.docker.io` for Docker Hub. */
  registry: string;
  /** The registry as users and the Docker config file name it (`docker.io`, `ghcr.io`, `localhost:5000`). */
  authKey: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = 'registry-1.docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Parses an image reference as `docker pull` reads it. */
export function parseReference(ref: string): ImageReference {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new ImageFormatError(`'${ref}': the digest must be sha256:<64 hex digits>`);
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) throw new ImageFormatError(`'${ref}': invalid tag '${tag}'`);
  }
  const parts = rest.split('/');
  let host: string | undefined;
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) host = parts.shift();
  if (parts.length === 0 || !parts.every((p) => COMPONENT.test(p))) throw new ImageFormatError(`'${ref}' is not an image reference`);
  const isHub = host === undefined || host === 'docker.io' || host === 'index.docker.io';
  const repository = isHub && parts.length === 1 ? `library/${parts[0]}` : parts.join('/');
  return {
    registry: isHub ? DOCKER_HUB : host!,
    authKey: isHub ? 'docker.io' : host!,
    repository,
    ...(tag || !digest ? { tag: tag ?? 'latest' } : {}),
    ...(digest ? { digest } : {}),
  };
}

export function formatReference(r: ImageReference): string {
  const host = r.authKey === 'docker.io' ? 'docker.io' : r.registry;
  return `${host}/${r.repository}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
