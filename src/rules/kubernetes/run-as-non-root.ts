import { defineRule, type FixInput } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { setValueEdit } from '../../parsers/yaml/yaml-edit.js';
import type { ObjectPath } from '../../core/types.js';
import {
  containerLabel,
  containerSecurityContext,
  containerSettingPath,
  existingContainerPath,
  podSecurityContext,
  podSecurityContextPath,
  reportsPodLevel,
  PSA_CHECKS,
  PSS_DOC,
  SECURITY_CONTEXT_DOC,
  usesUserNamespace,
} from './lib/pss.js';

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0015',
    slug: 'run-as-non-root',
    title: 'Not required to run as non-root',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'runAsNonRoot', level: 'restricted' },
      { id: 'cis-k8s', control: '5.2.7' },
      { id: 'nsa-cisa', control: 'non-root-containers' },
    ],
    rationale:
      'Most ML images (framework images, notebooks, model servers) run as root unless told otherwise. `runAsNonRoot: true` makes the kubelet refuse to start a container whose user is root, so a root image cannot slip through. The restricted level requires it on the pod (inherited by the containers) or on every container, and rejects an explicit `false` anywhere; pods in their own user namespace (`hostUsers: false`) are exempt. Windows pods are not.',
    remediation:
      'Set `securityContext.runAsNonRoot: true` on the pod, and build or choose images with a non-root `USER` (or set `runAsUser` to a non-zero UID).',
    references: [`${PSS_DOC}#restricted`, SECURITY_CONTEXT_DOC, PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: notebook\nspec:\n  containers:\n  - name: notebook\n    image: quay.io/jupyter/base-notebook:2024-10-07\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: notebook\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 1000\n  containers:\n  - name: notebook\n    image: quay.io/jupyter/base-notebook:2024-10-07\n',
        },
      ],
    },
    fixable: true,
  },
  check(pod, ctx) {
    if (usesUserNamespace(pod)) return;
    const podValue = podSecurityContext(pod)?.runAsNonRoot;
    // Made when a finding needs it: the same edit for every container the pod-level setting covers.
    let podFix: FixInput | undefined | null = null;
    if (podValue === false && reportsPodLevel(pod)) {
      podFix = podLevelFix(pod);
      ctx.report({ message: 'Pod sets runAsNonRoot: false', at: podLevelPath(pod), fix: podFix });
    }
    for (const c of pod.containers) {
      const value = containerSecurityContext(c)?.runAsNonRoot;
      if (value === false) {
        const path = [...c.path, 'securityContext', 'runAsNonRoot'];
        const edit = setValueEdit(pod.owner, path, true);
        ctx.report({
          message: `${containerLabel(c)} sets runAsNonRoot: false`,
          at: path,
          fix: edit && { description: 'Set runAsNonRoot: true (the kubelet then refuses images whose user is root)', edits: [edit] },
        });
      } else if (value !== true && podValue !== true && podValue !== false) {
        // The pod-level setting covers every container at once; each container's finding carries the same edit.
        if (podFix === null) podFix = podLevelFix(pod);
        ctx.report({
          message: `${containerLabel(c)} may run as root: neither it nor the pod sets securityContext.runAsNonRoot: true`,
          at: existingContainerPath(c, ['securityContext', 'runAsNonRoot']),
          subject: containerSettingPath(c, ['securityContext', 'runAsNonRoot']),
          evidence: 'runAsNonRoot not set',
          fix: podFix,
        });
      }
    }
  },
});

function podLevelPath(pod: PodSpecDocument): ObjectPath {
  return [...podSecurityContextPath(pod), 'runAsNonRoot'];
}

function podLevelFix(pod: PodSpecDocument): FixInput | undefined {
  const edit = setValueEdit(pod.owner, podLevelPath(pod), true);
  return (
    edit && {
      description: 'Set runAsNonRoot: true in the pod securityContext (the kubelet then refuses images whose user is root)',
      edits: [edit],
    }
  );
}
