import { base62, crc32 } from './checksum.js';

/**
 * Deterministic fake credentials in the providers' real formats (valid checksums where the format
 * has one), for rule examples and tests: no real-looking key is committed verbatim.
 */

export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const DIGITS = '0123456789';
export const ALNUM = UPPER + LOWER + DIGITS;
export const HEX = '0123456789abcdef';
export const B64 = ALNUM + '+/';
export const B64URL = ALNUM + '_-';

function seedOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h || 1;
}

/** `n` characters of `alphabet`, pseudo-random from `seed`. */
export function fake(alphabet: string, n: number, seed: string): string {
  let x = seedOf(seed);
  let out = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

export function githubStyle(prefix: string, seed: string): string {
  const body = fake(ALNUM, 30, seed);
  return `${prefix}${body}${base62(crc32(body), 6)}`;
}

/** A macaroon in the v2 binary format, as PyPI issues them: location, identifier, one caveat, signature. */
export function pypiStyle(location: string, seed: string): string {
  const field = (type: number, data: Buffer) => Buffer.concat([Buffer.from([type, data.length]), data]);
  const id = Buffer.from(fake(HEX, 32, seed + 'i'), 'latin1');
  const caveat = Buffer.from('{"permissions": "user", "version": 1}', 'latin1');
  const sig = Buffer.from(fake(HEX, 64, seed + 's'), 'hex');
  const bytes = Buffer.concat([
    Buffer.from([2]),
    field(1, Buffer.from(location, 'latin1')),
    field(2, id),
    Buffer.from([0]),
    field(2, caveat),
    Buffer.from([0, 0]),
    field(6, sig),
  ]);
  return `pypi-${bytes.toString('base64url')}`;
}

export const fakes = {
  openaiProject: (s = 'p') => `sk-proj-${fake(B64URL, 74, s + 'a')}T3BlbkFJ${fake(B64URL, 74, s + 'b')}`,
  openaiServiceAccount: (s = 'sa') => `sk-svcacct-${fake(B64URL, 74, s + 'a')}T3BlbkFJ${fake(B64URL, 74, s + 'b')}`,
  openaiAdmin: (s = 'ad') => `sk-admin-${fake(B64URL, 58, s + 'a')}T3BlbkFJ${fake(B64URL, 58, s + 'b')}`,
  openaiLegacy: (s = 'l') => `sk-${fake(ALNUM, 20, s + 'a')}T3BlbkFJ${fake(ALNUM, 20, s + 'b')}`,
  anthropic: (s = 'an') => `sk-ant-api03-${fake(B64URL, 93, s)}AA`,
  anthropicAdmin: (s = 'aa') => `sk-ant-admin01-${fake(B64URL, 93, s)}AA`,
  huggingface: (s = 'hf') => `hf_${fake(UPPER + LOWER, 34, s)}`,
  huggingfaceOrg: (s = 'ho') => `api_org_${fake(UPPER + LOWER, 34, s)}`,
  googleApiKey: (s = 'g') => `AIza${fake(B64URL, 35, s)}`,
  googleOauthSecret: (s = 'go') => `GOCSPX-${fake(B64URL, 28, s)}`,
  awsAccessKeyId: (s = 'aws') => `AKIA${fake(UPPER + '234567', 16, s)}`,
  awsSecretKey: (s = 'awss') => fake(B64, 40, s),
  azureAiKey: (s = 'az') => `${fake(ALNUM, 52, s + 'a')}JQQJ99${fake(ALNUM, 26, s + 'b')}`,
  azureOpenaiHex: (s = 'azh') => fake(HEX, 32, s),
  azureStorageKey: (s = 'st') => `${fake(B64, 86, s)}==`,
  entraClientSecret: (s = 'en') => `${fake(ALNUM, 3, s + 'a')}8Q~${fake(ALNUM + '_~.-', 34, s + 'b')}`,
  githubClassic: (s = 'gh') => githubStyle('ghp_', s),
  githubInstallation: (s = 'ghs') => githubStyle('ghs_', s),
  githubFineGrained: (s = 'gf') => `github_pat_${fake(ALNUM, 22, s + 'a')}_${fake(ALNUM, 59, s + 'b')}`,
  npm: (s = 'npm') => githubStyle('npm_', s),
  pypi: (s = 'py') => pypiStyle('pypi.org', s),
  gitlab: (s = 'gl') => `glpat-${fake(B64URL, 20, s)}`,
  slackBot: (s = 'sl') => `xoxb-${fake(DIGITS, 12, s + 'a')}-${fake(DIGITS, 13, s + 'b')}-${fake(ALNUM, 24, s + 'c')}`,
  slackWebhook: (s = 'wh') =>
    `https://hooks.slack.com/services/T${fake(UPPER + DIGITS, 8, s + 'a')}/B${fake(UPPER + DIGITS, 10, s + 'b')}/${fake(ALNUM, 24, s + 'c')}`,
  replicate: (s = 'r8') => `r8_${fake(ALNUM, 37, s)}`,
  groq: (s = 'gq') => `gsk_${fake(ALNUM, 52, s)}`,
  cohere: (s = 'co') => fake(ALNUM, 40, s),
  mistral: (s = 'mi') => fake(ALNUM, 32, s),
  perplexity: (s = 'px') => `pplx-${fake(ALNUM, 48, s)}`,
  xai: (s = 'xa') => `xai-${fake(ALNUM, 80, s)}`,
  deepseek: (s = 'ds') => `sk-${fake(HEX, 32, s)}`,
  together: (s = 'tg') => fake(HEX, 64, s),
  fireworks: (s = 'fw') => `fw_${fake(ALNUM, 24, s)}`,
  nvidia: (s = 'nv') => `nvapi-${fake(B64URL, 64, s)}`,
  databricks: (s = 'db') => `dapi${fake(HEX, 32, s)}`,
  wandb: (s = 'wb') => fake(HEX, 40, s),
  wandbV1: (s = 'wv1') => `wandb_v1_${fake(ALNUM, 27, s + 'a')}_${fake(ALNUM, 49, s + 'b')}`,
  modalTokenId: (s = 'mi') => `ak-${fake(ALNUM, 22, s)}`,
  modalTokenSecret: (s = 'ms') => `as-${fake(ALNUM, 22, s)}`,
  langsmith: (s = 'ls') => `lsv2_pt_${fake(HEX, 32, s + 'a')}_${fake(HEX, 10, s + 'b')}`,
  pinecone: (s = 'pc') => `pcsk_${fake(ALNUM, 6, s + 'a')}_${fake(ALNUM, 63, s + 'b')}`,
  weaviate: (s = 'wv') => fake(ALNUM, 40, s),
  qdrant: (s = 'qd') => fake(B64URL, 48, s),
  kaggle: (s = 'kg') => fake(HEX, 32, s),
  stripeLive: (s = 'stl') => `sk_live_${fake(ALNUM, 99, s)}`,
  stripeTest: (s = 'stt') => `sk_test_${fake(ALNUM, 99, s)}`,
  password: (s = 'pw') => `${fake(ALNUM, 10, s)}!${fake(DIGITS, 3, s + 'd')}`,
  token: (s = 'tk') => fake(ALNUM, 32, s),
};

/** A PEM block with a body of random base64 (not a key, but shaped like one). */
export function fakePem(type: string, lines = 12, seed = 'pem'): string {
  const body: string[] = [];
  for (let i = 0; i < lines; i++) body.push(fake(B64, 64, seed + i));
  return `-----BEGIN ${type}-----\n${body.join('\n')}\n-----END ${type}-----`;
}

/** An unencrypted OpenSSH private key container (cipher `none`) with random key material. */
export function fakeOpenssh(seed = 'ssh', cipher = 'none'): string {
  const magic = Buffer.from('openssh-key-v1\0', 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(cipher.length);
  const rest = Buffer.from(fake(B64, 600, seed), 'latin1');
  const b64 = Buffer.concat([magic, len, Buffer.from(cipher, 'latin1'), rest]).toString('base64');
  const lines = b64.match(/.{1,70}/g)!;
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----`;
}

export function b64url(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}
