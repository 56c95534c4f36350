import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as yamlModule from 'yaml';
import { isMap, isSeq, LineCounter, type Document } from 'yaml';
import { parseBoundedYamlDocument, YamlTooDeep } from '../core/bounded-yaml.js';
import { DEFAULT_LIMITS } from '../core/parser.js';
import type { z as Zod } from 'zod';
import { configProblems, inWords, keyPath } from '../core/config-issues.js';
import { guardrailOverrideSchema, guardrailSettingsSchema } from './guardrails/index.js';
import { describeSystemError, shownPath } from '../core/system-error.js';
import { zod } from '../core/zod.js';

// zod loads with this module, which only the commands that need it import (not start-up).
const { z } = zod();

/** A configuration file that cannot be used: the message names the file, the line and the key. */
export class GatewayConfigError extends Error {}

const positiveInt = z.number().int().positive();

/** Request and token budgets; a missing one is unlimited. Windows are fixed: the UTC minute and the UTC day. */
const budgetFields = {
  requestsPerMinute: positiveInt.optional(),
  requestsPerDay: positiveInt.optional(),
  tokensPerMinute: positiveInt.optional(),
  tokensPerDay: positiveInt.optional(),
};
export type BudgetLimits = { [K in keyof typeof budgetFields]?: number };

const name = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/, 'a name of letters, digits and . _ : @ / - (at most 128)');

/** `env:NAME` or `file:PATH`: upstream keys never sit in the configuration itself. */
const secretReference = z
  .string()
  .regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/, 'env:NAME or file:PATH (the key itself is never written in the configuration)');

const modelEntry = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1).describe('the model name clients ask for'),
    upstreamModel: z.string().min(1).describe('the name sent to the upstream'),
  }),
]);

const upstreamSchema = z.strictObject({
  name,
  baseURL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'an http:// or https:// URL'),
  apiKey: secretReference.optional(),
  models: z.array(modelEntry).min(1),
  /** Most time to wait for the upstream's response headers (a non-streamed completion is all of it). */
  timeoutMs: positiveInt.default(300_000),
  connectTimeoutMs: positiveInt.default(5_000),
  /** Most time between two chunks of the upstream's body. */
  idleTimeoutMs: positiveInt.default(120_000),
  /** Retries on connection errors only (nothing was sent): a completion is never asked for twice. */
  retries: z.number().int().min(0).max(10).default(2),
  connections: positiveInt.default(256),
  headers: z.record(z.string(), z.string()).optional(),
});

const keySchema = z
  .strictObject({
    name,
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'the hex SHA-256 of the key (64 hex digits)')
      .transform((s) => s.toLowerCase())
      .optional(),
    /** Service callers: the subject common name of a client certificate signed by `tls.clientCA`. */
    clientCertSubject: z.string().min(1).optional(),
    /** Service callers: the `sub` of an OIDC JWT verified against `jwt`. */
    jwtSubject: z.string().min(1).optional(),
    models: z.array(z.string().min(1)).min(1),
    team: name.optional(),
    ...budgetFields,
    revoked: z.boolean().optional(),
    createdAt: z.union([z.string(), z.date().transform((d) => d.toISOString())]).optional(),
    revokedAt: z.union([z.string(), z.date().transform((d) => d.toISOString())]).optional(),
    /** Per-key guardrail settings, over the file's `guardrails:` section. */
    guardrails: guardrailOverrideSchema.optional(),
  })
  .refine((k) => k.sha256 || k.clientCertSubject || k.jwtSubject, {
    message: 'a key needs sha256, clientCertSubject or jwtSubject',
  });

const teamSchema = z.strictObject({ name, ...budgetFields });

const listen = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'host:port')
  .refine((s) => Number(s.slice(s.lastIndexOf(':') + 1)) <= 65535, 'a port number (0-65535)');

