import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { scanSync } from '../../scan.js';

// `kubectl get -o yaml` writes a `v1 List`; typed lists (`RoleList`) come from the API. Each item is an
// object of its own: findings point at the item's lines, and cross-object rules see every item.

const LIST = `apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: Role
  metadata:
    name: reader
    namespace: ml
  rules:
  - apiGroups: [""]
    resources: [configmaps]
    verbs: [get]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: reader, namespace: ml}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
  subjects: [{kind: ServiceAccount, name: trainer, namespace: ml}]
- apiVersion: rbac.authorization.k8s.io/v1
  kind: RoleBinding
  metadata: {name: writer, namespace: ml}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: writer}
  subjects: [{kind: ServiceAccount, name: trainer, namespace: ml}]
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: trainer, namespace: ml}
  spec:
    selector: {matchLabels: {app: trainer}}
    template:
      metadata: {labels: {app: trainer}}
      spec:
        serviceAccountName: trainer
        containers:
        - name: train
          image: ghcr.io/acme/train:1.0
          securityContext:
            privileged: true
`;

const where = (r: ReturnType<typeof scanSync>): string[] =>
  r.findings.map((f) => {
    const l = f.location;
    return `${f.ruleId} ${l.path}:${l.startLine}:${l.startColumn}-${l.endLine}:${l.endColumn} ${l.objectPath} ${l.resource?.kind}/${l.resource?.name}`;
  });

describe('List kinds', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-list-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("points each finding at its item's lines, and the cross-object rules see every item", () => {
    const r = scanSync({ targets: [], files: [new MemorySourceFile('all.yaml', LIST)], config: false, rules: ['K8S-0003', 'K8S-0128'] });
    expect(r.errors).toEqual([]);
    expect(where(r)).toEqual([
      // Only the binding to a role the list does not define: `reader` is found among the items.
      'K8S-0128 all.yaml:21:62-21:74 /items/2/roleRef/name RoleBinding/writer',
      'K8S-0003 all.yaml:36:13-36:29 /items/3/spec/template/spec/containers/0/securityContext/privileged Deployment/trainer',
    ]);
  });

  it('joins the items with the objects of other files of the same directory', () => {
    const roleOnly = LIST.slice(0, LIST.indexOf('- apiVersion: rbac.authorization.k8s.io/v1\n  kind: RoleBinding'));
    const writer =
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: writer, namespace: ml}\nrules: []\n---\n' +
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: reader, namespace: ml}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}\nsubjects: []\n';
    writeFileSync(join(dir, 'roles.yaml'), roleOnly);
    writeFileSync(join(dir, 'bindings.yaml'), writer);
    const r = scanSync({ targets: ['.'], cwd: dir, config: false, rules: ['K8S-0128'] });
    expect(r.errors).toEqual([]);
    expect(where(r)).toEqual([]);
  });

  it('reads typed lists (RoleBindingList) from the API as JSON, at the exact item', () => {
    const json = JSON.stringify(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBindingList',
        items: [
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: 'writer', namespace: 'ml' },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'writer' },
            subjects: [],
          },
        ],
      },
      null,
      2,
    );
    const r = scanSync({ targets: [], files: [new MemorySourceFile('bindings.json', json)], config: false, rules: ['K8S-0128'] });
    expect(where(r)).toEqual(['K8S-0128 bindings.json:15:9-15:25 /items/0/roleRef/name RoleBinding/writer']);
  });
});
