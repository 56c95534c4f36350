import { isIP } from 'node:net';
import type { CelFunc } from '@bufbuild/cel';
import { parses, tagged, taggedFunctions, textOf } from './cel-tagged.js';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Kubernetes' CEL IP address and CIDR libraries, as the API server offers them: `isIP()`, `ip()`,
 * `ip.isCanonical()`, `family()`, `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`,
 * `isLinkLocalUnicast()`, `isGlobalUnicast()`, `string()`; `isCIDR()`, `cidr()`, `containsIP()`,
 * `containsCIDR()`, `ip()`, `masked()`, `prefixLength()`, `string()`. As there (Go's `net/netip`),
 * IPv4 has exactly four decimal parts without leading zeros, and addresses with a zone
 * (`fe80::1%eth0`) or IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`) are refused.
 */

export class IpError extends Error {}

export interface Address {
  family: 4 | 6;
  bytes: number[];
}

export interface Prefix {
  address: Address;
  bits: number;
}

/** Parses an IP address as the Kubernetes library does; throws IpError otherwise. */
export function parseIp(text: string): Address {
  if (text.includes('%')) throw new IpError(`IP address with zone value is not allowed: '${text}'`);
  const family = isIP(text);
  if (family === 4) return { family, bytes: text.split('.').map(Number) };
  if (family !== 6) throw new IpError(`IP address '${text}' is not valid`);
  const bytes = ipv6Bytes(text);
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff)
    throw new IpError(`IPv4-mapped IPv6 address is not allowed: '${text}'`);
  return { family, bytes };
}

/** The 16 bytes of an IPv6 address that node:net has already validated. */
function ipv6Bytes(text: string): number[] {
  let s = text;
  const tail: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail.push(
      ...s
        .slice(lastColon + 1)
        .split('.')
        .map(Number),
    );
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = s.includes('::') ? s.split('::') : [s, undefined];
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = words.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The canonical text: dotted decimal, or RFC 5952 for IPv6 (as Go's netip prints them). */
export function formatIp(a: Address): string {
  if (a.family === 4) return a.bytes.join('.');
  const words = Array.from({ length: 8 }, (_, i) => (a.bytes[2 * i] << 8) | a.bytes[2 * i + 1]);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestStart === -1) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLength))}`;
}

/** Parses a CIDR (`10.0.0.0/8`; the address may have host bits set, as netip.ParsePrefix allows). */
export function parseCidr(text: string): Prefix {
  const slash = text.indexOf('/');
  if (slash === -1) throw new IpError(`network address '${text}' is not valid: no prefix length`);
  const bitsText = text.slice(slash + 1);
  const address = parseIp(text.slice(0, slash));
  const max = address.family === 4 ? 32 : 128;
  if (!/^(0|[1-9]\d{0,2})$/.test(bitsText) || Number(bitsText) > max)
    throw new IpError(`network address '${text}' is not valid: bad prefix length '${bitsText}'`);
  return { address, bits: Number(bitsText) };
}

function masked(p: Prefix): Prefix {
  const bytes = p.address.bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, p.bits - 8 * i));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
  return { address: { family: p.address.family, bytes }, bits: p.bits };
}

function contains(p: Prefix, a: Address): boolean {
  if (p.address.family !== a.family) return false;
  const m = masked(p).address.bytes;
  const other = masked({ address: a, bits: p.bits }).address.bytes;
  return m.every((b, i) => b === other[i]);
}

const formatCidr = (p: Prefix) => `${formatIp(p.address)}/${p.bits}`;

function classify(a: Address) {
  const [b0, b1] = a.bytes;
  const zero = a.bytes.every((b) => b === 0);
  if (a.family === 4) {
    const loopback = b0 === 127;
    const multicast = (b0 & 0xf0) === 0xe0;
    const linkLocalUnicast = b0 === 169 && b1 === 254;
    const broadcast = a.bytes.every((b) => b === 255);
    return {
      unspecified: zero,
      loopback,
      linkLocalMulticast: b0 === 224 && b1 === 0 && a.bytes[2] === 0,
      linkLocalUnicast,
      globalUnicast: !zero && !loopback && !multicast && !linkLocalUnicast && !broadcast,
    };
  }
  const loopback = a.bytes.slice(0, 15).every((b) => b === 0) && a.bytes[15] === 1;
  const multicast = b0 === 0xff;
  const linkLocalUnicast = b0 === 0xfe && (b1 & 0xc0) === 0x80;
  return {
    unspecified: zero,
    loopback,
    linkLocalMulticast: b0 === 0xff && (b1 & 0x0f) === 0x02,
    linkLocalUnicast,
    globalUnicast: !zero && !loopback && !multicast && !linkLocalUnicast,
  };
}

/** The CEL functions of the libraries, made with the CEL library given (loaded lazily by the caller). */
export function ipFunctions(cel: CelLibrary): CelFunc[] {
  const { celFunc, CelScalar } = cel;
  const { STRING, BOOL, INT, DYN } = CelScalar;
  const t = taggedFunctions(cel);
  const ipValue = (a: Address) => tagged('ip', formatIp(a));
  const cidrValue = (p: Prefix) => tagged('cidr', formatCidr(p));
  const ipOf = (v: unknown) => parseIp(textOf(v, 'ip', 'ip()'));
  const cidrOf = (v: unknown) => parseCidr(textOf(v, 'cidr', 'cidr()'));
  const ipMethods = (['unspecified', 'loopback', 'linkLocalMulticast', 'linkLocalUnicast', 'globalUnicast'] as const).map((k) =>
    t.method('ip', `is${k[0].toUpperCase()}${k.slice(1)}`, [], BOOL, function () {
      return classify(ipOf(this))[k];
    }),
  );
  return [
    celFunc('ip', [STRING], DYN, (s: string) => ipValue(parseIp(s))),
    celFunc('isIP', [STRING], BOOL, parses(parseIp)),
    celFunc('ip.isCanonical', [STRING], BOOL, (s: string) => formatIp(parseIp(s)) === s),
    t.method('ip', 'family', [], INT, function () {
      return BigInt(ipOf(this).family);
    }),
    ...ipMethods,
    t.func('ip', 'string', [DYN], STRING, (v: unknown) => formatIp(ipOf(v))),
    celFunc('cidr', [STRING], DYN, (s: string) => cidrValue(parseCidr(s))),
    celFunc('isCIDR', [STRING], BOOL, parses(parseCidr)),
    t.method('cidr', 'containsIP', [STRING], BOOL, function (s: string) {
      return contains(cidrOf(this), parseIp(s));
    }),
    t.method('cidr', 'containsIP', [DYN], BOOL, function (v: unknown) {
      return contains(cidrOf(this), ipOf(v));
    }),
    t.method('cidr', 'containsCIDR', [STRING], BOOL, function (s: string) {
      const [p, other] = [cidrOf(this), parseCidr(s)];
      return p.bits <= other.bits && contains(p, other.address);
    }),
    t.method('cidr', 'containsCIDR', [DYN], BOOL, function (v: unknown) {
      const [p, other] = [cidrOf(this), cidrOf(v)];
      return p.bits <= other.bits && contains(p, other.address);
    }),
    t.method('cidr', 'ip', [], DYN, function () {
      return ipValue(cidrOf(this).address);
    }),
    t.method('cidr', 'masked', [], DYN, function () {
      return cidrValue(masked(cidrOf(this)));
    }),
    t.method('cidr', 'prefixLength', [], INT, function () {
      return BigInt(cidrOf(this).bits);
    }),
    t.func('cidr', 'string', [DYN], STRING, (v: unknown) => formatCidr(cidrOf(v))),
  ];
}