export const gatewayConfigSchema = z.strictObject({
  listen: listen.default('127.0.0.1:8080'),
  upstreams: z.array(upstreamSchema).min(1),
  keys: z.array(keySchema).default([]),
  /** A YAML file holding more keys (`keys: [...]`), written by `sanctum gateway keys`; relative to this file. */
  keysFile: z.string().min(1).optional(),
  teams: z.array(teamSchema).default([]),
  tls: z
    .strictObject({
      cert: z.string().min(1),
      key: z.string().min(1),
      /** CA bundle that client certificates are checked against (mTLS). */
      clientCA: z.string().min(1).optional(),
      /** Refuse connections without a client certificate signed by `clientCA`. */
      requireClientCert: z.boolean().default(false),
    })
    .optional(),
  jwt: z
    .strictObject({
      issuer: z.string().min(1),
      audience: z.string().min(1),
      jwksFile: z.string().min(1).optional(),
      jwksURL: z.string().url().optional(),
      algorithms: z.array(z.string()).optional(),
    })
    .refine((j) => (j.jwksFile === undefined) !== (j.jwksURL === undefined), { message: 'give one of jwksFile or jwksURL' })
    .optional(),
  audit: z
    .strictObject({
      /** JSON lines file, or `-` for standard output. */
      file: z.string().min(1).default('-'),
      /** Log request and response bodies (after the guardrails redacted them). */
      prompts: z.boolean().default(false),
      /** Also send each request's record (never its bodies) to `sanctum serve`, batched, off the request path. */
      store: z
        .strictObject({
          url: z
            .string()
            .url()
            .refine((u) => /^https?:/i.test(u), 'an http(s) URL'),
          /** A write token of the store: `env:NAME` or `file:PATH`. */
          token: secretReference.optional(),
          /** This gateway's name in the store (default: the host name). */
          name: name.optional(),
          /** Records held while the store is slow or away; the oldest are dropped beyond this. */
          maxQueue: positiveInt.default(10_000),
          /** Records per upload. */
          batchSize: positiveInt.max(10_000).default(500),
        })
        .optional(),
    })
    .default({ file: '-', prompts: false }),
  limits: z
    .strictObject({
      /** Largest request body (413 above). */
      maxBodyBytes: positiveInt.default(8 * 1024 * 1024),
    })
    .default({ maxBodyBytes: 8 * 1024 * 1024 }),
  /** docs/gateway-guardrails.md; absent: the defaults. */
  guardrails: guardrailSettingsSchema,
});

export type GatewayConfig = Zod.infer<typeof gatewayConfigSchema>;
export type UpstreamConfig = GatewayConfig['upstreams'][number];
export type KeyConfig = GatewayConfig['keys'][number];
export type TeamConfig = GatewayConfig['teams'][number];

const keysFileSchema = z.strictObject({ keys: z.array(keySchema).default([]) });

/** A configuration as loaded: paths resolved against the file, secrets read from the environment or files. */
export interface LoadedGatewayConfig extends GatewayConfig {
  /** The file it came from, when it came from one. */
  path?: string;
  /** Upstream name → its API key, read from `env:` or `file:`. */
  upstreamKeys: ReadonlyMap<string, string>;
  /** The store's write token (`audit.store.token`), read from `env:` or `file:`. */
  storeToken?: string;
}

type Path = ReadonlyArray<PropertyKey>;

function parseYaml(text: string, file: string): { doc: Document; lines: LineCounter } {
  const lines = new LineCounter();
  let doc: Document;
  try {
    doc = parseBoundedYamlDocument(
      yamlModule,
      text,
      { lineCounter: lines, prettyErrors: false, uniqueKeys: true },
      DEFAULT_LIMITS.maxDepth,
    );
  } catch (e) {
    if (!(e instanceof YamlTooDeep)) throw e;
    const at = lines.linePos(e.offset);
    throw new GatewayConfigError(`${file}:${at.line}:${at.col}: ${e.message}`);
  }
  const err = doc.errors[0];
  if (err) {
    const at = lines.linePos(err.pos[0]);
    throw new GatewayConfigError(`${file}:${at.line}:${at.col}: not valid YAML: ${err.message.split('\n')[0]}`);
  }
  return { doc, lines };
}

/** `file:line:col: keys[2].sha256` for a path into the document (the nearest existing ancestor's position). */
function where(file: string, doc: Document, lines: LineCounter, path: Path): string {
  const dotted = keyPath(path);
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) {
      const at = lines.linePos(node.range[0]);
      return `${file}:${at.line}:${at.col}: ${dotted || '(top level)'}`;
    }
  }
  return `${file}: ${dotted || '(top level)'}`;
}

function validate<T>(schema: Zod.ZodType<T>, text: string, file: string): { value: T; doc: Document; lines: LineCounter } {
  const { doc, lines } = parseYaml(text, file);
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  if (data === null || data === undefined || isSeq(doc.contents) || (!isMap(doc.contents) && typeof data !== 'object'))
    throw new GatewayConfigError(`${file}: expected a mapping of settings (listen, upstreams, keys, …)`);
  const parsed = schema.safeParse(data, { error: inWords });
  if (!parsed.success) {
    const all = configProblems(schema, parsed.error.issues);
    const problems = all.slice(0, 10).map((p) => `${where(file, doc, lines, p.path)}: ${p.message}`);
    const more = all.length > 10 ? `\n  … and ${all.length - 10} more` : '';
    throw new GatewayConfigError(`invalid gateway configuration:\n  ${problems.join('\n  ')}${more}`);
  }
  return { value: parsed.data, doc, lines };
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new GatewayConfigError(`cannot read ${what} ${shownPath(file, process.cwd())}: ${describeSystemError(e)}`);
  }
}

function resolveSecret(ref: string, dir: string, at: string, env: NodeJS.ProcessEnv): string {
  if (ref.startsWith('env:')) {
    const value = env[ref.slice(4)];
    if (!value) throw new GatewayConfigError(`${at}: the environment variable ${ref.slice(4)} is not set`);
    return value;
  }
  const value = readText(resolve(dir, ref.slice(5)), `${at}: key file`).trim();
  if (!value) throw new GatewayConfigError(`${at}: the key file ${ref.slice(5)} is empty`);
  return value;
}

