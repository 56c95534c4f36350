import { defineRule } from '../../core/rule.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';
import { removeItem } from './lib/edits.js';

const DANGEROUS = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_PTRACE', 'DAC_READ_SEARCH', 'BPF']);

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0006',
    slug: 'compose-dangerous-capabilities',
    title: 'Compose service adds a dangerous capability',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [{ id: 'cis-docker', control: '5.4' }],
    rationale:
      '`cap_add: [ALL]` is privileged in all but name, and `SYS_ADMIN` alone allows mounts, namespace tricks and most known container escapes. `SYS_MODULE`, `SYS_RAWIO`, `SYS_PTRACE`, `DAC_READ_SEARCH` and `BPF` each give a direct path to the host kernel or to other processes.',
    remediation:
      'Drop the capability; GPU access does not need any. Start from `cap_drop: [ALL]` and add back only narrow capabilities such as `NET_BIND_SERVICE` when a workload proves it needs them.',
    references: [
      'https://docs.docker.com/reference/compose-file/services/#cap_add',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
    ],
    fixable: true,
    examples: {
      bad: [
        {
          path: 'compose.yaml',
          content: 'services:\n  trainer:\n    image: pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime\n    cap_add:\n      - SYS_ADMIN\n',
        },
      ],
      good: [
        {
          path: 'compose.yaml',
          content:
            'services:\n  trainer:\n    image: pytorch/pytorch:2.4.0-cuda12.1-cudnn9-runtime\n    cap_drop:\n      - ALL\n    cap_add:\n      - NET_BIND_SERVICE\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      const caps = s.service.cap_add;
      if (!Array.isArray(caps)) continue;
      const norm = caps.map((c) => String(c).toUpperCase().replace(/^CAP_/, ''));
      const bad = norm.filter((c) => DANGEROUS.has(c)).length;
      norm.forEach((cap, i) => {
        if (!DANGEROUS.has(cap)) return;
        const listPath = [...s.path, 'cap_add'];
        const fix = removeItem(doc, listPath, i, caps.length - bad + 1, `Remove capability ${String(caps[i])} from service '${s.name}'`);
        ctx.report({ message: `Service '${s.name}' adds capability ${String(caps[i])}`, at: [...listPath, i], ...(fix ? { fix } : {}) });
      });
    }
  },
});
