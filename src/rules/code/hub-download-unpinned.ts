import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { allCalls, calleeName, calleeText, constantString, flavorOf, hasSpreadArgs, namedArg, positional } from './lib/syntax.js';

const DOWNLOADERS = new Set(['from_pretrained', 'hf_hub_download', 'snapshot_download', 'pipeline', 'SentenceTransformer', 'load_dataset']);
/** A Hub repository id `org/name`, not a local path. */
const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0007',
    slug: 'hub-download-unpinned',
    title: 'Model or dataset downloaded from a hub without a pinned revision',
    severity: 'low',
    scanner: 'code',
    appliesTo: ['code-python'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
    ],
    rationale:
      'Without `revision=`, every start downloads whatever the repository’s main branch holds now: a compromised or careless push changes the weights, tokenizer or custom code you run, silently and without review.',
    remediation: 'Pass `revision=` with a commit hash (not a branch or tag name) and update it deliberately.',
    references: ['https://huggingface.co/docs/huggingface_hub/guides/download', 'https://genai.owasp.org/llmrisk/llm032025-supply-chain/'],
    examples: {
      bad: [
        {
          path: 'a.py',
          content: 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("meta-llama/Llama-3.1-8B-Instruct")\n',
        },
      ],
      good: [
        {
          path: 'a.py',
          content:
            'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("meta-llama/Llama-3.1-8B-Instruct", revision="0e9e39f249a16976918f6564b8830bc894c89659")\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!/from_pretrained|hf_hub_download|snapshot_download|pipeline|SentenceTransformer|load_dataset/.test(doc.text)) return;
    for (const call of allCalls(doc.root, flavorOf(doc))) {
      const name = calleeName(call);
      if (!DOWNLOADERS.has(name)) continue;
      if (namedArg(call, 'revision') || hasSpreadArgs(call)) continue;
      const idNode =
        name === 'pipeline'
          ? namedArg(call, 'model')
          : (namedArg(call, 'repo_id', 'pretrained_model_name_or_path', 'model_name_or_path', 'path') ?? positional(call)[0]);
      const id = constantString(idNode);
      if (!id || !HUB_ID.test(id)) continue;
      ctx.report({ message: `${calleeText(call)}() downloads '${id}' without a pinned revision`, at: spanOf(call) });
    }
  },
});
