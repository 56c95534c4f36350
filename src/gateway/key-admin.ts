import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as yamlModule from 'yaml';
import { isMap, isSeq, YAMLMap, type Document } from 'yaml';
import { parseBoundedYamlDocument, YamlTooDeep } from '../core/bounded-yaml.js';
import { DEFAULT_LIMITS } from '../core/parser.js';
import { GatewayConfigError, loadGatewayConfig, type BudgetLimits, type KeyConfig } from './config.js';
import { generateKey, hashKey } from './keys.js';
import { describeSystemError } from '../core/system-error.js';

export interface NewKey extends BudgetLimits {
  name: string;
  models: string[];
  team?: string;
}

/** A key as `keys list` shows it: never the key, only the start of its hash. */
export interface KeyListing {
  name: string;
  team?: string;
  models: string[];
  budgets: BudgetLimits;
  auth: string;
  createdAt?: string;
  revoked: boolean;
  revokedAt?: string;
}

/** The file that keys are written to: the configuration's `keysFile`, else the configuration itself. */
function keysFileOf(configPath: string): string {
  const doc = parseKeysYaml(readText(configPath), configPath);
  const keysFile = doc.get('keysFile');
  return typeof keysFile === 'string' ? resolve(dirname(configPath), keysFile) : configPath;
}

/** A keys or configuration file's YAML, refused past the nesting limit like the configuration itself. */
function parseKeysYaml(text: string, file: string): Document {
  try {
    return parseBoundedYamlDocument(yamlModule, text, {}, DEFAULT_LIMITS.maxDepth);
  } catch (e) {
    if (e instanceof YamlTooDeep) throw new GatewayConfigError(`${file}: ${e.message}`);
    throw e;
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new GatewayConfigError(`cannot read ${path}: ${describeSystemError(e)}`);
  }
}

/**
 * Edits the keys list of `file` (comments and layout kept), then checks that the whole configuration
 * still loads; if it does not, the file is put back as it was and the error says why.
 */
function editKeys(configPath: string, file: string, edit: (keys: ReturnType<Document['createNode']>, doc: Document) => void): void {
  const before = existsSync(file) ? readText(file) : undefined;
  const doc = parseKeysYaml(before ?? 'keys: []\n', file);
  if (doc.errors.length) throw new GatewayConfigError(`${file}: not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  if (!isMap(doc.contents)) throw new GatewayConfigError(`${file}: expected a mapping with a keys list`);
  let keys = doc.get('keys', true);
  if (keys === undefined || (!isSeq(keys) && (keys as { value?: unknown }).value === null)) {
    doc.set('keys', doc.createNode([]));
    keys = doc.get('keys', true);
  }
  if (!isSeq(keys)) throw new GatewayConfigError(`${file}: keys must be a list`);
  if (keys.flow) keys.flow = false;
  edit(keys, doc);
  write(file, doc.toString());
  try {
    loadGatewayConfig(configPath, process.env, { secrets: false });
  } catch (e) {
    if (before === undefined) write(file, 'keys: []\n');
    else write(file, before);
    throw e;
  }
}

function write(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

/** Creates a key: its hash is written to the keys file, the key itself is returned once and stored nowhere. */
export function createKey(configPath: string, spec: NewKey, now = new Date()): { key: string; file: string } {
  const existing = loadGatewayConfig(configPath, process.env, { secrets: false });
  if (existing.keys.some((k) => k.name === spec.name)) throw new GatewayConfigError(`a key named '${spec.name}' already exists`);
  const key = generateKey();
  const entry: Record<string, unknown> = { name: spec.name, sha256: hashKey(key), models: spec.models };
  if (spec.team) entry.team = spec.team;
  for (const limit of ['requestsPerMinute', 'requestsPerDay', 'tokensPerMinute', 'tokensPerDay'] as const)
    if (spec[limit] !== undefined) entry[limit] = spec[limit];
  entry.createdAt = now.toISOString();
  const file = keysFileOf(configPath);
  editKeys(configPath, file, (keys, doc) => {
    const node = doc.createNode(entry) as YAMLMap;
    const models = node.get('models', true) as { flow?: boolean };
    models.flow = true;
    (keys as { items: unknown[] }).items.push(node);
  });
  return { key, file };
}

/** Marks a key revoked (kept in the file, so the audit trail still names it); the gateway refuses it once it reloads. */
export function revokeKey(configPath: string, name: string, now = new Date()): { file: string; alreadyRevoked: boolean } {
  const existing = loadGatewayConfig(configPath, process.env, { secrets: false });
  const key = existing.keys.find((k) => k.name === name);
  if (!key) throw new GatewayConfigError(`no key named '${name}'`);
  // The key is declared either in the keys file or in the configuration itself.
  const file = [keysFileOf(configPath), configPath].find((f) => existsSync(f) && declares(f, name))!;
  if (key.revoked) return { file, alreadyRevoked: true };
  editKeys(configPath, file, (keys) => {
    for (const item of (keys as { items: unknown[] }).items) {
      if (isMap(item) && item.get('name') === name) {
        item.set('revoked', true);
        item.set('revokedAt', now.toISOString());
      }
    }
  });
  return { file, alreadyRevoked: false };
}

function declares(file: string, name: string): boolean {
  const keys = parseKeysYaml(readText(file), file).get('keys', true);
  return isSeq(keys) && keys.items.some((item) => isMap(item) && item.get('name') === name);
}

export function listKeys(configPath: string): KeyListing[] {
  return loadGatewayConfig(configPath, process.env, { secrets: false }).keys.map((k: KeyConfig) => ({
    name: k.name,
    team: k.team,
    models: k.models,
    budgets: Object.fromEntries(
      (['requestsPerMinute', 'requestsPerDay', 'tokensPerMinute', 'tokensPerDay'] as const)
        .filter((l) => k[l] !== undefined)
        .map((l) => [l, k[l]]),
    ),
    auth: k.sha256
      ? `key sha256:${k.sha256.slice(0, 12)}…`
      : k.clientCertSubject
        ? `client certificate CN=${k.clientCertSubject}`
        : `jwt sub=${k.jwtSubject}`,
    createdAt: k.createdAt,
    revoked: k.revoked === true,
    revokedAt: k.revokedAt,
  }));
}
