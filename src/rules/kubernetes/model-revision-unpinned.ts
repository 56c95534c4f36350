import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { hubModels, isPinnedRevision } from './lib/gpu.js';
import { describe } from './lib/workload.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0126',
    slug: 'model-revision-unpinned',
    title: 'Model pulled from the hub at start-up without a pinned revision',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod', 'k8s-container-override'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
    ],
    rationale:
      "A model server started with `--model org/name` (vLLM, SGLang), `--model-id` or `MODEL_ID` (TGI), `huggingface-cli download org/name`, `--model_id` (KServe) or an `hf://` storage URI downloads whatever the repository's default branch holds when the pod starts. A push to that repository, a compromised maintainer account or a repository taken over after a rename changes the weights, tokenizer, chat template or custom code in production without a change to the manifest, and replicas started at different times serve different models. Only a commit id pins a revision: a branch or tag name moves (low).",
    remediation:
      'Pass the commit id of the reviewed revision: `--revision <40-hex sha>` (vLLM, SGLang, TGI, `huggingface-cli download`), `REVISION` for TGI, `--model_revision` for KServe, `hf://org/name:<sha>` for KServe storage URIs; better, mirror the model into storage you control and set `HF_HUB_OFFLINE=1`.',
    references: [
      'https://huggingface.co/docs/huggingface_hub/guides/download#from-specific-version',
      'https://huggingface.co/docs/text-generation-inference/reference/launcher#revision',
      'https://docs.vllm.ai/en/v0.8.5/serving/engine_args.html',
    ],
    examples: {
      bad: [
        {
          path: 'deploy.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\nspec:\n  template:\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n        args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]\n',
        },
      ],
      good: [
        {
          path: 'deploy.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: vllm\nspec:\n  template:\n    spec:\n      containers:\n      - name: vllm\n        image: vllm/vllm-openai:v0.6.3\n        args: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--revision", "0e9e39f249a16976918f6564b8830bc894c89659"]\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      for (const m of hubModels(c)) {
        if (m.revision !== undefined && isPinnedRevision(m.revision.trim())) continue;
        if (m.revision !== undefined && m.revision.trim() !== '') {
          ctx.report({
            message: `${describe(c)} pulls '${m.model}' with ${m.tool} at revision '${m.revision.trim()}', a branch or tag that can move; pin a commit id`,
            at: m.at,
            severity: 'low',
          });
          continue;
        }
        ctx.report({
          message: `${describe(c)} pulls '${m.model}' from the Hugging Face Hub with ${m.tool} without a pinned revision`,
          at: m.at,
        });
      }
    }
  },
});
