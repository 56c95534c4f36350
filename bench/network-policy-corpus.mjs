// One namespace of many pods and NetworkPolicies, for the rules that match policies' pod selectors
// against pods (K8S-0165): 6,000 Deployments (every third a model server) and 3,000 NetworkPolicies
// with an allow-all ingress rule, half selecting one app (`app: appN`), half a tenth of the pods
// (`tier: tN, team: ml`). One file.
// Usage: node bench/network-policy-corpus.mjs DIR [PODS] [POLICIES]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, podsArg = '6000', policiesArg = '3000'] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node bench/network-policy-corpus.mjs DIR [PODS] [POLICIES]\n');
  process.exit(2);
}
const docs = [];
for (let i = 0; i < Number(podsArg); i++)
  docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app${i}, namespace: big}
spec:
  selector: {matchLabels: {app: app${i}}}
  template:
    metadata: {labels: {app: app${i}, tier: t${i % 10}, team: ml}}
    spec:
      containers:
      - name: c
        image: ${i % 3 === 0 ? 'vllm/vllm-openai:v0.6.3' : 'nginx:1.27'}
`);
for (let j = 0; j < Number(policiesArg); j++)
  docs.push(`apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np${j}, namespace: big}
spec:
  podSelector: {matchLabels: {${j % 2 ? `app: app${j * 2}` : `tier: t${j % 10}, team: ml`}}}
  policyTypes: [Ingress]
  ingress:
  - {}
`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'namespace.yaml'), docs.join('---\n'));
