import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { setValueEdit } from '../../parsers/yaml/yaml-edit.js';
import { asMapping, containerAnchor, describe, mergedWithRuntime } from './lib/workload.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0104',
    slug: 'root-filesystem-writable',
    title: 'Container root filesystem is writable',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'nsa-cisa', control: 'immutable-filesystem' },
      { id: 'cis-k8s', control: '5.7.3' },
    ],
    rationale:
      'With a writable root filesystem an attacker who gets code execution (a malicious model, a prompt-injected tool call, a vulnerable dependency) can drop binaries, patch the serving code or a Python package so the change survives in the running container, and hide it among the image files. A read-only root filesystem turns the image into what it claims to be; caches and scratch space go to explicit volumes.',
    remediation:
      'Set `securityContext.readOnlyRootFilesystem: true` on each container and mount an `emptyDir` where the program writes (`/tmp`, the Hugging Face cache `HF_HOME`, `~/.triton`, `/dev/shm`).',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
      'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1',
    ],
    fixable: true,
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: api\n    image: ghcr.io/acme/rag-api:1.4.2\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\nspec:\n  containers:\n  - name: api\n    image: ghcr.io/acme/rag-api:1.4.2\n    securityContext:\n      readOnlyRootFilesystem: true\n    volumeMounts:\n    - name: tmp\n      mountPath: /tmp\n  volumes:\n  - name: tmp\n    emptyDir: {}\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      // Ephemeral debug containers are attached by hand; their filesystem is not the workload's.
      if (c.group === 'ephemeralContainers') continue;
      const sc = c.container.securityContext;
      const value = asMapping(sc).readOnlyRootFilesystem;
      if (value === true) continue;
      // A KServe model component is merged over its ServingRuntime's container, which may set it.
      if (value !== false && mergedWithRuntime(pod, c) === 'component') continue;
      const field = [...c.path, 'securityContext', 'readOnlyRootFilesystem'];
      const edit = setValueEdit(pod.owner, field, true);
      ctx.report({
        message:
          value === false
            ? `${describe(c)} sets readOnlyRootFilesystem: false`
            : `${describe(c)} does not set readOnlyRootFilesystem: true`,
        at: value === false ? field : sc !== undefined ? [...c.path, 'securityContext'] : containerAnchor(c),
        ...(value === false ? {} : { subject: field }),
        ...(edit ? { fix: { description: `Set readOnlyRootFilesystem: true on ${describe(c).toLowerCase()}`, edits: [edit] } } : {}),
      });
    }
  },
});
