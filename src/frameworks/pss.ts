import { defineFramework } from '../core/framework.js';

/** Pod Security Standards: the check ids of Pod Security Admission (latest version). */
export const pss = defineFramework({
  id: 'pss',
  title: 'Kubernetes Pod Security Standards',
  url: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
  levels: ['baseline', 'restricted'],
  // Pod Security Admission's OverrideCheckIDs: at restricted these checks run instead of their baseline twins.
  overrides: {
    restricted: {
      restrictedVolumes: 'hostPathVolumes',
      seccompProfile_restricted: 'seccompProfile_baseline',
      capabilities_restricted: 'capabilities_baseline',
      procMount_restricted: 'procMount',
    },
  },
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
