import { describe, expect, it } from 'vitest';
import type { ClusterListing } from '../../core/source-file.js';
import { clusterExampleFiles } from '../../testing/cluster-example.js';
import { runRule } from '../../testing/rule-tester.js';
import { Engine } from '../../core/engine.js';
import { allParsers } from '../../parsers/index.js';
import rule from './rbac-binding-role-missing.js';

const binding = (kind: string, roleKind: string, role: string, ns = '  namespace: ml\n') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: b\n${ns}roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ${roleKind}\n  name: ${role}\nsubjects:\n- kind: ServiceAccount\n  name: runner\n  namespace: ml\n`;
const role = (kind: string, name: string, ns = '  namespace: ml\n') =>
  `apiVersion: rbac.authorization.k8s.io/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${ns}rules:\n- apiGroups: [""]\n  resources: [pods]\n  verbs: [get]\n---\n`;

function clusterFindings(content: string, listing?: ClusterListing) {
  const engine = new Engine({ parsers: allParsers, rules: [rule], lookup: () => undefined, today: '2026-01-01' });
  for (const f of clusterExampleFiles({ path: 'cluster.yaml', content, cluster: true }, listing)) engine.scanFile(f);
  return engine.finish().findings;
}

describe('K8S-0200 rbac-binding-role-missing in a cluster', () => {
  it('reports a ClusterRoleBinding to a ClusterRole that does not exist, at its roleRef, without lines', () => {
    const [f, ...rest] = clusterFindings(binding('ClusterRoleBinding', 'ClusterRole', 'gpu-operator', ''));
    expect(rest).toEqual([]);
    expect(f.location).toEqual({
      path: 'ClusterRoleBinding.rbac.authorization.k8s.io/b',
      objectPath: '/roleRef/name',
      resource: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', name: 'b' },
      cluster: { context: 'example', server: 'https://127.0.0.1:6443' },
    });
    expect(f.message).toBe(
      "ClusterRoleBinding 'b' grants ClusterRole 'gpu-operator', which does not exist: whoever creates a ClusterRole of that name decides what ServiceAccount ml/runner can do in every namespace",
    );
    expect(f.severity).toBe('high');
  });

  it('reports a RoleBinding whose Role is in another namespace only', () => {
    const found = clusterFindings(role('Role', 'reader', '  namespace: other\n') + binding('RoleBinding', 'Role', 'reader'));
    expect(found.map((f) => [f.location.path, f.location.objectPath, f.message])).toEqual([
      [
        'ml/RoleBinding.rbac.authorization.k8s.io/b',
        '/roleRef/name',
        "RoleBinding 'b' grants Role 'reader' in namespace 'ml', which does not exist: whoever creates a Role of that name decides what ServiceAccount ml/runner can do in namespace 'ml'",
      ],
    ]);
  });

  it('stays quiet when the role exists, for bootstrap bindings, and when the role kind could not be listed', () => {
    expect(clusterFindings(role('ClusterRole', 'reader', '') + binding('RoleBinding', 'ClusterRole', 'reader'))).toEqual([]);
    expect(clusterFindings(role('Role', 'reader') + binding('RoleBinding', 'Role', 'reader'))).toEqual([]);
    const boot = binding('ClusterRoleBinding', 'ClusterRole', 'x', '').replace(
      '  name: b\n',
      '  name: b\n  labels: {kubernetes.io/bootstrapping: rbac-defaults}\n',
    );
    expect(clusterFindings(boot)).toEqual([]);
    const forbidden: ClusterListing = { ref: { context: 'c', server: 's' }, listed: (_g, kind) => kind !== 'ClusterRole' };
    expect(clusterFindings(binding('ClusterRoleBinding', 'ClusterRole', 'gone', ''), forbidden)).toEqual([]);
    const otherNamespaceOnly: ClusterListing = {
      ref: { context: 'c', server: 's' },
      listed: (_g, kind, ns) => kind !== 'Role' || ns === 'other',
    };
    expect(clusterFindings(binding('RoleBinding', 'Role', 'gone'), otherNamespaceOnly)).toEqual([]);
  });

  it('is silent in a file scan, which cannot know every role (K8S-0128 reports the role as not in the scan)', () => {
    const { findings, errors } = runRule(rule, { path: 'rbac.yaml', content: binding('ClusterRoleBinding', 'ClusterRole', 'gone', '') });
    expect(errors).toEqual([]);
    expect(findings).toEqual([]);
  });

  it('reports its bad example and not its good one', () => {
    expect(runRule(rule, rule.meta.examples.bad).findings).toHaveLength(1);
    expect(runRule(rule, rule.meta.examples.good).findings).toHaveLength(0);
  });
});
