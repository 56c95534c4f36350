import type { CelFunc } from '@bufbuild/cel';
import { parses, tagged, taggedFunctions, textOf } from './cel-tagged.js';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Kubernetes' CEL URL library, as the API server offers it to ValidatingAdmissionPolicy: `url()`,
 * `isURL()`, and `getScheme()`, `getHost()`, `getHostname()`, `getPort()`, `getEscapedPath()`,
 * `getQuery()` of a URL, e.g. `url(object.spec.endpoint).getScheme() == 'https'`. As there (Go's
 * `url.ParseRequestURI`), a URL is an absolute URI or an absolute path, and a `#` is no fragment.
 */

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*$/;

export class UrlError extends Error {}

export interface ParsedUrl {
  scheme: string;
  /** Host and port as written (`example.com:8443`, `[::1]:80`). */
  host: string;
  path: string;
  query: string;
}

/** Parses a URL as the Kubernetes library does; throws UrlError for a relative reference or a malformed one. */
export function parseUrl(text: string): ParsedUrl {
  // Control characters are never part of a URL (a space is escaped in a path, refused in a host).
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new UrlError(`'${text}' is not a valid URL: it holds a control character`);
  }
  if (text.startsWith('/')) return splitPathQuery('', '', text);
  const colon = text.indexOf(':');
  if (colon <= 0 || !SCHEME.test(text.slice(0, colon)))
    throw new UrlError(`'${text}' is not a valid URL: it is neither an absolute URI nor an absolute path`);
  const scheme = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (!rest.startsWith('//')) return splitPathQuery(scheme, '', rest);
  let end = rest.length;
  for (const stop of ['/', '?']) {
    const i = rest.indexOf(stop, 2);
    if (i !== -1 && i < end) end = i;
  }
  const authority = rest.slice(2, end);
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (host.includes(' ')) throw new UrlError(`'${text}' is not a valid URL: a space in the host`);
  if (host.startsWith('[') && !/^\[[0-9A-Fa-f:.]+(%[^\]]+)?\](:\d*)?$/.test(host))
    throw new UrlError(`'${text}' is not a valid URL: malformed IPv6 host`);
  if (!host.startsWith('[') && host.split(':').length > 2) throw new UrlError(`'${text}' is not a valid URL: too many colons in the host`);
  const port = hostPort(host);
  if (port !== '' && !/^\d+$/.test(port)) throw new UrlError(`'${text}' is not a valid URL: invalid port '${port}'`);
  return splitPathQuery(scheme, host, rest.slice(end));
}

function splitPathQuery(scheme: string, host: string, rest: string): ParsedUrl {
  const q = rest.indexOf('?');
  return { scheme, host, path: q === -1 ? rest : rest.slice(0, q), query: q === -1 ? '' : rest.slice(q + 1) };
}

function hostPort(host: string): string {
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  return colon > close ? host.slice(colon + 1) : '';
}

function hostName(host: string): string {
  const close = host.lastIndexOf(']');
  const colon = host.lastIndexOf(':');
  const name = colon > close ? host.slice(0, colon) : host;
  return name.startsWith('[') ? name.slice(1, name.lastIndexOf(']')) : name;
}

function escapedPath(path: string): string {
  try {
    return encodeURI(decodeURI(path));
  } catch {
    return path;
  }
}

function decodeQueryPart(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

function queryMap(query: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeQueryPart(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : decodeQueryPart(part.slice(eq + 1));
    const list = out.get(key);
    if (list) list.push(value);
    else out.set(key, [value]);
  }
  return out;
}

/** The CEL functions of the library, made with the CEL library given (loaded lazily by the caller). */
export function urlFunctions(cel: CelLibrary): CelFunc[] {
  const { celFunc, CelScalar, mapType, listType } = cel;
  const t = taggedFunctions(cel);
  const unwrap = (u: unknown): ParsedUrl => parseUrl(textOf(u, 'url', 'url()'));
  const getter = (name: string, part: (u: ParsedUrl) => string): CelFunc =>
    t.method('url', name, [], CelScalar.STRING, function () {
      return part(unwrap(this));
    });
  return [
    celFunc('url', [CelScalar.STRING], CelScalar.DYN, (s: string) => {
      parseUrl(s);
      return tagged('url', s);
    }),
    celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, parses(parseUrl)),
    getter('getScheme', (u) => u.scheme),
    getter('getHost', (u) => u.host),
    getter('getHostname', (u) => hostName(u.host)),
    getter('getPort', (u) => hostPort(u.host)),
    getter('getEscapedPath', (u) => escapedPath(u.path)),
    t.method('url', 'getQuery', [], mapType(CelScalar.STRING, listType(CelScalar.STRING)), function () {
      return queryMap(unwrap(this).query);
    }),
  ];
}
