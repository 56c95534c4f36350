import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import { instructionCommands } from './lib/commands.js';

const READERS = new Set(['rm', 'cat', 'ls', 'test', '[', 'stat', 'grep']);

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0013',
    slug: 'dockerfile-ld-preload',
    title: 'LD_PRELOAD set in the image',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0010' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
    ],
    rationale:
      '`ENV LD_PRELOAD` (or `/etc/ld.so.preload`) loads a library into every process of the container. In GPU images it is also an escape path: NVIDIA Container Toolkit hooks before 1.17.8 inherited the image\'s environment, so an image with `LD_PRELOAD` ran attacker code as root on the host when started with GPU access (CVE-2025-23266, "NVIDIAScape"). Legitimate uses (jemalloc, tcmalloc) are better set by the entrypoint.',
    remediation:
      'Remove `LD_PRELOAD` from ENV and do not write `/etc/ld.so.preload`. If an allocator must be preloaded, set the variable in the entrypoint script for the application process only. Upgrade the NVIDIA Container Toolkit to 1.17.8 or later on GPU hosts.',
    references: [
      'https://nvd.nist.gov/vuln/detail/CVE-2025-23266',
      'https://nvidia.custhelp.com/app/answers/detail/a_id/5659',
      'https://www.wiz.io/blog/nvidia-ai-vulnerability-cve-2025-23266-nvidiascape',
    ],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM nvcr.io/nvidia/pytorch:24.05-py3\nENV LD_PRELOAD=/proc/self/cwd/poc.so\n' }],
      good: [{ path: 'Dockerfile', content: 'FROM nvcr.io/nvidia/pytorch:24.05-py3\nENV LD_LIBRARY_PATH=/usr/local/cuda/lib64\n' }],
    },
  },
  check(doc, ctx) {
    for (const ins of doc.instructions) {
      if (ins.keyword === 'ENV') {
        for (const p of ins.properties)
          if (p.name === 'LD_PRELOAD' && p.value)
            ctx.report({
              message: `ENV LD_PRELOAD=${p.value} preloads a library into every process, GPU runtime hooks included`,
              at: p.span,
            });
      } else if (ins.keyword === 'RUN') {
        for (const cmd of instructionCommands(doc, ins)) {
          if (READERS.has(cmd.program)) continue;
          const target = cmd.args.find((a) => a.value === '/etc/ld.so.preload');
          if (target) ctx.report({ message: 'RUN writes /etc/ld.so.preload: a library is preloaded into every process', at: cmd.span });
        }
      }
    }
  },
});
