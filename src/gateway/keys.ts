import { hash, randomBytes } from 'node:crypto';
import type { BudgetLimits, KeyConfig, LoadedGatewayConfig } from './config.js';

/** Virtual keys start with this, so that secret scanners (Sanctum's own included) recognise a leaked one. */
export const KEY_PREFIX = 'sk-sanctum-';

/** The lowercase hex SHA-256 of a key: what the configuration stores. */
export const hashKey = (key: string): string => hash('sha256', key, 'hex');

/** A new random virtual key (256 bits). */
export const generateKey = (): string => KEY_PREFIX + randomBytes(32).toString('base64url');

/** Who is calling: one entry of `keys`, with what it may use. */
export interface Principal {
  readonly name: string;
  readonly team?: string;
  readonly revoked: boolean;
  /** Undefined: every model. */
  readonly models?: ReadonlySet<string>;
  readonly budget: BudgetLimits;
  readonly guardrails?: unknown;
}

const principalOf = (k: KeyConfig): Principal => ({
  name: k.name,
  team: k.team,
  revoked: k.revoked === true,
  models: k.models.includes('*') ? undefined : new Set(k.models),
  budget: {
    requestsPerMinute: k.requestsPerMinute,
    requestsPerDay: k.requestsPerDay,
    tokensPerMinute: k.tokensPerMinute,
    tokensPerDay: k.tokensPerDay,
  },
  guardrails: k.guardrails,
});

/** The keys of one configuration, indexed once: a request costs one hash and one map lookup. */
export class KeyRing {
  private readonly byHash = new Map<string, Principal>();
  private readonly byCertSubject = new Map<string, Principal>();
  private readonly byJwtSubject = new Map<string, Principal>();

  constructor(config: Pick<LoadedGatewayConfig, 'keys'>) {
    for (const k of config.keys) {
      const p = principalOf(k);
      if (k.sha256) this.byHash.set(k.sha256, p);
      if (k.clientCertSubject) this.byCertSubject.set(k.clientCertSubject, p);
      if (k.jwtSubject) this.byJwtSubject.set(k.jwtSubject, p);
    }
  }

  byKey(key: string): Principal | undefined {
    return this.byHash.get(hashKey(key));
  }

  byCertificate(subjectCN: string): Principal | undefined {
    return this.byCertSubject.get(subjectCN);
  }

  byJwt(subject: string): Principal | undefined {
    return this.byJwtSubject.get(subject);
  }
}

export const mayUse = (p: Principal, model: string): boolean => p.models === undefined || p.models.has(model);
