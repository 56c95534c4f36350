import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { CredentialHelperError, runCredentialHelper, type Credentials } from './credential-helper.js';
import { ImageFormatError, MAX_METADATA_BYTES } from './blob-store.js';
import { pickPlatform } from './image-archive.js';
import {
  layerCommands,
  MAX_IMAGE_LAYERS,
  parseImageConfig,
  parseJson,
  parseManifest,
  sha256,
  type ImageDescription,
  type Manifest,
  type Platform,
} from './image-source.js';
import { formatReference, parseReference, type ImageReference } from './reference.js';
import { describeSystemError } from '../../core/system-error.js';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];
const INDEX_TYPES = new Set([MANIFEST_TYPES[0], MANIFEST_TYPES[2]]);

export interface RegistryOptions {
  platform?: Platform;
  /** Registries (`host[:port]`) reached over plain HTTP. */
  insecureRegistries?: readonly string[];
  /** Directory of the Docker config file (default: `$DOCKER_CONFIG`, else `~/.docker`). */
  dockerConfigDir?: string;
  /** For tests: the fetch to use. */
  fetch?: typeof fetch;
  /** Milliseconds a request may wait for an answer (not for a layer's body). */
  timeoutMs?: number;
}

export class RegistryError extends Error {}

/**
 * Reads an image from a registry with the OCI distribution API: manifest (an index is resolved to
 * the requested platform), config, and layers as streams. Anonymous access, bearer tokens (the
 * registry's token service, with the Docker config file's credentials when it has some) and basic
 * authentication are supported; credentials come from the Docker config file or its credential helpers.
 */
export async function pullImage(ref: string, opts: RegistryOptions = {}): Promise<ImageDescription> {
  const parsed = parseReference(ref);
  const client = new RegistryClient(parsed, opts);
  const wanted = parsed.digest ?? parsed.tag ?? 'latest';
  let { manifest, digest, bytes } = await client.manifest(wanted);
  if (parsed.digest && sha256(bytes) !== parsed.digest) throw new RegistryError(`manifest of ${ref} does not match the digest asked for`);
  for (let depth = 0; INDEX_TYPES.has(manifest.mediaType ?? '') || (manifest.manifests && !manifest.layers); depth++) {
    if (depth > 3) throw new RegistryError('indexes nested more than 3 deep');
    const candidates = (manifest.manifests ?? []).filter((d) => d.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest');
    if (candidates.length === 0) throw new RegistryError(`${ref}: the index lists no image`);
    const chosen = pickPlatform(candidates, opts.platform);
    ({ manifest, digest, bytes } = await client.manifest(chosen.digest));
    if (sha256(bytes) !== chosen.digest) throw new RegistryError(`manifest ${chosen.digest} does not match its digest`);
  }
  if (!manifest.config?.digest || !Array.isArray(manifest.layers)) throw new RegistryError(`${ref}: the manifest has no config or layers`);
  if (manifest.layers.length > MAX_IMAGE_LAYERS)
    throw new RegistryError(
      `${ref}: the manifest lists ${manifest.layers.length} layers, more than ${MAX_IMAGE_LAYERS}; the image is not read`,
    );
  const configBytes = await client.blobBytes(manifest.config.digest);
  if (sha256(configBytes) !== manifest.config.digest) throw new RegistryError(`config ${manifest.config.digest} does not match its digest`);
  const config = parseImageConfig(configBytes, 'config');
  const commands = layerCommands(config);
  return {
    ref,
    name: ref,
    digest,
    configBytes,
    config,
    warnings: [],
    layers: manifest.layers.map((layer, index) => ({
      index,
      digest: layer.digest,
      diffId: config.rootfs?.diff_ids?.[index],
      mediaType: layer.mediaType,
      createdBy: commands[index],
      open: () => client.blobStream(layer.digest),
    })),
  };
}

class RegistryClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;
  /** Looked up at the first challenge: a registry that asks for no login never runs a credential helper. */
  private credentials: Credentials | undefined | null = null;
  private authorization: string | undefined;

  constructor(
    private readonly ref: ImageReference,
    private readonly opts: RegistryOptions,
  ) {
    const insecure = (opts.insecureRegistries ?? []).includes(ref.registry) || (opts.insecureRegistries ?? []).includes(ref.authKey);
    this.base = `${insecure ? 'http' : 'https'}://${ref.registry}/v2/${ref.repository}`;
    this.fetch = opts.fetch ?? fetch;
  }

  async manifest(reference: string): Promise<{ manifest: Manifest; digest: string; bytes: Buffer }> {
    const res = await this.request(`${this.base}/manifests/${reference}`, { accept: MANIFEST_TYPES.join(', ') });
    const bytes = await bounded(res, `manifest ${reference}`);
    const manifest = parseManifest(bytes, `manifest of ${formatReference(this.ref)}`);
    if (!manifest.mediaType) manifest.mediaType = res.headers.get('content-type')?.split(';')[0];
    return { manifest, digest: sha256(bytes), bytes };
  }

  async blobBytes(digest: string): Promise<Buffer> {
    return bounded(await this.request(`${this.base}/blobs/${digest}`), `blob ${digest}`);
  }

  async blobStream(digest: string): Promise<Readable> {
    const res = await this.request(`${this.base}/blobs/${digest}`);
    if (!res.body) throw new RegistryError(`blob ${digest}: empty response`);
    return Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>);
  }

  private async request(url: string, headers: Record<string, string> = {}, retried = false): Promise<Response> {
    let res: Response;
    try {
      res = await this.fetch(url, {
        headers: { ...headers, ...(this.authorization ? { authorization: this.authorization } : {}) },
        redirect: 'follow',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new RegistryError(`cannot reach ${new URL(url).host}: ${describeSystemError(cause ?? e)}`);
    }
    if (res.status === 401 && !retried) {
      const challenge = res.headers.get('www-authenticate') ?? '';
      await res.body?.cancel();
      this.authorization = await this.authorize(challenge);
      return this.request(url, headers, true);
    }
    if (!res.ok) {
      await res.body?.cancel();
      const what =
        res.status === 404
          ? 'not found'
          : res.status === 401 || res.status === 403
            ? 'access denied (check the Docker config file credentials)'
            : `HTTP ${res.status}`;
      throw new RegistryError(`${formatReference(this.ref)}: ${new URL(url).pathname.split('/').slice(-2).join('/')}: ${what}`);
    }
    return res;
  }

  /** Answers a `WWW-Authenticate` challenge: a bearer token from the realm, or basic credentials. */
  private async authorize(challenge: string): Promise<string> {
    const scheme = challenge.split(' ')[0].toLowerCase();
    if (this.credentials === null) {
      try {
        this.credentials = dockerCredentials(this.ref, this.opts.dockerConfigDir);
      } catch (e) {
        if (e instanceof CredentialHelperError) throw new RegistryError(`${this.ref.authKey}: ${e.message}`);
        throw e;
      }
    }
    const c = this.credentials;
    const basic = c?.username !== undefined ? `Basic ${Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64')}` : undefined;
    if (scheme === 'basic') {
      if (!basic) throw new RegistryError(`${this.ref.authKey} wants a login and the Docker config file has none for it`);
      return basic;
    }
    if (scheme !== 'bearer') throw new RegistryError(`${this.ref.authKey}: unsupported authentication '${scheme}'`);
    const params = challengeParams(challenge);
    if (!params.realm) throw new RegistryError(`${this.ref.authKey}: bearer challenge without a realm`);
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? `repository:${this.ref.repository}:pull`);
    let res: Response;
    try {
      if (c?.identityToken) {
        const body = new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: c.identityToken,
          service: params.service ?? '',
          scope: realm.searchParams.get('scope')!,
        });
        res = await this.fetch(params.realm, { method: 'POST', body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000) });
      } else {
        res = await this.fetch(realm, {
          headers: basic ? { authorization: basic } : {},
          signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
        });
      }
    } catch (e) {
      throw new RegistryError(`cannot reach the token service ${realm.host}: ${(e as Error).message}`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new RegistryError(`token service ${realm.host} refused (HTTP ${res.status})`);
    }
    const body = parseJson<{ token?: string; access_token?: string }>(await bounded(res, 'token'), 'token response');
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError(`token service ${realm.host} returned no token`);
    return `Bearer ${token}`;
  }
}

