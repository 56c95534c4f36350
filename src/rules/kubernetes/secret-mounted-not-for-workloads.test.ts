import { testRule } from '../../testing/rule-tester.js';
import rule from './secret-mounted-not-for-workloads.js';

const secret = (name: string, type: string, annotations = '') =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\n  namespace: llm\n${annotations}type: ${type}\n---\n`;
const pod = (spec: string, sa = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: vllm\n  namespace: llm\nspec:\n${sa}  containers:\n  - name: vllm\n    image: vllm/vllm-openai:v0.6.3\n${spec}`;

testRule(rule, {
  valid: [
    {
      name: 'registry credentials as imagePullSecrets',
      path: 'p.yaml',
      content: secret('reg', 'kubernetes.io/dockerconfigjson') + pod('  imagePullSecrets:\n  - name: reg\n'),
    },
    {
      name: 'an Opaque Secret in the environment',
      path: 'p.yaml',
      content: secret('keys', 'Opaque') + pod('    envFrom:\n    - secretRef: {name: keys}\n'),
    },
    {
      name: 'a TLS Secret as a volume',
      path: 'p.yaml',
      content: secret('tls', 'kubernetes.io/tls') + pod('  volumes:\n  - name: t\n    secret: {secretName: tls}\n'),
    },
    {
      name: 'a Secret of the same name in another namespace',
      path: 'p.yaml',
      content:
        secret('reg', 'kubernetes.io/dockerconfigjson').replace('namespace: llm', 'namespace: ci') +
        pod('  volumes:\n  - name: r\n    secret: {secretName: reg}\n'),
    },
    { name: 'the Secret is not in the scan', path: 'p.yaml', content: pod('  volumes:\n  - name: r\n    secret: {secretName: reg}\n') },
  ],
  invalid: [
    {
      name: 'registry credentials mounted as a volume',
      path: 'p.yaml',
      content: secret('reg', 'kubernetes.io/dockerconfigjson') + pod('  volumes:\n  - name: r\n    secret:\n      secretName: reg\n'),
      findings: [
        {
          startLine: 20,
          startColumn: 7,
          endLine: 20,
          endColumn: 22,
          objectPath: '/spec/volumes/0/secret/secretName',
          severity: 'high',
          message:
            "Pod 'vllm' takes Secret 'reg' (kubernetes.io/dockerconfigjson) into volume 'r': registry credentials, which the kubelet uses to pull images (imagePullSecrets); with them a container can push to the registry",
        },
      ],
    },
    {
      name: 'a Helm release record in the environment, through a projected volume too',
      path: 'p.yaml',
      content:
        secret('sh.helm.release.v1.llm.v3', 'helm.sh/release.v1') +
        pod(
          '    env:\n    - name: RELEASE\n      valueFrom:\n        secretKeyRef: {name: sh.helm.release.v1.llm.v3, key: release}\n  volumes:\n  - name: p\n    projected:\n      sources:\n      - secret: {name: sh.helm.release.v1.llm.v3}\n',
        ),
      findings: [
        {
          startLine: 20,
          startColumn: 24,
          endLine: 20,
          endColumn: 55,
          severity: 'medium',
          message:
            "Pod 'vllm' takes Secret 'sh.helm.release.v1.llm.v3' (helm.sh/release.v1) into the environment of container 'vllm': a Helm release record, which holds every value the release was installed with, its secrets included",
        },
        { startLine: 25, startColumn: 18, endLine: 25, endColumn: 49, objectPath: '/spec/volumes/0/projected/sources/0/secret/name' },
      ],
    },
    {
      name: 'a token Secret of another service account, and one of its own',
      path: 'p.yaml',
      content:
        secret('admin-token', 'kubernetes.io/service-account-token', '  annotations:\n    kubernetes.io/service-account.name: admin\n') +
        secret('vllm-token', 'kubernetes.io/service-account-token', '  annotations:\n    kubernetes.io/service-account.name: vllm\n') +
        pod('    envFrom:\n    - secretRef: {name: admin-token}\n    - secretRef: {name: vllm-token}\n', '  serviceAccountName: vllm\n'),
      findings: [
        {
          startLine: 30,
          startColumn: 19,
          endLine: 30,
          endColumn: 36,
          severity: 'high',
          message:
            "Pod 'vllm' takes Secret 'admin-token' into the environment of container 'vllm': a token of service account 'admin', which is not the one it runs as, and never expires",
        },
        {
          startLine: 31,
          startColumn: 19,
          endLine: 31,
          endColumn: 35,
          severity: 'medium',
          message:
            "Pod 'vllm' takes Secret 'vllm-token' into the environment of container 'vllm': a long-lived token of its own service account 'vllm', which never expires (the projected token it gets by default does)",
        },
      ],
    },
  ],
});
