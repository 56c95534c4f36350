import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0009',
    slug: 'dockerfile-ssh-port-exposed',
    title: 'SSH port exposed',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '5.7' },
      { id: 'cis-docker', control: '5.9' },
    ],
    rationale:
      '`EXPOSE 22` means the image runs an SSH daemon: another service with credentials to manage and patch, and a way into GPU boxes that bypasses the orchestrator, its audit log and its access control. Training images that ship sshd for MPI are a frequent source of weak, shared keys.',
    remediation:
      'Remove sshd and `EXPOSE 22`; use `docker exec` / `kubectl exec` for debugging. Multi-node training launchers (MPI Operator, torchrun, Ray) do not need an SSH daemon in the image.',
    references: ['https://docs.docker.com/reference/dockerfile/#expose', 'https://www.cisecurity.org/benchmark/docker'],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM ubuntu:24.04\nEXPOSE 22 8888\n' }],
      good: [{ path: 'Dockerfile', content: 'FROM ubuntu:24.04\nEXPOSE 8888\n' }],
    },
  },
  check(doc, ctx) {
    for (const ins of doc.byKeyword('EXPOSE')) {
      for (const arg of ins.args) {
        const [port, proto = 'tcp'] = arg.value.split('/');
        if (proto.toLowerCase() !== 'tcp') continue;
        const range = /^(\d+)(?:-(\d+))?$/.exec(port);
        if (!range) continue;
        const lo = Number(range[1]);
        const hi = range[2] ? Number(range[2]) : lo;
        if (lo <= 22 && 22 <= hi) ctx.report({ message: `EXPOSE ${arg.value} publishes the SSH port`, at: arg.span });
      }
    }
  },
});
