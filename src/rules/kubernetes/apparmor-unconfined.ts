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

/** The deprecated per-container annotation, still enforced by Pod Security Admission. */
const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotation(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

/** A profile that is set: its type must be a confined one. */
function checkField(ctx: RuleContext, profile: unknown, at: ObjectPath, who: string): void {
  const type = mapping(profile)?.type;
  if (CONFINED_PROFILE_TYPES.has(str(type))) return;
  if (isSet(type)) ctx.report({ message: `${who} sets AppArmor profile type '${str(type)}'`, at: [...at, 'type'] });
  else ctx.report({ message: `${who} sets an AppArmor profile without a type (RuntimeDefault or Localhost)`, at });
}

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0007',
    slug: 'apparmor-unconfined',
    title: 'AppArmor confinement disabled',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'appArmorProfile', level: 'baseline' },
      { id: 'nsa-cisa', control: 'hardening-container-environments' },
    ],
    rationale:
      'On nodes with AppArmor the container runtime confines every container with its default profile, which blocks writes to sensitive `/proc` and `/sys` files and mounting. An `Unconfined` profile removes that layer, so any other weakness (a capability, a writable host path) becomes a full escape. Pod Security Admission rejects any AppArmor profile type other than RuntimeDefault and Localhost at pod and container level, and the deprecated `container.apparmor.security.beta.kubernetes.io/<container>` annotation with any value other than `runtime/default` or `localhost/<profile>`.',
    remediation:
      'Remove the `Unconfined` profile: leave `securityContext.appArmorProfile` unset (the runtime default applies), set `type: RuntimeDefault`, or load a custom profile on the nodes and use `type: Localhost` with `localhostProfile`. Replace the deprecated annotations with the `appArmorProfile` field.',
    references: [`${PSS_DOC}#baseline`, 'https://kubernetes.io/docs/tutorials/security/apparmor/', PSA_CHECKS],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: notebook\nspec:\n  containers:\n  - name: notebook\n    image: quay.io/jupyter/scipy-notebook:2024-10-07\n    securityContext:\n      appArmorProfile:\n        type: Unconfined\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: notebook\nspec:\n  securityContext:\n    appArmorProfile:\n      type: RuntimeDefault\n  containers:\n  - name: notebook\n    image: quay.io/jupyter/scipy-notebook:2024-10-07\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    const podProfile = podSecurityContext(pod)?.appArmorProfile;
    if (isSet(podProfile) && reportsPodLevel(pod)) checkField(ctx, podProfile, [...podSecurityContextPath(pod), 'appArmorProfile'], 'Pod');
    for (const c of pod.containers) {
      const profile = containerSecurityContext(c)?.appArmorProfile;
      if (isSet(profile)) checkField(ctx, profile, [...c.path, 'securityContext', 'appArmorProfile'], containerLabel(c));
    }
    const annotations = mapping(pod.metadata.annotations);
    if (!annotations || !pod.metadataPath) return;
    for (const [key, raw] of Object.entries(annotations)) {
      if (!key.startsWith(ANNOTATION_PREFIX)) continue;
      const value = str(raw);
      if (allowedAnnotation(value)) continue;
      ctx.report({
        message: `Annotation sets AppArmor profile '${value}' for container '${key.slice(ANNOTATION_PREFIX.length)}'`,
        at: [...pod.metadataPath, 'annotations', key],
      });
    }
  },
});
