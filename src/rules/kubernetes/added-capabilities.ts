import { defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/types.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import {
  BASELINE_CAPABILITIES,
  containerLabel,
  containerSecurityContext,
  mapping,
  PSA_CHECKS,
  PSS_DOC,
  SECURITY_CONTEXT_DOC,
  str,
} from './lib/pss.js';

/** Capabilities that amount to root on the node (or close to it) from inside a container. */
const CRITICAL = new Set(['ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_PTRACE', 'DAC_READ_SEARCH', 'BPF']);

function normalize(cap: string): string {
  const up = cap.toUpperCase();
  return up.startsWith('CAP_') ? up.slice(4) : up;
}

function severityOf(cap: string): Severity {
  const n = normalize(cap);
  if (BASELINE_CAPABILITIES.has(n)) return 'low';
  if (CRITICAL.has(n)) return 'critical';
  if (n === 'NET_RAW') return 'medium';
  return 'high';
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0004',
    slug: 'added-capabilities',
    title: 'Container adds capabilities beyond the baseline set',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'capabilities_baseline', level: 'baseline' },
      { id: 'cis-k8s', control: '5.2.8' },
      { id: 'cis-k8s', control: '5.2.9' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      "Linux capabilities split root's power; adding one outside the default container set hands a piece of it back. SYS_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO, DAC_READ_SEARCH, BPF or ALL each open known container escapes; NET_RAW allows packet spoofing and ARP/DNS poisoning of neighbouring pods. Pod Security Admission accepts only the thirteen default capabilities, written exactly (upper case, without the `CAP_` prefix), in `capabilities.add` of every container, init container and ephemeral container.",
    remediation:
      'Remove the capability from `securityContext.capabilities.add`. GPU access comes from the device plugin (`resources.limits["nvidia.com/gpu"]`), not from SYS_ADMIN; binding ports below 1024 needs only NET_BIND_SERVICE. Write capability names in upper case without `CAP_` (e.g. `CHOWN`).',
    references: [
      `${PSS_DOC}#baseline`,
      `${SECURITY_CONTEXT_DOC}#set-capabilities-for-a-container`,
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
      PSA_CHECKS,
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    securityContext:\n      capabilities:\n        add: [SYS_ADMIN]\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n    securityContext:\n      capabilities:\n        add: [NET_BIND_SERVICE]\n        drop: [ALL]\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    for (const c of pod.containers) {
      const add = mapping(containerSecurityContext(c)?.capabilities)?.add;
      if (!Array.isArray(add)) continue;
      add.forEach((raw, i) => {
        const cap = str(raw);
        if (BASELINE_CAPABILITIES.has(cap)) return;
        const at = [...c.path, 'securityContext', 'capabilities', 'add', i];
        const n = normalize(cap);
        const message = BASELINE_CAPABILITIES.has(n)
          ? `${containerLabel(c)} adds capability '${cap}': Pod Security Admission accepts only the exact name '${n}'`
          : `${containerLabel(c)} adds capability '${cap}', outside the baseline set`;
        ctx.report({ message, at, severity: severityOf(cap) });
      });
    }
  },
});