async function bounded(res: Response, what: string): Promise<Buffer> {
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_METADATA_BYTES) {
    await res.body?.cancel();
    throw new ImageFormatError(`${what} is ${length} bytes, too large for image metadata`);
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_METADATA_BYTES) throw new ImageFormatError(`${what} is too large for image metadata`);
  return bytes;
}

/** `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="…"`. */
export function challengeParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-zA-Z_]+)="([^"]*)"/g;
  for (let m = re.exec(header); m; m = re.exec(header)) out[m[1].toLowerCase()] = m[2];
  return out;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/**
 * Credentials for the registry from the Docker config file, looked up as Docker does: the
 * registry's own helper (`credHelpers`), then an `auths` entry with credentials in it, then the
 * default helper (`credsStore`). Helpers run by `runCredentialHelper` (argument vector, bounded); one
 * that fails is a `CredentialHelperError`.
 */
export function dockerCredentials(ref: ImageReference, dir?: string): Credentials | undefined {
  const configDir = dir ?? process.env.DOCKER_CONFIG ?? join(homedir(), '.docker');
  const file = join(configDir, 'config.json');
  if (!existsSync(file)) return undefined;
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
    if (config === null || typeof config !== 'object') return undefined;
  } catch {
    return undefined;
  }
  const hub = ref.authKey === 'docker.io';
  // The server address Docker hands helpers and writes in `auths` for Docker Hub.
  const server = hub ? 'https://index.docker.io/v1/' : ref.authKey;
  const keys = hub
    ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io']
    : [ref.authKey, `https://${ref.authKey}`, `http://${ref.authKey}`];
  const helpers = typeof config.credHelpers === 'object' && config.credHelpers ? config.credHelpers : {};
  const own = keys.map((k) => helpers[k]).find((h) => typeof h === 'string' && h !== '');
  if (own) return runCredentialHelper(own, server);
  const auths = typeof config.auths === 'object' && config.auths ? config.auths : {};
  for (const key of keys) {
    const entry = auths[key] ?? auths[`${key}/`];
    if (!entry) continue;
    if (entry.identitytoken) return { identityToken: entry.identitytoken };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon !== -1) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username !== undefined) return { username: entry.username, password: entry.password };
  }
  if (typeof config.credsStore === 'string' && config.credsStore !== '') return runCredentialHelper(config.credsStore, server);
  return undefined;
}
