import { defineRule } from '../../core/rule.js';
import { spanOf, type CodeDocument } from '../../parsers/code/code-document.js';
import { Flow, TOOL_INPUT_DOC } from './lib/flow.js';
import { isStoredQuote } from './lib/sanitisers.js';
import { shellSinks, reportModelOutputAt } from './lib/sinks.js';
import { flavorOf, mentions } from './lib/syntax.js';

export default defineRule<CodeDocument>({
  meta: {
    id: 'LLM-0011',
    slug: 'llm-output-shell-command',
    title: 'Model output run as a shell command',
    severity: 'critical',
    scanner: 'code',
    appliesTo: ['code-python', 'code-js'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM05' },
      { id: 'mitre-atlas', control: 'AML.T0050' },
    ],
    rationale:
      'A shell interprets metacharacters: model output that reaches `os.system`, `subprocess` with `shell=True` or an argument list split from the text (`shlex.split`), or `child_process.exec` lets whoever steers the model (through prompt injection) run arbitrary commands (CWE-78). Shell quoting protects arguments only: output quoted with `shlex.quote`/`pipes.quote` (or `quote` imported from them), shell-quote’s `quote` or a shellescape package after a fixed command (`"ls -l " + shlex.quote(x)`), or joined with `shlex.join`/`quote([...])` behind a literal command name, is not reported; quoted output that is the whole command, starts it, follows a command separator or is the script of `sh -c`, `bash -c` or `eval` still is, as is a quoting function of the file’s own.' +
      ` ${TOOL_INPUT_DOC}`,
    remediation:
      'Do not build commands from model output. Map the model’s structured answer onto an allow-list of commands, and run them with an argument vector (`subprocess.run([...])`, `execFile`) without a shell, in a sandbox without credentials. Quoting (`shlex.quote`) keeps a model-chosen value one argument of a fixed command; it does not make a model-written command safe to run.',
    references: ['https://genai.owasp.org/llmrisk/llm052025-improper-output-handling/', 'https://cwe.mitre.org/data/definitions/78.html'],
    examples: {
      bad: [
        {
          path: 'ops.py',
          content:
            'import subprocess\n\ndef run_step(llm, task):\n    cmd = llm.invoke(f"Write a shell command to {task}").content\n    return subprocess.run(cmd, shell=True, capture_output=True)\n',
        },
      ],
      good: [
        {
          path: 'ops.py',
          content:
            'import subprocess\nALLOWED = {"disk": ["df", "-h"], "uptime": ["uptime"]}\n\ndef run_step(llm, task):\n    choice = llm.invoke(f"Pick one of {list(ALLOWED)} for {task}").content.strip()\n    return subprocess.run(ALLOWED[choice], capture_output=True)\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    if (
      !mentions(doc.text, [
        'system',
        'popen',
        'subprocess',
        'Popen',
        'exec',
        'spawn',
        'getoutput',
        'run(',
        'bash',
        'shell',
        'terminal',
        'process',
      ])
    )
      return;
    const flavor = flavorOf(doc);
    const quoted = Flow.of(doc, 'llm', 'shell');
    const plain = Flow.of(doc, 'llm');
    // A quoted name given whole as the command (`q = shlex.quote(cmd); os.system(q)`) is followed as if unquoted.
    reportModelOutputAt(
      shellSinks(doc.root, flavor),
      { reaches: (value) => (isStoredQuote(doc, value) ? plain : quoted).reaches(value) },
      (sink) => ctx.report({ message: `Model output reaches ${sink.what}`, at: spanOf(sink.node) }),
    );
  },
});
