import { defineRule, lazyExamples } from '../../core/rule.js';
import type { PickleDocument } from '../../parsers/models/documents.js';
import { pickle } from './lib/builders/pickle-builder.js';
import { firstCall, importSpan, streamNote, verdictOf } from './lib/report.js';

export default defineRule<PickleDocument>({
  meta: {
    id: 'MDL-0014',
    slug: 'pickle-stdlib-callable',
    title: 'Model pickle imports a standard-library callable outside the allow-list',
    severity: 'high',
    scanner: 'models',
    appliesTo: ['model-pickle'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0011.000' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
    ],
    rationale:
      "A checkpoint needs very little of the Python standard library: container types, the `copyreg` and `_codecs` reconstructors, datetime, decimal and a few value types. Published bypasses of deny-list scanners keep finding other standard-library functions that run commands or code under names no list foresaw (`_osx_support._read_output`, `_aix_support._read_cmd_output`, `uuid._get_command_stdout`, `_pyrepl.pager.pipe_pager`, helpers of `idlelib`, `pydoc` and `lib2to3`). So any standard-library callable outside the allow-list is treated as hostile, whatever its name; the module set is the interpreter's own list (`sys.stdlib_module_names`), not a list of bad names.",
    remediation:
      'Do not load the file. Obtain the model from a trusted source and prefer safetensors. If you wrote the pickle yourself and the callable is what it needs, re-save the data without it (plain tensors and built-in containers) or suppress the finding with a reason.',
    references: [
      'https://docs.python.org/3/library/sys.html#sys.stdlib_module_names',
      'https://docs.python.org/3/library/pickle.html#restricting-globals',
      'https://pytorch.org/docs/stable/notes/serialization.html#weights-only',
      'https://huggingface.co/docs/hub/security-pickle',
    ],
    examples: lazyExamples(() => ({
      bad: [
        {
          path: 'model.pkl',
          content: pickle().proto(2).global('_osx_support', '_read_output').str('id').tuple1().reduce().stop().bytes(),
        },
      ],
      good: [
        {
          path: 'model.pkl',
          content: pickle().proto(2).global('datetime', 'timedelta').int(1).tuple1().reduce().stop().bytes(),
        },
      ],
    })),
  },
  check(doc, ctx) {
    for (const imp of doc.imports) {
      if (!imp.resolved) continue;
      const v = verdictOf(imp);
      if (v.kind !== 'stdlib') continue;
      ctx.report({
        message: `Pickle ${imp.callCount ? 'calls' : 'imports'} ${imp.dotted}${v.reaches ? ` (which reaches ${v.reaches})` : ''}, a standard-library callable that checkpoints have no use for (${imp.opcode} at byte ${imp.offset}${imp.callCount ? `, called${firstCall(imp)}` : ''})${streamNote(imp)}`,
        at: importSpan(imp),
        evidence: imp.dotted,
      });
    }
  },
});
