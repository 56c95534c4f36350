import parse from 'spdx-expression-parse';

/**
 * Whether `value` is an SPDX licence expression: ids of the SPDX licence list or `LicenseRef-…`,
 * joined by AND, OR and WITH, as SPDX 2.3 Annex D and CycloneDX's `expression` read it.
 */
export function isSpdxExpression(value: string): boolean {
  try {
    parse(value);
    return true;
  } catch {
    return false;
  }
}
