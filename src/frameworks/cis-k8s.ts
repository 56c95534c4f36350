import { defineFramework } from '../core/framework.js';

/** CIS Kubernetes Benchmark v1.9: the policy recommendations (section 5) Sanctum's rules map to. */
export const cisK8s = defineFramework({
  id: 'cis-k8s',
  title: 'CIS Kubernetes Benchmark v1.9.0',
  url: 'https://www.cisecurity.org/benchmark/kubernetes',
  controls: {
    '5.1.1': 'Ensure that the cluster-admin role is only used where required',
    '5.1.2': 'Minimize access to secrets',
    '5.1.3': 'Minimize wildcard use in Roles and ClusterRoles',
    '5.1.4': 'Minimize access to create pods',
    '5.1.5': 'Ensure that default service accounts are not actively used',
    '5.1.6': 'Ensure that Service Account Tokens are only mounted where necessary',
    '5.1.8': 'Limit use of the Bind, Impersonate and Escalate permissions in the Kubernetes cluster',
    '5.2.2': 'Minimize the admission of privileged containers',
    '5.2.3': 'Minimize the admission of containers wishing to share the host process ID namespace',
    '5.2.4': 'Minimize the admission of containers wishing to share the host IPC namespace',
    '5.2.5': 'Minimize the admission of containers wishing to share the host network namespace',
    '5.2.6': 'Minimize the admission of containers with allowPrivilegeEscalation',
    '5.2.7': 'Minimize the admission of root containers',
    '5.2.8': 'Minimize the admission of containers with the NET_RAW capability',
    '5.2.9': 'Minimize the admission of containers with added capabilities',
    '5.2.10': 'Minimize the admission of containers with capabilities assigned',
    '5.2.11': 'Minimize the admission of Windows HostProcess Containers',
    '5.2.12': 'Minimize the admission of HostPath volumes',
    '5.2.13': 'Minimize the admission of containers which use HostPorts',
    '5.3.2': 'Ensure that all Namespaces have Network Policies defined',
    '5.4.1': 'Prefer using secrets as files over secrets as environment variables',
    '5.7.2': 'Ensure that the seccomp profile is set to docker/default in your pod definitions',
    '5.7.3': 'Apply Security Context to Your Pods and Containers',
    '5.7.4': 'The default namespace should not be used',
  },
});
