import type { CelFunc, CelInput } from '@bufbuild/cel';
import { matchesWhole } from './cel-regex.js';
import { tagged, taggedFunctions, textOf } from './cel-tagged.js';
import { parseUrl } from './cel-urls.js';

type CelLibrary = typeof import('@bufbuild/cel');

/**
 * Kubernetes' CEL format library: `format.dns1123Label()`, `format.dns1123Subdomain()`,
 * `format.dns1035Label()`, `format.qualifiedName()`, `format.portName()`, the `…Prefix()` forms of the
 * DNS names (a trailing '-' allowed, for generateName), `format.labelValue()`, `format.uri()`,
 * `format.uuid()`, `format.byte()`, `format.date()`, `format.datetime()`, `format.named(name)` (an
 * optional Format), and `<Format>.validate(s)`: optional.none() when `s` is valid, else the list of
 * what is wrong, in the API server's words, e.g.
 * `!format.dns1123Label().validate(object.metadata.name).hasValue()`.
 */

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = `${DNS1123_LABEL}(\\.${DNS1123_LABEL})*`;
const DNS1035_LABEL = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED_NAME = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED_NAME})?`;
const UUID = '(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}';
const DATE = '(\\d{4})-(\\d{2})-(\\d{2})';
const DATETIME = `${DATE}[Tt ](\\d{2}):(\\d{2}):(\\d{2})(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})?`;

const maxLength = (n: number) => `must be no more than ${n} characters`;
const regexError = (message: string, pattern: string, ...examples: string[]) =>
  `${message} (e.g. ${examples.map((e) => `'${e}', `).join('or ')}regex used for validation is '${pattern}')`;

function checked(value: string, max: number, pattern: string, message: string, ...examples: string[]): string[] {
  const errors: string[] = [];
  if (value.length > max) errors.push(maxLength(max));
  if (!matchesWhole(value, pattern)) errors.push(regexError(message, pattern, ...examples));
  return errors;
}

/** A generateName prefix may end in '-': validated as if that were a letter. */
const prefixed = (value: string, prefix: boolean) => (prefix && value.length > 1 && value.endsWith('-') ? `${value.slice(0, -1)}a` : value);

const dns1123Label = (s: string, prefix = false) =>
  checked(
    prefixed(s, prefix),
    63,
    DNS1123_LABEL,
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
    'my-name',
    '123-abc',
  );
const dns1123Subdomain = (s: string, prefix = false) =>
  checked(
    prefixed(s, prefix),
    253,
    DNS1123_SUBDOMAIN,
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    'example.com',
  );
const dns1035Label = (s: string, prefix = false) =>
  checked(
    prefixed(s, prefix),
    63,
    DNS1035_LABEL,
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
    'my-name',
    'abc-123',
  );

const QUALIFIED_NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

function qualifiedName(value: string): string[] {
  const parts = value.split('/');
  if (parts.length > 2)
    return [
      `${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  const errors: string[] = [];
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    if (parts[0] === '') errors.push('prefix part must be non-empty');
    else errors.push(...dns1123Subdomain(parts[0]).map((e) => `prefix part ${e}`));
  }
  if (name === '') errors.push('name part must be non-empty');
  else if (name.length > 63) errors.push(`name part ${maxLength(63)}`);
  if (name !== '' && !matchesWhole(name, QUALIFIED_NAME))
    errors.push(`name part ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME, 'MyName', 'my.name', '123-abc')}`);
  return errors;
}

function portName(value: string): string[] {
  const errors: string[] = [];
  if (value.length > 15) errors.push(maxLength(15));
  if (!/^[-a-z0-9]+$/.test(value)) errors.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(value)) errors.push('must contain at least one letter (a-z)');
  if (value.includes('--')) errors.push('must not contain consecutive hyphens');
  if (value.startsWith('-') || value.endsWith('-')) errors.push('must not begin or end with a hyphen');
  return errors;
}

function validDate(year: string, month: string, day: string): boolean {
  const d = new Date(0);
  // setUTCFullYear, not Date.UTC: the latter reads years 0–99 as 1900–1999.
  d.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  return d.getUTCFullYear() === Number(year) && d.getUTCMonth() === Number(month) - 1 && d.getUTCDate() === Number(day);
}

function date(value: string): string[] {
  const m = new RegExp(`^${DATE}$`).exec(value);
  return m && validDate(m[1], m[2], m[3]) ? [] : ['invalid date'];
}

function datetime(value: string): string[] {
  const m = new RegExp(`^${DATETIME}$`).exec(value);
  const ok = m && validDate(m[1], m[2], m[3]) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 61;
  return ok ? [] : ['invalid datetime'];
}

function base64(value: string): string[] {
  return value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value) ? [] : ['invalid base64'];
}

function uri(value: string): string[] {
  try {
    parseUrl(value);
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

/** The named formats and what they find wrong with a string (nothing when it is valid). */
export const FORMATS: Readonly<Record<string, (value: string) => string[]>> = {
  dns1123Label: (s) => dns1123Label(s),
  dns1123Subdomain: (s) => dns1123Subdomain(s),
  dns1035Label: (s) => dns1035Label(s),
  qualifiedName,
  portName,
  dns1123LabelPrefix: (s) => dns1123Label(s, true),
  dns1123SubdomainPrefix: (s) => dns1123Subdomain(s, true),
  dns1035LabelPrefix: (s) => dns1035Label(s, true),
  labelValue: (s) =>
    checked(
      s,
      63,
      LABEL_VALUE,
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
      'MyValue',
      'my_value',
      '12345',
    ),
  uri,
  uuid: (s) => (matchesWhole(s, UUID) ? [] : ['does not match the UUID format']),
  byte: base64,
  date,
  datetime,
};

/** The CEL functions of the library, made with the CEL library given (loaded lazily by the caller). */
export function formatFunctions(cel: CelLibrary): CelFunc[] {
  const { celFunc, CelScalar } = cel;
  const { STRING, DYN } = CelScalar;
  const t = taggedFunctions(cel);
  const optional = (v?: CelInput) => tagged('optional', v === undefined ? [] : [v]);
  return [
    ...Object.keys(FORMATS).map((name) => celFunc(`format.${name}`, [], DYN, () => tagged('format', name))),
    celFunc('format.named', [STRING], DYN, (name: string) => optional(Object.hasOwn(FORMATS, name) ? tagged('format', name) : undefined)),
    t.method('format', 'validate', [STRING], DYN, function (value: string) {
      const errors = FORMATS[textOf(this, 'format', 'format.named() or format.dns1123Label()')](value);
      return optional(errors.length ? errors : undefined);
    }),
  ];
}
