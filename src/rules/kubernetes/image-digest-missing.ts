import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { describe, imageOf } from './lib/workload.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0101',
    slug: 'image-digest-missing',
    title: 'Image not pinned by digest',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod', 'k8s-container-override'],
    frameworks: [{ id: 'nsa-cisa', control: 'image-scanning' }],
    rationale:
      'A version tag is a convention, not a guarantee: it can be re-pushed, and a compromised registry account can replace it. Only a digest names exactly the image that was built, scanned and signed. This matters most for large AI serving images, which are rebuilt often and pulled from public registries.',
    remediation:
      'Append the digest to the tag (`image: vllm/vllm-openai:v0.6.3@sha256:…`; `crane digest` or `docker buildx imagetools inspect` prints it), and let an update bot move both together.',
    references: [
      'https://kubernetes.io/docs/concepts/containers/images/#image-names',
      'https://github.com/opencontainers/image-spec/blob/main/descriptor.md#digests',
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: tgi\nspec:\n  containers:\n  - name: tgi\n    image: ghcr.io/huggingface/text-generation-inference:2.4.0\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: tgi\nspec:\n  containers:\n  - name: tgi\n    image: ghcr.io/huggingface/text-generation-inference:2.4.0@sha256:4c2a6d9d1ee4ee1b8a30c2b9a81c3f1e2d42bcad17e61bd0a4c7a0f3d9b6e2a1\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      const ref = imageOf(c);
      // No tag and `:latest` are K8S-0100's findings.
      if (!ref || ref.digest || ref.tag === undefined || ref.tag === 'latest') continue;
      ctx.report({ message: `${describe(c)} uses image '${ref.repository}:${ref.tag}' by tag, not by digest`, at: [...c.path, 'image'] });
    }
  },
});
