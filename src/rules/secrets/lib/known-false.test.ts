import { describe, expect, it } from 'vitest';
import { CONTEXT_DETECTORS, MARKER_DETECTORS } from './detectors.js';
import { DOCUMENTATION_HOSTS, KNOWN_FALSE_VALUES } from './known-false.js';
import { findSecrets } from './scan.js';

/** True when some detector's pattern matches the whole value: the entry has the shape of a real credential. */
function shapedLikeACredential(value: string): boolean {
  for (const d of MARKER_DETECTORS) {
    d.pattern.lastIndex = 0;
    const m = d.pattern.exec(value) ?? d.pattern.exec(`AccountKey=${value}`);
    if (m && (m[0] === value || m.groups?.s === value)) return true;
  }
  return CONTEXT_DETECTORS.some((d) => d.value.test(value)) || /^[A-Za-z0-9/+]{40}$/.test(value);
}

describe('known false positives (data)', () => {
  it.each(KNOWN_FALSE_VALUES.map((k) => [k.value.slice(0, 12), k] as const))('%s… names its source and has a credential shape', (_v, k) => {
    expect(k.what.length).toBeGreaterThan(10);
    expect(k.source).toMatch(/^https:\/\//);
    expect(shapedLikeACredential(k.value) || k.value.startsWith('xoxb-not-a-real'), k.value).toBe(true);
  });

  it.each(KNOWN_FALSE_VALUES.map((k) => [k.value.slice(0, 12), k.value] as const))(
    '%s… is never reported, in any usual context',
    (_v, value) => {
      const contexts = [
        `${value}\n`,
        `api_key = "${value}"\n`,
        `export SECRET_TOKEN=${value}\n`,
        `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${value};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;\n`,
        `[default]\naws_access_key_id = ${value}\naws_secret_access_key = ${value}\n`,
      ];
      for (const text of contexts) expect(findSecrets(text, { path: 'README.md', isCode: false }), text).toEqual([]);
    },
  );

  it('a value one character away from an entry is reported (the list matches exactly)', () => {
    const emulator = KNOWN_FALSE_VALUES.find((k) => k.value.startsWith('Eby8'))!.value;
    const changed = `AccountKey=${emulator.replace('Eby8', 'Fby8')}\n`;
    expect(findSecrets(changed, { path: 'app.config', isCode: false }).map((h) => h.detector)).toEqual(['azure-storage-account-key']);
  });

  it('documentation hosts name their source', () => {
    for (const h of DOCUMENTATION_HOSTS) {
      expect(h.source).toMatch(/^https:\/\//);
      expect(findSecrets(`see https://anonymous:flabada@${h.value}/docs\n`, { path: 'a.md', isCode: false })).toEqual([]);
      expect(findSecrets(`see https://anonymous:Vq8rT2nXw4Lp@docs.internal.corp/docs\n`, { path: 'a.md', isCode: false })).toHaveLength(1);
    }
  });
});
