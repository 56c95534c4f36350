import { defineRule, type RuleContext } from '../../core/rule.js';
import type { K8sObjectDocument, K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { reportBuiltinGrant, coversGroup, entryPath, isCheckableRole, matchingVerbs, policyRules, roleLabel } from './lib/rbac.js';

const SUBRESOURCES = ['pods/exec', 'pods/attach', 'pods/*'];
/** Exec and attach are `create` on the subresource; WebSocket upgrades were long authorized as `get`. */
const VERBS = ['create', 'get'];

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0114',
    slug: 'rbac-pod-exec-attach',
    title: 'Role can exec or attach into pods',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'cis-k8s', control: '5.1.4' },
      { id: 'nsa-cisa', control: 'authentication-authorization' },
    ],
    rationale:
      '`pods/exec` and `pods/attach` run commands in any pod the role reaches: a shell in the model server reads the weights, the mounted Secrets and the service account token of that pod, and acts with its permissions. It is privilege escalation to every identity of the namespace. `get` counts as well: exec over WebSockets arrives as a GET request, and clusters that do not yet require `create` for the upgrade authorize it with `get`. A ClusterRole is high, a Role medium; bindings of the built-in `admin` and `edit` ClusterRoles, which include exec and attach, are reported on the binding (a ClusterRoleBinding high, a RoleBinding medium).',
    remediation:
      'Remove the `pods/exec` and `pods/attach` permissions from roles of workloads and automation; give humans time-boxed access through a break-glass role, and prefer logs, metrics and ephemeral debug containers behind an approval.',
    references: [
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation',
      'https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb',
    ],
    examples: {
      bad: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: debug\n  namespace: llm\nrules:\n- apiGroups: [""]\n  resources: ["pods", "pods/exec"]\n  verbs: ["get", "create"]\n',
        },
      ],
      good: [
        {
          path: 'rbac.yaml',
          content:
            'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: debug\n  namespace: llm\nrules:\n- apiGroups: [""]\n  resources: ["pods", "pods/log"]\n  verbs: ["get", "list"]\n',
        },
      ],
    },
  },
  check(set, ctx) {
    for (const doc of set.ofKind('Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding')) {
      if (reportBuiltinGrant(doc, set.objects, 'exec', 'can exec and attach into pods', (r) => ctx.report(r))) continue;
      checkRole(doc, ctx);
    }
  },
});

function checkRole(doc: K8sObjectDocument, ctx: RuleContext): void {
  if (!isCheckableRole(doc)) return;
  const cluster = doc.object.kind === 'ClusterRole';
  for (const r of policyRules(doc)) {
    if (!coversGroup(r, '')) continue;
    const verbs = matchingVerbs(r, VERBS);
    if (verbs.length === 0) continue;
    r.resources.values.forEach((res, i) => {
      if (!SUBRESOURCES.includes(res)) return;
      const what = res === 'pods/*' ? 'every pod subresource, exec and attach included' : res;
      ctx.report({
        doc,
        message: `${roleLabel(doc)} grants ${verbs.join(', ')} on ${what}${cluster ? '' : ` in namespace '${doc.namespace}'`} (rule ${r.index})`,
        at: entryPath(r.resources, i),
        severity: cluster ? 'high' : 'medium',
      });
    });
  }
}
