import type { DeclaredDependency } from './types.js';

/**
 * A package source URL without the credentials it may carry: `git+https://deploy:TOKEN@host/repo` is
 * `git+https://host/repo`. Lockfiles and manifests keep the URL the dependency was fetched from, and a
 * private registry or git host is often written with a user and token (or a token as the user); the
 * location goes into the SBOM (purl qualifiers, external references, SPDX downloadLocation) and findings,
 * where no part of a secret may appear. Only the userinfo of a `scheme://userinfo@host` authority is
 * dropped; the rest is kept byte for byte (no URL normalisation). An ssh URL keeps a user without a
 * password (`git+ssh://git@github.com/…`: the login name, not a secret), and forms that are no URL
 * (scp-like `git@host:org/repo`, `github:org/repo`, paths) are returned as they are.
 */
export function withoutUserinfo(location: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(location);
  if (!scheme) return location;
  const start = scheme[0].length;
  let end = location.length;
  for (let i = start; i < location.length; i++) {
    const c = location.charCodeAt(i);
    if (c === 0x2f || c === 0x3f || c === 0x23 || c === 0x5c) {
      end = i; // '/', '?', '#', '\' end the authority
      break;
    }
  }
  const at = location.lastIndexOf('@', end - 1);
  if (at < start) return location;
  const userinfo = location.slice(start, at);
  if (/ssh/i.test(scheme[0]) && !userinfo.includes(':')) return location;
  return location.slice(0, start) + location.slice(at + 1);
}

/** `scheme://userinfo@` anywhere in a text (the authority ends at `/`, `?`, `#`, `\\` or a blank). */
const USERINFO = /((?<![a-z0-9+.-])[0-9+.-]*[a-z][a-z0-9+.-]*:\/\/)([^/?#\\\s"']*)@/gi;
/** The same percent-encoded (`https%3A%2F%2Fuser%3Atoken%40host`, a yarn `__archiveUrl`). */
const ENCODED_USERINFO = /((?<![a-z0-9+.-])[0-9+.-]*[a-z][a-z0-9+.-]*%3a%2f%2f)((?:[^/?#\\\s"'%]|%(?!2f|3f|23)[0-9a-f]{2})*)%40/gi;

/**
 * `text` with the userinfo of every URL in it dropped (`withoutUserinfo`), wherever the URL starts: a
 * yarn descriptor (`pkg@https://user:token@host/pkg.tgz`, `pkg@git+https://…`), a pnpm key, a version
 * that is a URL. Returned as it is when it holds no `://`.
 */
export function withoutUrlUserinfo(text: string): string {
  let out = text;
  if (out.includes('://'))
    out = out.replace(USERINFO, (all: string, scheme: string, userinfo: string) =>
      /ssh/i.test(scheme) && !userinfo.includes(':') ? all : scheme,
    );
  if (/%3a%2f%2f/i.test(out))
    out = out.replace(ENCODED_USERINFO, (all: string, scheme: string, userinfo: string) =>
      /ssh/i.test(scheme) && !/%3a/i.test(userinfo) ? all : scheme,
    );
  return out;
}

/**
 * `text` without URL userinfo (`withoutUrlUserinfo`) and with Anaconda token path segments masked
 * (`https://conda.anaconda.org/t/<token>/channel/…` → `/t/…/`): what a problem message may quote.
 */
export function withoutUrlCredentials(text: string): string {
  const out = withoutUrlUserinfo(text);
  return out.includes('/t/') ? out.replace(/\/t\/[^/\s]+/g, '/t/…') : out;
}

/** Up to 80 characters of scanned text quoted in a problem message, its credentials removed before it is cut. */
export function quotedInProblem(text: string): string {
  return withoutUrlCredentials(text).slice(0, 80);
}

/**
 * The packages of a manifest with no URL userinfo in their names, versions, requirements, sources and
 * dependency keys (`withoutUrlUserinfo`): what every parser's result goes through, so that a
 * credential written where a parser did not expect a URL (a yarn Berry descriptor, a package-lock v1
 * version, a pnpm key) reaches no SBOM field, purl or report either.
 */
export function packagesWithoutUserinfo(packages: DeclaredDependency[]): void {
  for (const p of packages) {
    p.name = withoutUrlUserinfo(p.name);
    if (p.version !== undefined) p.version = withoutUrlUserinfo(p.version);
    if (p.requirement !== undefined) p.requirement = withoutUrlUserinfo(p.requirement);
    if (p.source) p.source.location = withoutUrlUserinfo(p.source.location);
    if (p.dependsOn) p.dependsOn = p.dependsOn.map(withoutUrlUserinfo);
  }
}
