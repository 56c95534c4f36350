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
