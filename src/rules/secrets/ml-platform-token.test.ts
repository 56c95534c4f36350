import { testRule } from '../../testing/rule-tester.js';
import { fakes } from './lib/fakes.js';
import rule from './ml-platform-token.js';

const cases: Array<[string, string, string]> = [
  ['Databricks personal access token', 'DATABRICKS_TOKEN', fakes.databricks()],
  ['LangSmith personal access token', 'LANGSMITH_API_KEY', fakes.langsmith()],
  ['Pinecone API key', 'PINECONE_API_KEY', fakes.pinecone()],
  ['Weights & Biases API key', 'WANDB_API_KEY', fakes.wandb()],
  ['Weights & Biases API key', 'WANDB_API_KEY', fakes.wandbV1()],
  ['Weights & Biases API key', 'API_KEY', fakes.wandbV1()],
  ['Modal token secret', 'MODAL_TOKEN_SECRET', fakes.modalTokenSecret()],
  ['Modal token secret', 'token_secret', fakes.modalTokenSecret('t')],
  ['Pinecone API key (legacy)', 'PINECONE_API_KEY', '3f9c2a41-7d0e-4b8a-9c55-e1f2a3b4c5d6'],
  ['Weaviate API key', 'WEAVIATE_API_KEY', fakes.weaviate()],
  ['Qdrant API key', 'QDRANT__SERVICE__API_KEY', fakes.qdrant()],
  ['Kaggle API key', 'KAGGLE_KEY', fakes.kaggle()],
];
const kaggle = fakes.kaggle('kj');

testRule(rule, {
  valid: [
    { name: 'references', path: 'train.env', content: 'WANDB_API_KEY=${WANDB_API_KEY}\nDATABRICKS_TOKEN=\n' },
    { name: 'a UUID under another name', path: 'run.env', content: 'RUN_ID=3f9c2a41-7d0e-4b8a-9c55-e1f2a3b4c5d6\n' },
    { name: 'kaggle.json template', path: 'kaggle.json', content: '{"username":"alice","key":"<your-kaggle-key>"}\n' },
    {
      name: 'W&B and Modal placeholders',
      path: '.env.example',
      content:
        'WANDB_API_KEY=wandb_v1_xxxxxxxxxxxxxxxxxxxxxxxxxxx_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nMODAL_TOKEN_ID=ak-xxxxxxxxxxxxxxxxxxxxxx\nMODAL_TOKEN_SECRET=as-FAKESECRETSTRINGABCDEF\nMODAL_TOKEN_SECRET=as-...\n',
    },
    {
      name: 'a Modal token ID (not secret) and a Modal-shaped value under another name',
      path: 'app.env',
      content: `MODAL_TOKEN_ID=${fakes.modalTokenId()}\nSESSION_TOKEN=${fakes.modalTokenSecret()}\n`,
    },
    {
      name: 'a Modal-shaped value under a name that only contains "modal" (MULTIMODAL_TOKEN)',
      path: 'app.env',
      content: `MULTIMODAL_TOKEN=${fakes.modalTokenSecret('mm')}\n`,
    },
  ],
  invalid: [
    ...cases.map(([label, name, key]) => ({
      name: `${label} (${name})`,
      path: '.env',
      content: `${name}=${key}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: name.length + 2,
          endLine: 1,
          endColumn: name.length + 2 + key.length,
          message: `${label} in plain text`,
        },
      ],
    })),
    {
      name: 'wandb.login(key=…) in a notebook cell',
      path: 'train.py',
      content: `import wandb\nwandb.login(key="${fakes.wandb('wl')}")\n`,
      findings: [{ startLine: 2, startColumn: 18, endLine: 2, endColumn: 58, message: 'Weights & Biases API key in plain text' }],
    },
    {
      name: 'Helm values: wandb.apiKey',
      path: 'values.yaml',
      content: `wandb:\n  enabled: true\n  apiKey: ${fakes.wandb('wh')}\n`,
      findings: [{ startLine: 3, startColumn: 11, endLine: 3, endColumn: 51, message: 'Weights & Biases API key in plain text' }],
    },
    {
      name: 'kaggle.json',
      path: 'kaggle.json',
      content: `{"username":"alice","key":"${kaggle}"}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 28,
          endLine: 1,
          endColumn: 60,
          message: 'Kaggle API key in plain text',
          evidence: `Kaggle API key ${kaggle.slice(0, 2)}… (32 chars)`,
        },
      ],
    },
  ],
});
