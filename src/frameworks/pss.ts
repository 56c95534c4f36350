import { defineFramework } from '../core/framework.js';

/** Pod Security Standards: the check ids of Pod Security Admission (latest version). */
export const pss = defineFramework({
  id: 'pss',
  title: 'Kubernetes Pod Security Standards',
  url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
  levels: ['baseline', 'restricted'],
  controls: {
    windowsHostProcess: 'Windows HostProcess containers',
    hostNamespaces: 'Host namespaces',
    privileged: 'Privileged containers',
    capabilities_baseline: 'Capabilities (baseline)',
    hostPathVolumes: 'HostPath volumes',
    hostPorts: 'Host ports',
    appArmorProfile: 'AppArmor',
    seLinuxOptions: 'SELinux',
    procMount: '/proc mount type',
    seccompProfile_baseline: 'Seccomp (baseline)',
    sysctls: 'Sysctls',
    hostProbesAndHostLifecycle: 'Host probes and lifecycle hooks',
    restrictedVolumes: 'Volume types',
    allowPrivilegeEscalation: 'Privilege escalation',
    runAsNonRoot: 'Running as non-root',
    runAsUser: 'Running as non-root user',
    seccompProfile_restricted: 'Seccomp (restricted)',
    capabilities_restricted: 'Capabilities (restricted)',
    procMount_restricted: '/proc mount type (restricted)',
  },
});
