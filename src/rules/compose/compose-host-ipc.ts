import { defineRule } from '../../core/rule.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0004',
    slug: 'compose-host-ipc',
    title: 'Compose service shares the host IPC namespace',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [{ id: 'cis-docker', control: '5.17' }],
    rationale:
      "`ipc: host` shares the host's System V IPC and POSIX shared memory with the container: it can read and write the shared memory of other processes. Model servers often set it only to get a larger `/dev/shm` for PyTorch data loaders and NCCL.",
    remediation:
      'Remove `ipc: host` and size shared memory explicitly with `shm_size: 8gb` (or `ipc: shareable` between the services that need it).',
    references: [
      'https://docs.docker.com/reference/compose-file/services/#ipc',
      'https://docs.docker.com/reference/compose-file/services/#shm_size',
    ],
    examples: {
      bad: [{ path: 'compose.yaml', content: 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    ipc: host\n' }],
      good: [{ path: 'compose.yaml', content: 'services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    shm_size: 8gb\n' }],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services)
      if (s.service.ipc === 'host') ctx.report({ message: `Service '${s.name}' shares the host IPC namespace`, at: [...s.path, 'ipc'] });
  },
});
