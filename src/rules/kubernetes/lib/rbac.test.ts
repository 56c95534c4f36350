import { describe, expect, it } from 'vitest';
import type { K8sObjectDocument } from '../../../parsers/k8s/k8s-documents.js';
import { builtinGrant, isBinding, isRbac, isRole } from './rbac.js';

const doc = (apiVersion: string, kind: string) => ({ object: { apiVersion, kind } }) as unknown as K8sObjectDocument;

describe('RBAC object kinds', () => {
  it('takes the group from the apiVersion, whatever the version', () => {
    expect(isRole(doc('rbac.authorization.k8s.io/v1', 'Role'))).toBe(true);
    expect(isRole(doc('rbac.authorization.k8s.io/v1beta1', 'ClusterRole'))).toBe(true);
    expect(isRole(doc('rbac.authorization.k8s.io/', 'ClusterRole'))).toBe(true);
    expect(isBinding(doc('rbac.authorization.k8s.io/v1', 'RoleBinding'))).toBe(true);
    expect(isBinding(doc('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'))).toBe(true);
    expect(isRbac(doc('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'), 'RoleBinding', 'ClusterRoleBinding')).toBe(true);
  });

  it('leaves other groups and kinds alone', () => {
    expect(isRole(doc('rbac.authorization.k8s.io', 'Role'))).toBe(false);
    expect(isRole(doc('v1', 'Role'))).toBe(false);
    expect(isRole(doc('example.com/rbac.authorization.k8s.io/v1', 'Role'))).toBe(false);
    expect(isRole(doc('rbac.authorization.k8s.io/v1/x', 'Role'))).toBe(false);
    expect(isRole(doc('rbac.authorization.k8s.io.example.com/v1', 'Role'))).toBe(false);
    expect(isRole(doc('rbac.authorization.k8s.io/v1', 'RoleBinding'))).toBe(false);
    expect(isBinding(doc('rbac.authorization.k8s.io/v1', 'ClusterRole'))).toBe(false);
    expect(isRbac(doc('rbac.authorization.k8s.io/v1', 'Role'), 'ClusterRole')).toBe(false);
  });
});

describe('builtinGrant', () => {
  const binding = (roleName: string) =>
    ({
      namespace: 'ml',
      name: 'b',
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'b', namespace: 'ml' },
        roleRef: { kind: 'ClusterRole', name: roleName },
      },
    }) as unknown as K8sObjectDocument;

  it('knows the built-in admin and edit ClusterRoles', () => {
    expect(builtinGrant(binding('edit'), [])).toEqual({
      ref: { kind: 'ClusterRole', name: 'edit', path: ['roleRef', 'name'] },
      secrets: true,
      exec: true,
    });
  });

  it('takes no role named like an Object member for a built-in one', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) expect(builtinGrant(binding(name), [])).toBeUndefined();
  });
});
