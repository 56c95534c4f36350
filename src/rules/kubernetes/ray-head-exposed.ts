import { lookupTable } from '../../core/lookup-table.js';
import { defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/types.js';
import type { K8sObjectDocument } from '../../parsers/k8s/k8s-documents.js';
import type { ObjectPath } from '../../core/types.js';
import { lower } from './lib/network.js';

const HEAD_PATHS: Readonly<Record<string, ObjectPath>> = lookupTable({
  RayCluster: ['spec', 'headGroupSpec'],
  RayJob: ['spec', 'rayClusterSpec', 'headGroupSpec'],
  RayService: ['spec', 'rayClusterConfig', 'headGroupSpec'],
});

const CLUSTER = (head: string) =>
  `apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: train\nspec:\n  headGroupSpec:\n${head}    rayStartParams: {dashboard-host: 0.0.0.0}\n    template:\n      spec:\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.9.0\n`;

function tokenAuth(head: unknown): boolean {
  const containers = (head as { template?: { spec?: { containers?: unknown } } } | undefined)?.template?.spec?.containers;
  if (!Array.isArray(containers)) return false;
  return containers.some(
    (c) =>
      Array.isArray(c?.env) &&
      c.env.some(
        (e: unknown) =>
          (e as { name?: unknown; value?: unknown })?.name === 'RAY_AUTH_MODE' &&
          String((e as { value?: unknown }).value).toLowerCase() === 'token',
      ),
  );
}

export default defineRule<K8sObjectDocument>({
  meta: {
    id: 'K8S-0154',
    slug: 'ray-head-exposed',
    title: 'KubeRay head service exposed outside the cluster',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['k8s'],
    frameworks: [
      { id: 'nsa-cisa', control: 'network-separation' },
      { id: 'mitre-atlas', control: 'AML.T0049' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      'KubeRay creates the head Service of a RayCluster, RayJob or RayService itself, from `headGroupSpec.serviceType` (or `headGroupSpec.headService`), and an unauthenticated Ingress when `headGroupSpec.enableIngress` is true. The head serves the dashboard and the Jobs API on 8265 and the Ray client on 10001: without `RAY_AUTH_MODE=token`, anyone who reaches them submits jobs that run arbitrary code on every node of the cluster (CVE-2023-48022, exploited at scale as "ShadowRay"). These Services never appear in the manifests, so rules on Service objects cannot see them.',
    remediation:
      'Leave `serviceType` at `ClusterIP`, drop `enableIngress`, and reach the dashboard with `kubectl port-forward` or through an authenticating proxy. On Ray 2.52 and later also enable token authentication: `RAY_AUTH_MODE=token` on the head and workers, or `spec.authOptions.mode: token` with a KubeRay release that supports it.',
    references: [
      'https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/config.html',
      'https://docs.ray.io/en/latest/cluster/kubernetes/user-guides/ingress.html',
      'https://docs.ray.io/en/latest/ray-security/token-auth.html',
      'https://nvd.nist.gov/vuln/detail/CVE-2023-48022',
    ],
    examples: {
      bad: [{ path: 'ray.yaml', content: CLUSTER('    serviceType: LoadBalancer\n') }],
      good: [{ path: 'ray.yaml', content: CLUSTER('    serviceType: ClusterIP\n') }],
    },
  },
  check(doc, ctx) {
    if (!doc.resource.apiVersion?.startsWith('ray.io/')) return;
    const base = HEAD_PATHS[doc.resource.kind];
    if (!base) return;
    const head = doc.get(base);
    if (typeof head !== 'object' || head === null) return;
    const auth = tokenAuth(head) || doc.get([...base.slice(0, -1), 'authOptions', 'mode']) === 'token';
    const report = (at: ObjectPath, how: string, severity: Severity): void => {
      ctx.report({
        at,
        severity: auth ? lower(severity, 2) : severity,
        message: `${doc.resource.kind} '${doc.name}' has KubeRay create ${how} for the Ray head: dashboard, Jobs API and client ${auth ? 'protected by token authentication' : 'without authentication'}`,
      });
    };
    const types: Array<{ at: ObjectPath; type: unknown }> = [
      { at: [...base, 'serviceType'], type: doc.get([...base, 'serviceType']) },
      { at: [...base, 'headService', 'spec', 'type'], type: doc.get([...base, 'headService', 'spec', 'type']) },
    ];
    for (const t of types) {
      if (t.type === 'LoadBalancer') report(t.at, 'a LoadBalancer Service', 'critical');
      else if (t.type === 'NodePort') report(t.at, 'a NodePort Service', 'high');
    }
    if (doc.get([...base, 'enableIngress']) === true)
      report([...base, 'enableIngress'], 'an Ingress (no TLS, no authentication)', 'critical');
  },
});
