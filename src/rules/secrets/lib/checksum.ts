/** Checksums used by token formats that carry one. */

let table: Uint32Array | undefined;

export function crc32(s: string): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < s.length; i++) crc = table[(crc ^ s.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(n: number, width: number): string {
  let out = '';
  let v = n;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, '0');
}

/**
 * GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`) and npm (`npm_`) tokens: 30 random base62
 * characters followed by the CRC32 of those characters in 6 base62 digits.
 */
export function validGithubChecksum(token: string): boolean {
  const body = token.slice(token.indexOf('_') + 1);
  if (body.length !== 36) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

/**
 * PyPI API tokens (`pypi-…`) are macaroons in the libmacaroons v2 binary format, base64url-encoded:
 * version byte 2, a header of fields (location, identifier) ended by an end-of-section byte, caveat
 * sections each ended the same way, an end byte, and a 32-byte signature field. A value that does not
 * parse to exactly that is not a PyPI token.
 */
export function validPypiToken(token: string): boolean {
  if (!token.startsWith('pypi-') || token.length > 4096) return false;
  const body = token.slice(5);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return false;
  const buf = Buffer.from(body, 'base64url');
  let pos = 0;
  const varint = (): number => {
    let n = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (pos >= buf.length) return -1;
      const b = buf[pos++];
      n |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return n;
    }
    return -1;
  };
  /** Reads one section's fields up to its end byte; returns the field types, or undefined when malformed. */
  const section = (): number[] | undefined => {
    const types: number[] = [];
    for (;;) {
      const type = varint();
      if (type < 0) return undefined;
      if (type === 0) return types;
      const len = varint();
      if (len < 0 || pos + len > buf.length) return undefined;
      pos += len;
      types.push(type);
    }
  };
  if (buf[pos++] !== 2) return false;
  const header = section();
  if (!header || !header.includes(2)) return false;
  for (let caveats = 0; caveats < 256; caveats++) {
    if (pos >= buf.length) return false;
    if (buf[pos] === 0) {
      pos++;
      break;
    }
    if (!section()) return false;
  }
  if (varint() !== 6 || varint() !== 32) return false;
  return pos + 32 === buf.length;
}

const SLACK_BOT = /^xoxb-[0-9]{6,16}-[0-9]{6,16}-[A-Za-z0-9]{24}$/;
const SLACK_USER = /^xoxp-[0-9]{6,16}-[0-9]{6,16}-[0-9]{6,16}-[0-9a-f]{32}$/;

/**
 * Slack bot and user tokens have a fixed layout: workspace and user ids, then 24 alphanumerics (bot,
 * `xoxb-`) or 32 hex digits (user, `xoxp-`). Other Slack token kinds have no layout to check (true).
 */
export function validSlackLayout(token: string): boolean {
  if (token.startsWith('xoxb-')) return SLACK_BOT.test(token);
  if (token.startsWith('xoxp-')) return SLACK_USER.test(token);
  return true;
}

/** The patterns of the format checks, for the linear-time tests. */
export const CHECK_PATTERNS: ReadonlyArray<{ name: string; re: RegExp }> = [
  { name: 'Slack bot token layout', re: SLACK_BOT },
  { name: 'Slack user token layout', re: SLACK_USER },
];
