import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { describe, imageOf } from './lib/workload.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0100',
    slug: 'image-tag-mutable',
    title: 'Image without a tag or with :latest',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod', 'k8s-container-override'],
    frameworks: [{ id: 'nsa-cisa', control: 'image-scanning' }],
    rationale:
      'An image without a tag is pulled as `:latest`, and `:latest` moves with every push: two replicas of the same Deployment can run different code, a rollback does not roll back, and whoever can push to the repository changes what runs in the cluster without a change to the manifest. What was scanned is not what runs.',
    remediation:
      'Pin every container image to a released version tag, and better to a digest (`image: vllm/vllm-openai:v0.6.3@sha256:…`); let a tool such as Renovate propose upgrades.',
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#image-names',
      'https://kubernetes.io/docs/concepts/configuration/overview/#container-images',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ollama\nspec:\n  containers:\n  - name: ollama\n    image: ollama/ollama:latest\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ollama\nspec:\n  containers:\n  - name: ollama\n    image: ollama/ollama:0.4.7\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      const ref = imageOf(c);
      if (!ref || ref.digest) continue;
      if (ref.tag === undefined)
        ctx.report({
          message: `${describe(c)} uses image '${ref.repository}' without a tag, so it runs whatever ':latest' is at pull time`,
          at: [...c.path, 'image'],
        });
      else if (ref.tag === 'latest')
        ctx.report({ message: `${describe(c)} uses the mutable tag ':latest' of image '${ref.repository}'`, at: [...c.path, 'image'] });
    }
  },
});
