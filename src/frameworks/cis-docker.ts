import { defineFramework } from '../core/framework.js';

/**
 * CIS Docker Benchmark v1.6.0: the recommendations Sanctum's rules map to, numbered as in v1.6.0
 * (section 5 starts with 5.1 "swarm mode", so runtime controls are one above their v1.4 numbers).
 */
export const cisDocker = defineFramework({
  id: 'cis-docker',
  title: 'CIS Docker Benchmark v1.6.0',
  url: 'https://www.cisecurity.org/benchmark/docker',
  controls: {
    '4.1': 'Ensure that a user for the container has been created',
    '4.2': 'Ensure that containers use only trusted base images',
    '4.3': 'Ensure that unnecessary packages are not installed in the container',
    '4.6': 'Ensure that HEALTHCHECK instructions have been added to container images',
    '4.7': 'Ensure update instructions are not used alone in Dockerfiles',
    '4.8': 'Ensure setuid and setgid permissions are removed',
    '4.9': 'Ensure that COPY is used instead of ADD in Dockerfiles',
    '4.10': 'Ensure secrets are not stored in Dockerfiles',
    '4.11': 'Ensure only verified packages are installed',
    '5.2': 'Ensure that, if applicable, an AppArmor Profile is enabled',
    '5.4': 'Ensure that Linux kernel capabilities are restricted within containers',
    '5.5': 'Ensure that privileged containers are not used',
    '5.6': 'Ensure sensitive host system directories are not mounted on containers',
    '5.7': 'Ensure sshd is not run within containers',
    '5.9': 'Ensure that only needed ports are open on the container',
    '5.10': "Ensure that the host's network namespace is not shared",
    '5.14': 'Ensure that incoming container traffic is bound to a specific host interface',
    '5.16': "Ensure that the host's process namespace is not shared",
    '5.17': "Ensure that the host's IPC namespace is not shared",
    '5.18': 'Ensure that host devices are not directly exposed to containers',
    '5.22': 'Ensure the default seccomp profile is not Disabled',
    '5.26': 'Ensure that the container is restricted from acquiring additional privileges',
    '5.32': 'Ensure that the Docker socket is not mounted inside any containers',
  },
});
