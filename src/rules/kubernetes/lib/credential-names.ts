/**
 * Names of configuration keys that hold credentials (`DB_PASSWORD`, `openaiApiKey`,
 * `aws_secret_access_key`, `AZURE_STORAGE_ACCOUNT_KEY`, `OCI_CLI_KEY_CONTENT`), told apart from names
 * that only point at one (`password_file`, `secretName`, `token_url`) or count something (`max_tokens`).
 */

/** Each pattern runs on the key's lower-case words joined with `_`; all are anchored on word boundaries and linear. */
const CREDENTIAL_WORDS: ReadonlyArray<{ kind: string; re: RegExp }> = [
  { kind: 'password', re: /(?:^|_)(?:password|passwd|pwd|passphrase|pass_phrase)(?:_|$)/ },
  { kind: 'private key', re: /(?:^|_)(?:private_?key|key_content|ssh_key|signing_key)(?:_|$)/ },
  { kind: 'API key', re: /(?:^|_)(?:api_?key|apikey|x_api_key)(?:_|$)/ },
  { kind: 'secret', re: /(?:^|_)(?:secret|client_secret|secret_key|secret_access_key)(?:_|$)/ },
  {
    kind: 'access key',
    re: /(?:^|_)(?:access_?key(?:_id)?|account_?key|storage_?key|auth_?key|master_?key|shared_?key|sas_?token|shared_access_key)(?:_|$)/,
  },
  { kind: 'token', re: /(?:^|_)token(?:_|$)/ },
  { kind: 'credentials', re: /(?:^|_)credentials?(?:_|$)/ },
];

/** A last word that makes the key a reference to a credential, or a setting about one, not the credential itself. */
const REFERENCE_LAST = new Set([
  'file',
  'path',
  'dir',
  'name',
  'names',
  'id',
  'url',
  'uri',
  'endpoint',
  'host',
  'type',
  'header',
  'length',
  'limit',
  'ttl',
  'expiry',
  'expires',
  'expiration',
  'enabled',
  'enable',
  'required',
  'mode',
  'ref',
  'source',
  'provider',
  'policy',
  'format',
  'field',
  'key_ref',
  'location',
  'env',
  'var',
  'version',
  'count',
  'size',
  'timeout',
  'prefix',
  'regex',
  'pattern',
  'min',
  'max',
  'rotation',
  'lifetime',
]);
/** Words that make `token` mean a unit of text, not a credential. */
const TEXT_TOKEN_WORDS = new Set([
  'max',
  'min',
  'num',
  'tokens',
  'tokenizer',
  'count',
  'limit',
  'budget',
  'context',
  'output',
  'input',
  'prompt',
  'completion',
  'new',
]);

export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * A literal every pattern of CREDENTIAL_WORDS needs within one word of the key: a key without any
 * names no credential. `u` makes the Kelvin sign match `k`, as `toLowerCase` in `keyWords` does.
 */
const CREDENTIAL_HINT = /pass|pwd|key|secret|token|credential/iu;

/** What kind of credential a key names (`password`, `API key`), or undefined. */
export function credentialKind(key: string): string | undefined {
  if (!CREDENTIAL_HINT.test(key)) return undefined;
  const words = keyWords(key);
  if (words.length === 0) return undefined;
  const last = words[words.length - 1];
  const joined = words.join('_');
  // `access_key_id` names the AWS key id that pairs with the secret: kept, though it ends in `id`.
  if (REFERENCE_LAST.has(last) && !joined.endsWith('access_key_id')) return undefined;
  for (const c of CREDENTIAL_WORDS) {
    if (!c.re.test(joined)) continue;
    if (c.kind === 'token' && words.some((w) => TEXT_TOKEN_WORDS.has(w))) continue;
    return c.kind;
  }
  return undefined;
}

/** Words that make a key name where a credential is kept: `s3AccessKeyIDName`, `passwordSecretRef`, `storageSecretNameAnnotation`. */
const NAMING_WORDS = new Set(['name', 'names', 'ref', 'annotation', 'label', 'env', 'var', 'variable']);
/** An environment variable or Secret key: `AWS_SECRET_ACCESS_KEY`. */
const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
/** A Kubernetes object name (`storage-config`), file name or annotation key (`serving.kserve.io/storageSecretName`). */
const OBJECT_NAME =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)+\/[A-Za-z0-9][-A-Za-z0-9_.]*|[a-z0-9][-a-z0-9_.]*)$/;

/**
 * True when `key: value` only names a credential kept elsewhere: a key ending in a naming word whose value
 * is an identifier (`"s3SecretAccessKeyName": "AWS_SECRET_ACCESS_KEY"` in KServe's `credentials`).
 * Callers check recognised key formats first: a real key under a naming key is still a key.
 */
export function namesCredential(key: string, value: string): boolean {
  if (!keyWords(key).some((w) => NAMING_WORDS.has(w))) return false;
  const v = value.trim();
  return ENV_NAME.test(v) || OBJECT_NAME.test(v);
}
