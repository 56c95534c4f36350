import { testRule } from '../../testing/rule-tester.js';
import rule from './model-load-trust-remote-code.js';

testRule(rule, {
  valid: [
    { path: 'a.py', content: 'from transformers import AutoModel\nm = AutoModel.from_pretrained("acme/x", trust_remote_code=False)\n' },
    { path: 'a.py', content: 'from transformers import AutoModel\nm = AutoModel.from_pretrained("acme/x")\n# trust_remote_code=True is not needed\n' },
  ],
  invalid: [
    {
      path: 'load.py',
      content: 'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-7b", trust_remote_code=True)\n',
      findings: [
        {
          startLine: 2, startColumn: 62, endLine: 2, endColumn: 84,
          message: 'AutoModelForCausalLM.from_pretrained() runs code from the model repository (trust_remote_code=True)',
        },
      ],
    },
    {
      name: 'pipeline and datasets',
      path: 'a.py',
      content: 'p = pipeline("text-generation", model="acme/x", trust_remote_code=True)\nds = load_dataset("acme/data",\n    trust_remote_code=True)\n',
      findings: [
        { startLine: 1, startColumn: 49, endLine: 1, endColumn: 71 },
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 27 },
      ],
    },
  ],
});
