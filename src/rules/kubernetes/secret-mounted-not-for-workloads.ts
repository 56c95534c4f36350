import { defineRule } from '../../core/rule.js';
import type { ObjectPath } from '../../core/types.js';
import type { K8sObjectDocument, K8sSetDocument, PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { asList, asMapping, describe, namespaceOf, objectLabel, serviceAccountOf, volumesOf } from './lib/workload.js';
import { lookupTable } from '../../core/lookup-table.js';

/** Secret types that hold credentials of the kubelet or the control plane, never of an application. */
const NOT_FOR_WORKLOADS: Readonly<Record<string, { what: string; severity: 'high' | 'medium' }>> = lookupTable({
  'kubernetes.io/dockerconfigjson': {
    what: 'registry credentials, which the kubelet uses to pull images (imagePullSecrets); with them a container can push to the registry',
    severity: 'high',
  },
  'kubernetes.io/dockercfg': {
    what: 'registry credentials, which the kubelet uses to pull images (imagePullSecrets); with them a container can push to the registry',
    severity: 'high',
  },
  'bootstrap.kubernetes.io/token': { what: 'a bootstrap token, which joins nodes to the cluster', severity: 'high' },
  'helm.sh/release.v1': {
    what: 'a Helm release record, which holds every value the release was installed with, its secrets included',
    severity: 'medium',
  },
});
const SA_TOKEN = 'kubernetes.io/service-account-token';

interface SecretRef {
  name: string;
  at: ObjectPath;
  how: string;
}

/** Where a pod spec takes Secrets: volumes (also projected), `envFrom` and `env[].valueFrom.secretKeyRef`. */
function secretRefs(pod: PodSpecDocument): SecretRef[] {
  const out: SecretRef[] = [];
  for (const c of pod.containers) {
    asList(c.container.envFrom).forEach((e, i) => {
      const ref = asMapping(asMapping(e).secretRef);
      if (typeof ref.name === 'string')
        out.push({
          name: ref.name,
          at: [...c.path, 'envFrom', i, 'secretRef', 'name'],
          how: `the environment of ${describe(c).toLowerCase()}`,
        });
    });
    asList(c.container.env).forEach((e, i) => {
      const ref = asMapping(asMapping(asMapping(e).valueFrom).secretKeyRef);
      if (typeof ref.name === 'string')
        out.push({
          name: ref.name,
          at: [...c.path, 'env', i, 'valueFrom', 'secretKeyRef', 'name'],
          how: `the environment of ${describe(c).toLowerCase()}`,
        });
    });
  }
  for (const v of volumesOf(pod)) {
    const secret = asMapping(v.volume.secret);
    if (typeof secret.secretName === 'string')
      out.push({ name: secret.secretName, at: [...v.path, 'secret', 'secretName'], how: `volume '${v.name}'` });
    asList(asMapping(v.volume.projected).sources).forEach((s, i) => {
      const ref = asMapping(asMapping(s).secret);
      if (typeof ref.name === 'string')
        out.push({ name: ref.name, at: [...v.path, 'projected', 'sources', i, 'secret', 'name'], how: `volume '${v.name}'` });
    });
  }
  return out;
}

const SECRET = (type: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: registry\n  namespace: llm\ntype: ${type}\ndata: {}\n---\n`;
const POD =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\n  namespace: llm\nspec:\n  selector:\n    matchLabels: {app: vllm}\n  template:\n    metadata:\n      labels: {app: vllm}\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n        volumeMounts:\n        - {name: creds, mountPath: /creds}\n      volumes:\n      - name: creds\n        secret:\n          secretName: registry\n';

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0203',
    slug: 'secret-mounted-not-for-workloads',
    title: 'Workload takes a Secret that is meant for the kubelet or the control plane',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'nsa-cisa', control: 'secrets' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
    ],
    rationale:
      'Some Secrets exist for Kubernetes itself, not for applications: registry credentials (`kubernetes.io/dockerconfigjson`) are read by the kubelet to pull images through `imagePullSecrets`, bootstrap tokens join nodes, Helm release records keep every value of a release, and the long-lived tokens of `kubernetes.io/service-account-token` Secrets authenticate as a service account forever. A container that mounts one of them, or takes it into its environment, holds a credential its code never needs: whoever gets code execution in it (a model server with a deserialization bug, a notebook) can push images to the registry the cluster pulls from, join a node of their own, or act as another service account. The rule joins each pod spec\u2019s secret volumes, projected sources, `envFrom` and `secretKeyRef` to the Secrets of its namespace; a cluster scan sees every Secret\u2019s type (never its values).',
    remediation:
      'Reference registry credentials only in `imagePullSecrets` (or the service account\u2019s), never as volumes or environment. Give pods their own service account with a projected, expiring token (the default) instead of a token Secret, and delete legacy token Secrets. Keep Helm release records and bootstrap tokens out of pod specs.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/secret/#secret-types',
      'https://kubernetes.io/docs/concepts/security/service-accounts/#get-a-token',
      'https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/',
    ],
    examples: {
      bad: [{ path: 'vllm.yaml', content: SECRET('kubernetes.io/dockerconfigjson') + POD }],
      good: [{ path: 'vllm.yaml', content: SECRET('Opaque') + POD }],
    },
  },
  check(set, ctx) {
    const secrets = new Map<string, K8sObjectDocument>();
    for (const o of set.ofKind('Secret')) if (o.object.apiVersion === 'v1') secrets.set(`${o.namespace}/${o.name}`, o);
    if (secrets.size === 0) return;
    for (const pod of set.pods) {
      const ns = namespaceOf(pod);
      for (const ref of secretRefs(pod)) {
        const secret = secrets.get(`${ns}/${ref.name}`);
        if (!secret) continue;
        const type = secret.object.type;
        if (typeof type !== 'string') continue;
        const where = objectLabel(pod);
        if (type === SA_TOKEN) {
          const annotations = secret.annotations;
          const account =
            typeof annotations['kubernetes.io/service-account.name'] === 'string' ? annotations['kubernetes.io/service-account.name'] : '';
          const own = account !== '' && account === serviceAccountOf(pod).name;
          ctx.report({
            doc: pod.owner,
            at: ref.at,
            severity: own ? 'medium' : 'high',
            message: own
              ? `${where} takes Secret '${ref.name}' into ${ref.how}: a long-lived token of its own service account '${account}', which never expires (the projected token it gets by default does)`
              : `${where} takes Secret '${ref.name}' into ${ref.how}: a token of service account '${account || '(unknown)'}', which is not the one it runs as, and never expires`,
          });
          continue;
        }
        const kind = NOT_FOR_WORKLOADS[type];
        if (!kind) continue;
        ctx.report({
          doc: pod.owner,
          at: ref.at,
          severity: kind.severity,
          message: `${where} takes Secret '${ref.name}' (${type}) into ${ref.how}: ${kind.what}`,
        });
      }
    }
  },
});
