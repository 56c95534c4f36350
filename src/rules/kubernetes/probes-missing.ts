import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { asList, containerAnchor, describe } from './lib/workload.js';

/**
 * Controllers that keep servers running and route traffic by readiness (of the `apps` group;
 * `extensions` for an old Deployment; `apps.kruise.io` for OpenKruise's Advanced StatefulSet).
 */
const SERVER_KINDS = new Set(['Deployment', 'StatefulSet']);
const SERVER_GROUPS = new Set(['apps', 'extensions', 'apps.kruise.io']);

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0109',
    slug: 'probes-missing',
    title: 'Long-running server without liveness or readiness probe',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [],
    rationale:
      'Without a readiness probe a Service sends requests to a pod the moment its container starts: a model server still loading tens of gigabytes of weights answers with errors, and a rollout replaces healthy replicas with ones that cannot serve. Without a liveness probe a wedged server (a deadlocked worker, a CUDA error that leaves the process alive) is never restarted. Only containers of Deployments and StatefulSets (OpenKruise\u2019s Advanced StatefulSet too) that declare ports are checked: batch work and sidecars without ports do not serve.',
    remediation:
      'Add a `readinessProbe` on the serving endpoint (vLLM and TGI expose `/health`, Triton `/v2/health/ready`) and a `livenessProbe`; give slow model loads a `startupProbe` with a generous `failureThreshold` instead of a long initial delay.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    ],
    examples: {
      bad: [
        {
          path: 'deploy.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tgi\nspec:\n  template:\n    spec:\n      containers:\n      - name: tgi\n        image: ghcr.io/huggingface/text-generation-inference:2.4.0\n        ports:\n        - containerPort: 80\n',
        },
      ],
      good: [
        {
          path: 'deploy.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tgi\nspec:\n  template:\n    spec:\n      containers:\n      - name: tgi\n        image: ghcr.io/huggingface/text-generation-inference:2.4.0\n        ports:\n        - containerPort: 80\n        readinessProbe:\n          httpGet: {path: /health, port: 80}\n        livenessProbe:\n          httpGet: {path: /health, port: 80}\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    // The object that makes the pods: the Deployment an AppWrapper wraps as well as one of its own.
    const { group, kind } = pod.belongsTo;
    if (!SERVER_KINDS.has(kind) || !SERVER_GROUPS.has(group)) return;
    for (const c of pod.containers) {
      if (c.group !== 'containers' || asList(c.container.ports).length === 0) continue;
      const missing = (['readinessProbe', 'livenessProbe'] as const).filter((p) => c.container[p] === undefined || c.container[p] === null);
      if (missing.length === 0) continue;
      ctx.report({ message: `${describe(c)} serves ports but has no ${missing.join(' or ')}`, at: containerAnchor(c) });
    }
  },
});
