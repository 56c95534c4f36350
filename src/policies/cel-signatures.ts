import { parseType, type CelType } from './cel-types.js';

/**
 * The overloads the checker knows, as the cel-spec standard definitions and Kubernetes' CEL
 * libraries declare them. A function the evaluator has and this table does not is typed `dyn` (never
 * refused for its types); a function in this table is refused when no overload takes its arguments.
 *
 * `name(args): result` is a global function, `receiver.name(args): result` a method (the receiver is
 * a type; `sets.contains` and the like, whose prefix is no type, are namespaced globals).
 */
const SIGNATURES = [
  // Operators.
  '!_(bool): bool',
  '-_(int): int',
  '-_(double): double',
  '_&&_(bool, bool): bool',
  '_||_(bool, bool): bool',
  '@not_strictly_false(bool): bool',
  '_?_:_(bool, A, A): A',
  '_==_(A, A): bool',
  '_!=_(A, A): bool',
  ...['_<_', '_<=_', '_>_', '_>=_'].flatMap((op) => [
    `${op}(bool, bool): bool`,
    `${op}(string, string): bool`,
    `${op}(bytes, bytes): bool`,
    `${op}(timestamp, timestamp): bool`,
    `${op}(duration, duration): bool`,
    // Kubernetes turns on cross-type numeric comparisons.
    ...['int', 'uint', 'double'].flatMap((a) => ['int', 'uint', 'double'].map((b) => `${op}(${a}, ${b}): bool`)),
  ]),
  ...['_+_', '_-_', '_*_', '_/_'].flatMap((op) => ['int', 'uint', 'double'].map((t) => `${op}(${t}, ${t}): ${t}`)),
  '_%_(int, int): int',
  '_%_(uint, uint): uint',
  '_+_(string, string): string',
  '_+_(bytes, bytes): bytes',
  '_+_(list(A), list(A)): list(A)',
  '_+_(timestamp, duration): timestamp',
  '_+_(duration, timestamp): timestamp',
  '_+_(duration, duration): duration',
  '_-_(timestamp, timestamp): duration',
  '_-_(timestamp, duration): timestamp',
  '_-_(duration, duration): duration',
  '_[_](list(A), int): A',
  '_[_](map(K, V), K): V',
  '@in(A, list(A)): bool',
  '@in(A, map(A, B)): bool',
  // Standard functions.
  ...['string', 'bytes', 'list(A)', 'map(K, V)'].flatMap((t) => [`size(${t}): int`, `${t}.size(): int`]),
  ...['contains', 'startsWith', 'endsWith', 'matches'].map((f) => `string.${f}(string): bool`),
  'matches(string, string): bool',
  ...['int', 'uint', 'double', 'string', 'timestamp', 'duration'].map((t) => `int(${t}): int`),
  ...['int', 'uint', 'double', 'string'].flatMap((t) => [`uint(${t}): uint`, `double(${t}): double`]),
  ...['int', 'uint', 'double', 'bool', 'string', 'bytes', 'timestamp', 'duration'].map((t) => `string(${t}): string`),
  'bytes(bytes): bytes',
  'bytes(string): bytes',
  'bool(bool): bool',
  'bool(string): bool',
  'type(A): type(A)',
  'dyn(A): dyn',
  'duration(string): duration',
  'duration(duration): duration',
  'timestamp(string): timestamp',
  'timestamp(int): timestamp',
  'timestamp(timestamp): timestamp',
  ...[
    'getFullYear',
    'getMonth',
    'getDayOfYear',
    'getDayOfMonth',
    'getDate',
    'getDayOfWeek',
    'getHours',
    'getMinutes',
    'getSeconds',
    'getMilliseconds',
  ].flatMap((f) => [`timestamp.${f}(): int`, `timestamp.${f}(string): int`]),
  ...['getHours', 'getMinutes', 'getSeconds', 'getMilliseconds'].map((f) => `duration.${f}(): int`),
  // Strings extension (cel-go ext.Strings, the version Kubernetes enables).
  'string.charAt(int): string',
  'string.indexOf(string): int',
  'string.indexOf(string, int): int',
  'string.lastIndexOf(string): int',
  'string.lastIndexOf(string, int): int',
  'string.lowerAscii(): string',
  'string.upperAscii(): string',
  'string.replace(string, string): string',
  'string.replace(string, string, int): string',
  'string.split(string): list(string)',
  'string.split(string, int): list(string)',
  'string.substring(int): string',
  'string.substring(int, int): string',
  'string.trim(): string',
  'string.reverse(): string',
  'string.format(list(dyn)): string',
  'list(string).join(): string',
  'list(string).join(string): string',
  'strings.quote(string): string',
  // Kubernetes' regex library.
  'string.find(string): string',
  'string.findAll(string): list(string)',
  'string.findAll(string, int): list(string)',
  // Kubernetes' lists library and cel-go's lists extension.
  'list(A).isSorted(): bool',
  'list(A).sum(): A',
  'list(A).min(): A',
  'list(A).max(): A',
  'list(A).indexOf(A): int',
  'list(A).lastIndexOf(A): int',
  'list(A).slice(int, int): list(A)',
  'list(A).distinct(): list(A)',
  'list(A).reverse(): list(A)',
  'list(A).sort(): list(A)',
  'list(A).flatten(): list(dyn)',
  'list(A).flatten(int): list(dyn)',
  'lists.range(int): list(int)',
  // Sets extension.
  'sets.contains(list(A), list(A)): bool',
  'sets.equivalent(list(A), list(A)): bool',
  'sets.intersects(list(A), list(A)): bool',
  // Optional values.
  'optional.of(A): optional(A)',
  'optional.ofNonZeroValue(A): optional(A)',
  'optional.none(): optional(dyn)',
  'optional(A).hasValue(): bool',
  'optional(A).value(): A',
  'optional(A).orValue(A): A',
  'optional(A).or(optional(A)): optional(A)',
  'optional.unwrap(list(optional(A))): list(A)',
  'list(optional(A)).unwrapOpt(): list(A)',
  // Quantity.
  'quantity(string): Quantity',
  'isQuantity(string): bool',
  'Quantity.sign(): int',
  'Quantity.isInteger(): bool',
  'Quantity.asInteger(): int',
  'Quantity.asApproximateFloat(): double',
  'Quantity.isGreaterThan(Quantity): bool',
  'Quantity.isLessThan(Quantity): bool',
  'Quantity.compareTo(Quantity): int',
  'Quantity.add(Quantity): Quantity',
  'Quantity.add(int): Quantity',
  'Quantity.sub(Quantity): Quantity',
  'Quantity.sub(int): Quantity',
  // URL.
  'url(string): URL',
  'isURL(string): bool',
  ...['getScheme', 'getHost', 'getHostname', 'getPort', 'getEscapedPath'].map((f) => `URL.${f}(): string`),
  'URL.getQuery(): map(string, list(string))',
  // IP and CIDR.
  'ip(string): IP',
  'isIP(string): bool',
  'ip.isCanonical(string): bool',
  'IP.family(): int',
  ...['isUnspecified', 'isLoopback', 'isLinkLocalMulticast', 'isLinkLocalUnicast', 'isGlobalUnicast'].map((f) => `IP.${f}(): bool`),
  'string(IP): string',
  'cidr(string): CIDR',
  'isCIDR(string): bool',
  'CIDR.containsIP(string): bool',
  'CIDR.containsIP(IP): bool',
  'CIDR.containsCIDR(string): bool',
  'CIDR.containsCIDR(CIDR): bool',
  'CIDR.ip(): IP',
  'CIDR.masked(): CIDR',
  'CIDR.prefixLength(): int',
  'string(CIDR): string',
  // Semver.
  'semver(string): Semver',
  'semver(string, bool): Semver',
  'isSemver(string): bool',
  'isSemver(string, bool): bool',
  ...['major', 'minor', 'patch'].map((f) => `Semver.${f}(): int`),
  'Semver.isGreaterThan(Semver): bool',
  'Semver.isLessThan(Semver): bool',
  'Semver.compareTo(Semver): int',
  // Format.
  'format.named(string): optional(Format)',
  'Format.validate(string): optional(list(string))',
  // Authorizer.
  'Authorizer.group(string): GroupCheck',
  'Authorizer.path(string): PathCheck',
  'Authorizer.serviceAccount(string, string): Authorizer',
  'GroupCheck.resource(string): ResourceCheck',
  ...['subresource', 'namespace', 'name', 'fieldSelector', 'labelSelector'].map((f) => `ResourceCheck.${f}(string): ResourceCheck`),
  'ResourceCheck.check(string): Decision',
  'PathCheck.check(string): Decision',
  'Decision.allowed(): bool',
  'Decision.reason(): string',
  'Decision.errored(): bool',
  'Decision.error(): string',
];

