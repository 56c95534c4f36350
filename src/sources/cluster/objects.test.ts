import { describe, expect, it } from 'vitest';
import type { ClusterListing } from '../../core/source-file.js';
import { fileLines } from '../../core/line-index.js';
import type { ResourceType } from './kinds.js';
import { asManifest, ClusterObjectFile } from './objects.js';

const listing: ClusterListing = { ref: { context: 'test', server: 'https://127.0.0.1:6443' }, listed: () => true };

describe('ClusterObjectFile', () => {
  it('is read as the object written as indented JSON, with its positions found beside the text', () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } };
    const file = new ClusterObjectFile('default/ConfigMap/c', object, listing);
    expect(file.text()).toBe(JSON.stringify(object, null, 2));
    expect(file.size).toBe(Buffer.byteLength(file.text()));
    const table = file.positions()!;
    expect(table.results[table.roots[0]]).toBe(object);
  });

  it('drops its text on release, with the line index built on it (the file itself lives on with its documents)', () => {
    const file = new ClusterObjectFile('default/ConfigMap/c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, listing);
    expect(fileLines(file).lineCount).toBe(7);
    file.release();
    // Not served from a cache holding the old text: built again, from a text that is gone.
    expect(() => fileLines(file)).toThrow(/released/);
    expect(file.positions()).toBeUndefined();
  });
});

describe('asManifest', () => {
  const configMaps: ResourceType = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true };

  it('keeps an own "__proto__" key of a listed object as a key: it never becomes the manifest\'s prototype', () => {
    const item = JSON.parse('{"kind":"ConfigMap","metadata":{"name":"c"},"__proto__":{"spec":{"hostNetwork":true}},"data":{"k":"v"}}');
    const manifest = asManifest(item, configMaps);
    expect(Object.getPrototypeOf(manifest)).toBe(Object.prototype);
    expect('spec' in manifest).toBe(false);
    expect(Object.keys(manifest)).toEqual(['apiVersion', 'kind', 'metadata', '__proto__', 'data']);
  });

  it('drops managed fields and the last-applied annotation, keeping the key order of the object', () => {
    const item = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        managedFields: [{ manager: 'kubectl' }],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'a' },
      },
      data: { k: 'v' },
    };
    expect(asManifest(item, configMaps)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { team: 'a' } }, data: { k: 'v' } });
    expect(Object.keys(asManifest({ kind: 'ConfigMap', data: {} }, configMaps))).toEqual(['apiVersion', 'kind', 'data']);
  });
});