/**
 * Reads, validates and resolves a gateway configuration file (and its `keysFile`). `secrets: false`
 * leaves upstream keys unread (key management runs where those variables are not set).
 */
export function loadGatewayConfig(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  opts: { secrets?: boolean } = {},
): LoadedGatewayConfig {
  const file = resolve(path);
  const { value, doc, lines } = validate(gatewayConfigSchema, readText(file, 'gateway configuration'), file);
  const dir = dirname(file);
  const config: GatewayConfig = { ...value };
  const keyOrigins = value.keys.map((_, i) => where(file, doc, lines, ['keys', i]));
  if (value.keysFile) {
    const keysPath = resolve(dir, value.keysFile);
    const keys = validate(keysFileSchema, readText(keysPath, 'keys file'), keysPath);
    config.keys = [...value.keys, ...keys.value.keys];
    keyOrigins.push(...keys.value.keys.map((_, i) => where(keysPath, keys.doc, keys.lines, ['keys', i])));
  }
  checkReferences(config, (p) => where(file, doc, lines, p), keyOrigins);
  const upstreamKeys = new Map<string, string>();
  value.upstreams.forEach((u, i) => {
    if (u.apiKey && opts.secrets !== false)
      upstreamKeys.set(u.name, resolveSecret(u.apiKey, dir, where(file, doc, lines, ['upstreams', i, 'apiKey']), env));
  });
  const tls = config.tls && {
    ...config.tls,
    cert: resolve(dir, config.tls.cert),
    key: resolve(dir, config.tls.key),
    clientCA: config.tls.clientCA && resolve(dir, config.tls.clientCA),
  };
  if (tls?.requireClientCert && !tls.clientCA)
    throw new GatewayConfigError(`${where(file, doc, lines, ['tls'])}: requireClientCert needs clientCA`);
  const jwt = config.jwt && { ...config.jwt, jwksFile: config.jwt.jwksFile && resolve(dir, config.jwt.jwksFile) };
  const audit = { ...config.audit, file: config.audit.file === '-' ? '-' : resolve(dir, config.audit.file) };
  const storeRef = config.audit.store?.token;
  const storeToken =
    storeRef && opts.secrets !== false
      ? resolveSecret(storeRef, dir, where(file, doc, lines, ['audit', 'store', 'token']), env)
      : undefined;
  return { ...config, tls, jwt, audit, path: file, upstreamKeys, ...(storeToken ? { storeToken } : {}) };
}

/** Names that must be unique and references that must exist, across the file and the keys file. */
function checkReferences(config: GatewayConfig, at: (p: Path) => string, keyAt: string[]): void {
  const problems: string[] = [];
  const served = new Map<string, string>();
  const upstreams = new Set<string>();
  config.upstreams.forEach((u, i) => {
    if (upstreams.has(u.name)) problems.push(`${at(['upstreams', i, 'name'])}: a second upstream named '${u.name}'`);
    upstreams.add(u.name);
    u.models.forEach((m, j) => {
      const model = typeof m === 'string' ? m : m.name;
      const other = served.get(model);
      if (other) problems.push(`${at(['upstreams', i, 'models', j])}: model '${model}' is already served by upstream '${other}'`);
      served.set(model, u.name);
    });
  });
  const teams = new Set<string>();
  config.teams.forEach((t, i) => {
    if (teams.has(t.name)) problems.push(`${at(['teams', i, 'name'])}: a second team named '${t.name}'`);
    teams.add(t.name);
  });
  const names = new Set<string>();
  const identities = new Map<string, string>();
  config.keys.forEach((k, i) => {
    const here = keyAt[i];
    if (names.has(k.name)) problems.push(`${here}: a second key named '${k.name}'`);
    names.add(k.name);
    for (const id of [
      k.sha256 && `sha256 ${k.sha256}`,
      k.clientCertSubject && `clientCertSubject '${k.clientCertSubject}'`,
      k.jwtSubject && `jwtSubject '${k.jwtSubject}'`,
    ]) {
      if (!id) continue;
      const other = identities.get(id);
      if (other) problems.push(`${here}: ${id.startsWith('sha256') ? 'the same sha256' : id} as key '${other}'`);
      identities.set(id, k.name);
    }
    if (k.team && !teams.has(k.team)) problems.push(`${here}.team: no team '${k.team}' in teams`);
    for (const m of k.models) if (m !== '*' && !served.has(m)) problems.push(`${here}.models: no upstream serves model '${m}'`);
    if (k.clientCertSubject && !config.tls?.clientCA) problems.push(`${here}.clientCertSubject: needs tls.clientCA`);
    if (k.jwtSubject && !config.jwt) problems.push(`${here}.jwtSubject: needs a jwt section`);
  });
  if (problems.length) throw new GatewayConfigError(`invalid gateway configuration:\n  ${problems.join('\n  ')}`);
}