export interface Overload {
  readonly receiver?: CelType;
  readonly params: readonly CelType[];
  readonly result: CelType;
}

function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (text.trim() !== '') out.push(text.slice(start));
  return out.map((s) => s.trim());
}

/** `receiver.name(args): result` read into the function's name and its overload. */
function parseSignature(signature: string): [string, Overload] {
  const m = /^(.*?)\(((?:[^()]|\([^()]*(?:\([^()]*\))?[^()]*\))*)\): (.+)$/.exec(signature);
  if (!m) throw new Error(`bad signature ${signature}`);
  const [, head, args, result] = m;
  const params = splitArgs(args).map(parseType);
  // `list(A).indexOf`: the name follows the last '.' after the receiver's closing parenthesis.
  const dot = head.lastIndexOf('.');
  if (dot > 0) {
    try {
      return [head.slice(dot + 1), { receiver: parseType(head.slice(0, dot)), params, result: parseType(result) }];
    } catch {
      // A namespaced global (`sets.contains`), whose prefix is no type.
    }
  }
  return [head, { params, result: parseType(result) }];
}

let table: ReadonlyMap<string, readonly Overload[]> | undefined;

/** The overloads of each function name the checker knows. */
export function overloads(): ReadonlyMap<string, readonly Overload[]> {
  if (!table) {
    const t = new Map<string, Overload[]>();
    for (const s of SIGNATURES) {
      const [name, overload] = parseSignature(s);
      t.set(name, [...(t.get(name) ?? []), overload]);
    }
    table = t;
  }
  return table;
}
