import { testRule } from '../../testing/rule-tester.js';
import rule from './hub-download-unpinned.js';

testRule(rule, {
  valid: [
    { name: 'pinned', path: 'a.py', content: 'tok = AutoTokenizer.from_pretrained("org/m", revision="0e9e39f")\n' },
    {
      name: 'local path',
      path: 'a.py',
      content: 'tok = AutoTokenizer.from_pretrained("./models/m")\nm = AutoModel.from_pretrained("/mnt/models/m")\n',
    },
    { name: 'id from a variable', path: 'a.py', content: 'tok = AutoTokenizer.from_pretrained(model_id)\n' },
  ],
  invalid: [
    {
      path: 'a.py',
      content: 'from transformers import AutoTokenizer\ntok = AutoTokenizer.from_pretrained("meta-llama/Llama-3.1-8B-Instruct")\n',
      findings: [
        {
          startLine: 2,
          startColumn: 7,
          endLine: 2,
          endColumn: 72,
          severity: 'low',
          message: "AutoTokenizer.from_pretrained() downloads 'meta-llama/Llama-3.1-8B-Instruct' without a pinned revision",
        },
      ],
    },
    {
      name: 'hf_hub_download and pipeline',
      path: 'a.py',
      content: 'p = hf_hub_download(repo_id="org/m", filename="model.safetensors")\ngen = pipeline("text-generation", model="org/chat")\n',
      findings: [
        { startLine: 1, startColumn: 5, endLine: 1, endColumn: 67 },
        { startLine: 2, startColumn: 7, endLine: 2, endColumn: 52 },
      ],
    },
  ],
});
