import { defineRule, type RuleContext } from '../../core/rule.js';
import type { ObjectPath } from '../../core/types.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import {
  CONFINED_PROFILE_TYPES,
  containerLabel,
  containerSecurityContext,
  isSet,
  mapping,
  podSecurityContext,
  podSecurityContextPath,
  reportsPodLevel,
  PSA_CHECKS,
  PSS_DOC,
  str,
} from './lib/pss.js';

/** A profile that is set: its type must be a confined one. */
function checkProfile(ctx: RuleContext, profile: unknown, at: ObjectPath, who: string): void {
  const type = mapping(profile)?.type;
  if (CONFINED_PROFILE_TYPES.has(str(type))) return;
  if (isSet(type)) ctx.report({ message: `${who} sets seccomp profile type '${str(type)}'`, at: [...at, 'type'] });
  else ctx.report({ message: `${who} sets a seccomp profile without a type (RuntimeDefault or Localhost)`, at });
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0010',
    slug: 'seccomp-unconfined',
    title: 'Seccomp disabled',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'seccompProfile_baseline', level: 'baseline' },
      { id: 'cis-k8s', control: '5.7.2' },
      { id: 'nsa-cisa', control: 'hardening-container-environments' },
    ],
    rationale:
      'Seccomp filters the system calls a container may make; the runtime default profile blocks the rarely needed calls behind many kernel exploits and container escapes (keyctl, unshare, mount, bpf, …). `type: Unconfined` turns the filter off. Pod Security Admission rejects any seccomp profile type other than RuntimeDefault and Localhost, at pod and container level, at baseline.',
    remediation:
      "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (containers inherit it), or ship a custom profile to the nodes and use `type: Localhost` with `localhostProfile`. Profile GPU or JIT workloads that seem to need more with the runtime's audit mode instead of disabling seccomp.",
    references: [`${PSS_DOC}#baseline`, 'https://kubernetes.io/docs/tutorials/security/seccomp/', PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ray-head\nspec:\n  securityContext:\n    seccompProfile:\n      type: Unconfined\n  containers:\n  - name: ray-head\n    image: rayproject/ray:2.37.0\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ray-head\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: ray-head\n    image: rayproject/ray:2.37.0\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    const podProfile = podSecurityContext(pod)?.seccompProfile;
    if (isSet(podProfile) && reportsPodLevel(pod)) checkProfile(ctx, podProfile, [...podSecurityContextPath(pod), 'seccompProfile'], 'Pod');
    for (const c of pod.containers) {
      const profile = containerSecurityContext(c)?.seccompProfile;
      if (isSet(profile)) checkProfile(ctx, profile, [...c.path, 'securityContext', 'seccompProfile'], containerLabel(c));
    }
  },
});
