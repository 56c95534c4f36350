import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import { allParsers } from '../index.js';
import { k8sSet } from './k8s-classifier.js';
import { K8sObjectDocument, K8sSetDocument } from './k8s-documents.js';

const MANIFESTS = ['Role a', 'Service s', 'RoleBinding b', 'ClusterRole c', 'Service t', 'ClusterRoleBinding d']
  .map((o) => {
    const [kind, name] = o.split(' ');
    const apiVersion = kind === 'Service' ? 'v1' : 'rbac.authorization.k8s.io/v1';
    return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n`;
  })
  .join('---\n');

function setOf(text: string): K8sSetDocument {
  const file = new MemorySourceFile('k8s/app.yaml', text);
  const parser = allParsers.find((p) => p.produces.includes('k8s'))!;
  const docs = parser.parse(file, { limits: DEFAULT_LIMITS }).documents.filter((d) => d instanceof K8sObjectDocument);
  return k8sSet.collect(docs)[0] as K8sSetDocument;
}

describe('K8sSetDocument.ofKind', () => {
  it('gives the objects of the kinds asked for, in the order of the set', () => {
    const set = setOf(MANIFESTS);
    expect(set.ofKind('Service').map((o) => o.name)).toEqual(['s', 't']);
    expect(set.ofKind('ClusterRoleBinding', 'Role', 'RoleBinding').map((o) => o.name)).toEqual(['a', 'b', 'd']);
    expect(set.ofKind('Ingress')).toEqual([]);
  });

  it('gives an object once when its kind is asked for twice', () => {
    const set = setOf(MANIFESTS);
    expect(set.ofKind('Service', 'Role', 'Service').map((o) => o.name)).toEqual(['a', 's', 't']);
  });

  it('makes each list once per set', () => {
    const set = setOf(MANIFESTS);
    expect(set.ofKind('Role', 'ClusterRole')).toBe(set.ofKind('Role', 'ClusterRole'));
    expect(setOf(MANIFESTS).ofKind('Role', 'ClusterRole')).not.toBe(set.ofKind('Role', 'ClusterRole'));
  });
});
