import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'ml-platform-token' } = {
  id: 'SEC-0011',
  slug: 'ml-platform-token',
  title: 'ML platform or vector database token in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'owasp-llm-2025', control: 'LLM02' },
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'Tokens of ML platforms reach training data, experiment history, model registries and vector stores (which often hold the sensitive documents of a RAG system). Recognised by format: Databricks personal access tokens (`dapi`, `databricks-token`), LangSmith keys (`lsv2_pt_`/`lsv2_sk_`, `langsmith-key`), Pinecone keys (`pcsk_`, `pinecone-key`), Weights & Biases keys of the current format (`wandb_v1_`, `wandb-v1-key`), Kaggle `kaggle.json` files (`kaggle-json`). Recognised by the name they are assigned to: Weights & Biases legacy keys (40 hex, `wandb`, `wandb-key`), Modal token secrets (`as-`, `MODAL_TOKEN_SECRET` or `token_secret` of `.modal.toml`, `modal-token-secret`), Pinecone legacy keys (UUID, `pinecone`, `pinecone-legacy-key`), Weaviate (`weaviate`, `weaviate-key`), Qdrant (`qdrant`, `qdrant-key`), Kaggle (`KAGGLE_KEY`, `kaggle-key`). A name-gated key may also be named by the mapping it sits in (`mistral:` then `apiKey: …` in Helm values, a `[wandb]` TOML table) or by the provider call it is passed to (`wandb.login(key="…")`).',
  remediation:
    'Revoke the token in the platform (Databricks user settings, LangSmith settings, Pinecone/Weaviate/Qdrant cloud consoles, Modal settings, wandb.ai/authorize, Kaggle account settings) and inject a new one at run time; prefer service principals and short-lived OAuth tokens where the platform offers them.',
  references: [
    'https://docs.databricks.com/en/dev-tools/auth/pat.html',
    'https://docs.wandb.ai/guides/track/environment-variables/',
    'https://docs.pinecone.io/guides/projects/manage-api-keys',
    'https://www.kaggle.com/docs/api',
  ],
  examples: {
    bad: [{ path: 'train.env', content: `WANDB_API_KEY=${fakes.wandb()}\nDATABRICKS_TOKEN=${fakes.databricks()}\n` }],
    good: [{ path: 'train.env', content: 'WANDB_API_KEY=${WANDB_API_KEY}\nDATABRICKS_TOKEN=\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
