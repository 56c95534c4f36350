import { defineRule } from '../../core/rule.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';
import { isMapping } from '../../parsers/yaml/position-table.js';

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0011',
    slug: 'compose-gpu-all-devices',
    title: 'Service reserves every GPU of the host',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM10' },
      { id: 'mitre-atlas', control: 'AML.T0029' },
      { id: 'nsa-cisa', control: 'resource-policies' },
    ],
    rationale:
      '`count: all` (or `gpus: all`) hands every GPU of the host to one service. On a shared host one runaway job, or one compromised service, takes all accelerators from the others, and the service can read the memory of any model loaded on them.',
    remediation:
      'Reserve the number of GPUs the service needs (`count: 1`) or name them (`device_ids: ["0"]`), and use a scheduler with quotas (Kubernetes with GPU ResourceQuotas) for shared GPU fleets.',
    references: ['https://docs.docker.com/compose/how-tos/gpu-support/', 'https://docs.docker.com/reference/compose-file/deploy/#devices'],
    examples: {
      bad: [
        {
          path: 'compose.yaml',
          content:
            'services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: all\n              capabilities: [gpu]\n',
        },
      ],
      good: [
        {
          path: 'compose.yaml',
          content:
            'services:\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - driver: nvidia\n              count: 1\n              capabilities: [gpu]\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      if (s.service.gpus === 'all')
        ctx.report({ message: `Service '${s.name}' is given every GPU of the host (gpus: all)`, at: [...s.path, 'gpus'] });
      const deploy = s.service.deploy;
      const res = isMapping(deploy) && isMapping(deploy.resources) ? deploy.resources : undefined;
      const devices = res && isMapping(res.reservations) && Array.isArray(res.reservations.devices) ? res.reservations.devices : [];
      devices.forEach((d, i) => {
        if (!isMapping(d) || (d.count !== 'all' && d.count !== -1)) return;
        const caps = Array.isArray(d.capabilities) ? d.capabilities.map(String) : [];
        if (!caps.includes('gpu') && d.driver !== 'nvidia') return;
        ctx.report({
          message: `Service '${s.name}' reserves every GPU of the host (count: ${String(d.count)})`,
          at: [...s.path, 'deploy', 'resources', 'reservations', 'devices', i, 'count'],
        });
      });
    }
  },
});
