import { defineFramework } from '../core/framework.js';

/** NSA/CISA Kubernetes Hardening Guidance v1.2 (August 2022): its sections as controls. */
export const nsaCisa = defineFramework({
  id: 'nsa-cisa',
  title: 'NSA/CISA Kubernetes Hardening Guidance v1.2',
  url: 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
  controls: {
    'non-root-containers': 'Use containers built to run applications as non-root users',
    'immutable-filesystem': 'Run containers with immutable file systems',
    'image-scanning': 'Scan container images for vulnerabilities and misconfigurations',
    'pod-security': 'Enforce Pod Security: no privileged containers, host namespaces or privilege escalation',
    'service-account-tokens': 'Protect pod service account tokens',
    'hardening-container-environments': 'Harden container environments (seccomp, AppArmor, SELinux)',
    'network-separation': 'Network separation and hardening: NetworkPolicies, default deny',
    'resource-policies': 'Resource policies: LimitRanges and ResourceQuotas',
    'control-plane-hardening': 'Control plane hardening: restrict access to the API and dashboards',
    'authentication-authorization': 'Authentication and authorization: RBAC least privilege, no anonymous access',
    secrets: 'Encrypt and protect Secrets; keep credentials out of manifests',
    'audit-logging': 'Audit logging and threat detection',
  },
});
