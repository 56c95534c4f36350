import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { createLocalJWKSet, createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { LoadedGatewayConfig } from './config.js';
import { GatewayConfigError } from './config.js';
import { GatewayError } from './errors.js';
import { KEY_PREFIX, type KeyRing, type Principal } from './keys.js';
import { jsonErrorMessage } from '../core/printable.js';
import { describeSystemError } from '../core/system-error.js';

export type AuthMethod = 'key' | 'client-certificate' | 'jwt';

export interface Caller {
  principal: Principal;
  method: AuthMethod;
}

const unauthorized = (message: string, code = 'invalid_api_key'): GatewayError =>
  new GatewayError(401, 'invalid_request_error', code, message, null, { 'www-authenticate': 'Bearer' });

/** Verifies OIDC JWTs of service callers against a JWKS (a file, or a URL fetched and cached by jose). */
export class JwtVerifier {
  private readonly keys: JWTVerifyGetKey;

  constructor(private readonly settings: NonNullable<LoadedGatewayConfig['jwt']>) {
    if (settings.jwksFile) {
      let text: string;
      try {
        text = readFileSync(settings.jwksFile, 'utf8');
      } catch (e) {
        throw new GatewayConfigError(`jwt.jwksFile ${settings.jwksFile}: ${describeSystemError(e)}`);
      }
      let jwks;
      try {
        jwks = JSON.parse(text);
      } catch (e) {
        // Without the text V8 quotes from the file: a broken key file may hold private key material.
        throw new GatewayConfigError(`jwt.jwksFile ${settings.jwksFile}: ${jsonErrorMessage(e)}`);
      }
      try {
        this.keys = createLocalJWKSet(jwks);
      } catch (e) {
        throw new GatewayConfigError(`jwt.jwksFile ${settings.jwksFile}: not a JSON Web Key Set: ${(e as Error).message}`);
      }
    } else {
      this.keys = createRemoteJWKSet(new URL(settings.jwksURL!), { timeoutDuration: 5000, cooldownDuration: 30_000 });
    }
  }

  /** The token's `sub`, or a 401 saying why the token was refused (never the token). */
  async subject(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: this.settings.algorithms,
      });
      if (typeof payload.sub !== 'string' || !payload.sub) throw unauthorized('the token has no subject (sub)', 'invalid_token');
      return payload.sub;
    } catch (e) {
      if (e instanceof GatewayError) throw e;
      const reason = e instanceof joseErrors.JOSEError ? e.code : 'unverifiable';
      throw unauthorized(`the token was refused (${reason})`, 'invalid_token');
    }
  }
}

const looksLikeJwt = (token: string): boolean => !token.startsWith(KEY_PREFIX) && /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

/**
 * Who is calling: a virtual key (`Authorization: Bearer sk-…`), an OIDC JWT (`Authorization: Bearer
 * eyJ…`, when `jwt` is configured), or else a client certificate verified against `tls.clientCA`.
 */
export function authenticate(
  authorization: string | undefined,
  socket: unknown,
  keys: KeyRing,
  jwt: JwtVerifier | undefined,
): Caller | Promise<Caller> {
  if (authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) throw unauthorized('the Authorization header must be "Bearer <key>"');
    const token = m[1];
    if (jwt && looksLikeJwt(token))
      return jwt.subject(token).then((sub) => ({ principal: known(keys.byJwt(sub), 'token subject'), method: 'jwt' }));
    return { principal: known(keys.byKey(token), 'API key'), method: 'key' };
  }
  const tls = socket as Partial<TLSSocket>;
  if (tls.encrypted && tls.authorized && typeof tls.getPeerCertificate === 'function') {
    const cn = tls.getPeerCertificate().subject?.CN;
    const subject = Array.isArray(cn) ? cn[0] : cn;
    if (subject) return { principal: known(keys.byCertificate(subject), 'client certificate'), method: 'client-certificate' };
  }
  throw unauthorized('no API key: send "Authorization: Bearer <key>"', 'missing_api_key');
}

function known(p: Principal | undefined, what: string): Principal {
  if (!p) throw unauthorized(`unknown ${what}`);
  if (p.revoked) {
    const e = unauthorized(`this ${what} was revoked`, 'revoked_api_key');
    e.keyName = p.name;
    throw e;
  }
  return p;
}
