import { defineRule, type RuleContext } from '../../core/rule.js';
import type { ContainerView } from '../../parsers/k8s/pod-specs.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { containerLabel, isSet, mapping, PSA_CHECKS, PSS_DOC, str } from './lib/pss.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HOOKS = ['postStart', 'preStop'] as const;
const HANDLERS = ['httpGet', 'tcpSocket'] as const;

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0012',
    slug: 'host-probe-or-lifecycle-host',
    title: 'Probe or lifecycle hook targets another host',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'hostProbesAndHostLifecycle', level: 'baseline' },
      { id: 'nsa-cisa', control: 'network-separation' },
    ],
    rationale:
      "HTTP and TCP probes and lifecycle hooks are sent by the kubelet, from the node's network. Setting their `host` makes the kubelet connect wherever the pod author chooses: node-local services bound to 127.0.0.1, the cloud metadata endpoint, or other internal hosts (server-side request forgery, with the result visible in events and probe status). Pod Security Admission rejects any non-empty `host` in probes and lifecycle handlers at baseline since policy v1.34.",
    remediation:
      "Remove `host` from `httpGet` and `tcpSocket` in probes and lifecycle hooks: the kubelet then targets the pod's own IP. To check an HTTP virtual host, set a `Host` header in `httpGet.httpHeaders` instead.",
    references: [
      `${PSS_DOC}#baseline`,
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#http-probes',
      PSA_CHECKS,
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: api\n    image: api:1.0\n    livenessProbe:\n      httpGet:\n        host: 169.254.169.254\n        path: /latest/meta-data/\n        port: 80\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: api\n    image: api:1.0\n    livenessProbe:\n      httpGet:\n        path: /healthz\n        port: 8080\n        httpHeaders:\n        - name: Host\n          value: api.example.com\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      for (const p of PROBES) checkHandler(ctx, c, c.container[p], p, undefined, p);
      const lifecycle = mapping(c.container.lifecycle);
      if (lifecycle) for (const h of HOOKS) checkHandler(ctx, c, lifecycle[h], 'lifecycle', h, `${h} hook`);
    }
  },
});

/** Reports each handler of a probe or hook (at `c.path`/`field`[/`hook`]) that targets a host. */
function checkHandler(ctx: RuleContext, c: ContainerView, handler: unknown, field: string, hook: string | undefined, what: string): void {
  const h = mapping(handler);
  if (!h) return;
  for (const kind of HANDLERS) {
    const host = mapping(h[kind])?.host;
    if (!isSet(host) || str(host) === '') continue;
    const at = hook === undefined ? [...c.path, field, kind, 'host'] : [...c.path, field, hook, kind, 'host'];
    ctx.report({ message: `${containerLabel(c)} ${what} (${kind}) targets host '${str(host)}'`, at });
  }
}
