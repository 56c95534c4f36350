import { defineRule } from '../../core/rule.js';
import type { ShellDocument } from '../../parsers/shell/shell-parser.js';
import { commandHits } from '../dockerfile/lib/trust-remote-code.js';

/** TGI reads its flags from the environment too; the datasets library has its own switch. */
const SWITCHES = /^(?:export\s+)?((?:HF_DATASETS_)?TRUST_REMOTE_CODE)=["']?(?:true|1|yes|on)["']?$/i;

export default defineRule<ShellDocument>({
  meta: {
    id: 'LLM-0008',
    slug: 'shell-trust-remote-code',
    title: 'Shell script runs a model with remote code trusted',
    severity: 'high',
    scanner: 'code',
    appliesTo: ['shell'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
    ],
    rationale:
      'Start scripts are where model servers get their flags: `vllm serve … --trust-remote-code`, `python -m sglang.launch_server --trust-remote-code`, `python -c "…from_pretrained(…, trust_remote_code=True)"`, or `export TRUST_REMOTE_CODE=true` for TGI. Each makes the server import and run the Python files of the model repository when the model loads: whoever can push to that repository, or swap the model the script downloads, runs code with the server\'s credentials and GPUs.',
    remediation:
      'Serve models whose architecture is supported natively and drop the flag. If custom code is unavoidable, review it, vendor it, and pin the model to a commit (`--revision <sha>`, `--code-revision <sha>`).',
    references: [
      'https://huggingface.co/docs/transformers/models#custom-models',
      'https://docs.vllm.ai/en/latest/configuration/engine_args.html',
    ],
    examples: {
      bad: [{ path: 'serve.sh', content: '#!/bin/sh\nexec vllm serve "$MODEL" --port 8000 --trust-remote-code\n' }],
      good: [
        {
          path: 'serve.sh',
          content: '#!/bin/sh\nexec vllm serve "$MODEL" --port 8000 --revision 0123456789abcdef0123456789abcdef01234567\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (!/trust[-_]remote[-_]code/i.test(doc.file.text())) return;
    for (const cmd of doc.script.commands) {
      for (const w of cmd.assignments.length ? cmd.assignments : cmd.program === 'export' ? cmd.args : []) {
        const m = SWITCHES.exec(w.raw);
        if (m) ctx.report({ message: `${m[1]} is switched on: the model server runs code from the model repository`, at: w.span });
      }
      for (const { word, hit } of commandHits(cmd)) {
        const message = hit.text.startsWith('--')
          ? `${cmd.program || 'the script'} is given ${hit.text}: the server runs code from the model repository`
          : `${cmd.program || 'the script'} loads a model with trust_remote_code=True: code from the model repository runs`;
        ctx.report({ message, at: { start: word.span.start + hit.start, end: word.span.start + hit.end } });
      }
    }
  },
});
