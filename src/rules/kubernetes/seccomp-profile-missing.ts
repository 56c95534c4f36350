import { defineRule, type FixInput } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { setValueEdit } from '../../parsers/yaml/yaml-edit.js';
import {
  containerLabel,
  containerSecurityContext,
  containerSettingPath,
  existingContainerPath,
  isSet,
  isWindowsPod,
  podSecurityContext,
  podSecurityContextPath,
  PSA_CHECKS,
  PSS_DOC,
} from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0017',
    slug: 'seccomp-profile-missing',
    title: 'No seccomp profile',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'seccompProfile_restricted', level: 'restricted' },
      { id: 'cis-k8s', control: '5.7.2' },
      { id: 'nsa-cisa', control: 'hardening-container-environments' },
    ],
    rationale:
      'Without a seccomp profile a container runs Unconfined unless the kubelet was started with `--seccomp-default`, so every system call is open to an attacker who gets code execution (through a pickle model file or a notebook, say). The restricted level requires the pod, or else every container, to set `seccompProfile.type` to RuntimeDefault or Localhost; Windows pods (`spec.os.name: windows`) are exempt. (Explicitly unconfined profiles are reported by K8S-0010.)',
    remediation: 'Set `securityContext.seccompProfile.type: RuntimeDefault` in the pod securityContext; containers inherit it.',
    references: [`${PSS_DOC}#restricted`, 'https://kubernetes.io/docs/tutorials/security/seccomp/', PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n',
        },
      ],
    },
    fixable: true,
  },
  check(pod, ctx) {
    // A pod-level profile, valid or not, decides for every container that sets none (K8S-0010 reports bad ones).
    if (isWindowsPod(pod) || isSet(podSecurityContext(pod)?.seccompProfile)) return;
    let fix: FixInput | undefined | null = null;
    for (const c of pod.containers) {
      if (isSet(containerSecurityContext(c)?.seccompProfile)) continue;
      if (fix === null) {
        const edit = setValueEdit(pod.owner, [...podSecurityContextPath(pod), 'seccompProfile', 'type'], 'RuntimeDefault');
        fix = edit && { description: 'Set seccompProfile.type: RuntimeDefault in the pod securityContext', edits: [edit] };
      }
      ctx.report({
        message: `${containerLabel(c)} has no seccomp profile: set securityContext.seccompProfile.type to RuntimeDefault or Localhost on the pod or the container`,
        at: existingContainerPath(c, ['securityContext', 'seccompProfile']),
        subject: containerSettingPath(c, ['securityContext', 'seccompProfile']),
        evidence: 'seccompProfile not set',
        fix,
      });
    }
  },
});
