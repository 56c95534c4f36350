#!/usr/bin/env bash
# End-to-end check of `sanctum cluster` against a real API server, in a throwaway kind cluster.
# Needs Docker, kind and kubectl; not run in CI (see docs/cluster.md). Run `npm run build` first.
# KEEP=1 keeps the cluster afterwards; CLUSTER=name picks its name (default sanctum-e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
name="${CLUSTER:-sanctum-e2e}"
context="kind-$name"
for tool in docker kind kubectl node; do
  command -v "$tool" >/dev/null || { echo "e2e-kind: $tool is not installed" >&2; exit 2; }
done
[ -f dist/cli/main.js ] || { echo "e2e-kind: run npm run build first" >&2; exit 2; }

out="$(mktemp -d)"
cleanup() {
  rm -rf "$out"
  if [ "${KEEP:-0}" != 1 ]; then kind delete cluster --name "$name" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

kind get clusters | grep -qx "$name" || kind create cluster --name "$name" --wait 120s
kubectl --context "$context" apply -f test/e2e/kind/platform.yaml
# What GPU feature discovery writes on a node whose device plugin time-slices its GPUs.
node="$(kubectl --context "$context" get nodes -o jsonpath='{.items[0].metadata.name}')"
kubectl --context "$context" label --overwrite node "$node" \
  nvidia.com/gpu.present=true nvidia.com/gpu.sharing-strategy=time-slicing nvidia.com/gpu.replicas=4

# A user that may not list Secrets: the scan must go on and say so.
kubectl --context "$context" apply -f - <<'YAML'
apiVersion: v1
kind: ServiceAccount
metadata: {name: sanctum-e2e, namespace: default}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: sanctum-e2e-no-secrets}
rules:
- apiGroups: ["", apps, batch, networking.k8s.io, rbac.authorization.k8s.io]
  resources: [namespaces, nodes, pods, services, serviceaccounts, configmaps, resourcequotas, limitranges,
              deployments, statefulsets, daemonsets, replicasets, jobs, cronjobs, ingresses, networkpolicies,
              roles, clusterroles, rolebindings, clusterrolebindings]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: sanctum-e2e-no-secrets}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: sanctum-e2e-no-secrets}
subjects: [{kind: ServiceAccount, name: sanctum-e2e, namespace: default}]
YAML

echo "== full access"
node bin/sanctum cluster --context "$context" --format json -o "$out/full.json" --fail-on none --page-size 50
node - "$out/full.json" <<'JS'
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const want = {
  'K8S-0003': 'llm/Deployment.apps/vllm',
  'K8S-0110': 'ClusterRoleBinding.rbac.authorization.k8s.io/ray-dashboard-view',
  'K8S-0200': 'llm/RoleBinding.rbac.authorization.k8s.io/model-registry-reader',
  'K8S-0202': null,
  'K8S-0203': 'llm/CronJob.batch/sync',
  'K8S-0150': 'llm/Service/jupyter',
  'K8S-0201': 'Namespace/llm',
};
let bad = 0;
for (const [rule, path] of Object.entries(want)) {
  const hit = r.findings.find((f) => f.ruleId === rule && (path === null || f.location.path === path));
  console.log(`${hit ? 'ok  ' : 'MISS'} ${rule} ${path ?? ''}`);
  if (!hit) bad++;
  else if (!hit.location.cluster || hit.location.startLine !== undefined) { console.log('     … without location.cluster or with lines'); bad++; }
}
if (r.findings.some((f) => f.location.resource?.kind === 'Pod' && f.location.resource.namespace === 'llm')) { console.log('Pods of a scanned Deployment were reported'); bad++; }
process.exit(bad ? 1 : 0);
JS

echo "== without permission to list Secrets"
token="$(kubectl --context "$context" -n default create token sanctum-e2e)"
kubeconfig="$out/limited"
kubectl --context "$context" config view --minify --raw > "$kubeconfig"
kubectl --kubeconfig "$kubeconfig" config set-credentials limited --token="$token" >/dev/null
kubectl --kubeconfig "$kubeconfig" config set-context --current --user=limited >/dev/null
node bin/sanctum cluster --kubeconfig "$kubeconfig" --format json -o "$out/limited.json" --fail-on none
node - "$out/limited.json" <<'JS'
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const err = r.errors.find((e) => /^no permission to list secrets/.test(e.message));
console.log(`${err ? 'ok  ' : 'MISS'} errors: ${err ? err.message.slice(0, 100) : '(none for secrets)'}`);
console.log(`${r.findings.length ? 'ok  ' : 'MISS'} the scan went on: ${r.findings.length} findings`);
process.exit(err && r.findings.length ? 0 : 1);
JS
echo "e2e-kind: passed"
