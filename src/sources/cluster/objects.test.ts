import { describe, expect, it } from 'vitest';
import type { ClusterListing } from '../../core/source-file.js';
import { fileLines } from '../../core/line-index.js';
import { ClusterObjectFile } from './objects.js';

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
