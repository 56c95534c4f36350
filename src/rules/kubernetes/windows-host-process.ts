import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import {
  containerLabel,
  containerSecurityContext,
  mapping,
  podSecurityContext,
  podSecurityContextPath,
  reportsPodLevel,
  PSA_CHECKS,
  PSS_DOC,
} from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0002',
    slug: 'windows-host-process',
    title: 'Windows HostProcess container',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'windowsHostProcess', level: 'baseline' },
      { id: 'cis-k8s', control: '5.2.11' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      'A Windows HostProcess container runs directly on the node as a host process, in the host network namespace, with access to the node file system and, typically, as SYSTEM or a local administrator: it is the Windows equivalent of a privileged container. Pod Security Admission rejects it at baseline, at pod and at container level.',
    remediation:
      'Remove `securityContext.windowsOptions.hostProcess: true` from the pod and from every container. Node-level agents that truly need it belong in a dedicated, tightly controlled namespace labelled `pod-security.kubernetes.io/enforce: privileged`.',
    references: [`${PSS_DOC}#baseline`, 'https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/', PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  os:\n    name: windows\n  hostNetwork: true\n  securityContext:\n    windowsOptions:\n      hostProcess: true\n      runAsUserName: "NT AUTHORITY\\\\SYSTEM"\n  containers:\n  - name: agent\n    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: agent\nspec:\n  os:\n    name: windows\n  securityContext:\n    windowsOptions:\n      runAsUserName: ContainerUser\n  containers:\n  - name: agent\n    image: mcr.microsoft.com/windows/nanoserver:ltsc2022\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    if (mapping(podSecurityContext(pod)?.windowsOptions)?.hostProcess === true && reportsPodLevel(pod)) {
      ctx.report({
        message: 'Pod runs as a Windows HostProcess (securityContext.windowsOptions.hostProcess: true)',
        at: [...podSecurityContextPath(pod), 'windowsOptions', 'hostProcess'],
      });
    }
    for (const c of pod.containers) {
      if (mapping(containerSecurityContext(c)?.windowsOptions)?.hostProcess === true) {
        ctx.report({
          message: `${containerLabel(c)} runs as a Windows HostProcess container`,
          at: [...c.path, 'securityContext', 'windowsOptions', 'hostProcess'],
        });
      }
    }
  },
});
