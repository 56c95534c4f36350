import { MemorySourceFile } from '../../core/source-file.js';
import type { Finding, ScanResult } from '../../core/types.js';
import { getRegistry, scanSync } from '../../scan.js';

export const POD = `apiVersion: v1
kind: Pod
metadata:
  name: vllm
  namespace: llm
spec:
  containers:
  - name: vllm
    image: vllm/vllm-openai:v0.6.3
    securityContext:
      privileged: true
  - name: sidecar
    image: envoyproxy/envoy:v1.31.0
    securityContext:
      # sanctum:ignore K8S-0003 reason="the mesh needs it & <more>" expires=2999-01-01
      privileged: true
`;

/** A real scan of one in-memory manifest (one failing, one suppressed finding) plus a broken file. */
export function realResult(): ScanResult {
  return scanSync({
    targets: ['deploy'],
    config: false,
    rules: ['K8S-0003'],
    today: '2026-01-01',
    files: [new MemorySourceFile('deploy/pod dir/vllm.yaml', POD), new MemorySourceFile('deploy/broken.yaml', 'a: [1,\n  b: "x\n')],
  });
}

export function selectedRules() {
  return getRegistry().rules.filter((r) => r.meta.id === 'K8S-0003');
}

/** A finding with a fix, an evidence string full of markup, and a config suppression. */
export function syntheticFindings(): Finding[] {
  return [
    {
      ruleId: 'K8S-0003',
      slug: 'privileged-container',
      title: 'Privileged container',
      severity: 'critical',
      message: 'Container "a&b" <runs> privileged',
      location: {
        path: 'k8s/app.yaml',
        startLine: 11,
        startColumn: 7,
        endLine: 11,
        endColumn: 23,
        objectPath: '/spec/containers/0/securityContext/privileged',
        resource: { apiVersion: 'v1', kind: 'Pod', namespace: 'llm', name: 'app' },
      },
      frameworks: [{ id: 'pss', control: 'privileged', level: 'baseline' }],
      status: 'fail',
      fingerprint: 'sha256:aaaa',
      evidence: 'privileged: true',
      fix: {
        description: 'Set privileged to false',
        edits: [{ path: 'k8s/app.yaml', range: { startLine: 11, startColumn: 19, endLine: 11, endColumn: 23 }, replacement: 'false' }],
      },
    },
    {
      ruleId: 'K8S-0003',
      slug: 'privileged-container',
      title: 'Privileged container',
      severity: 'low',
      message: 'low one \u0001 with a control character',
      location: { path: 'k8s/other.yaml', startLine: 3, startColumn: 1, endLine: 3, endColumn: 5 },
      frameworks: [],
      status: 'fail',
      fingerprint: 'sha256:bbbb',
    },
    {
      ruleId: 'K8S-0003',
      slug: 'privileged-container',
      title: 'Privileged container',
      severity: 'high',
      message: 'accepted',
      location: { path: 'k8s/other.yaml', startLine: 9, startColumn: 1, endLine: 9, endColumn: 5 },
      frameworks: [],
      status: 'suppressed',
      suppression: { kind: 'config', reason: 'ticket SEC-1', expires: '2999-01-01' },
      fingerprint: 'sha256:cccc',
    },
  ];
}

export function syntheticResult(): ScanResult {
  return {
    schemaVersion: 1,
    tool: { name: 'sanctum', version: '0.1.0' },
    targets: ['k8s'],
    findings: syntheticFindings(),
    errors: [{ path: 'k8s/bad "one".yaml', message: 'YAML parse error at line 2: <unexpected> & done', line: 2 }],
    stats: { files: 3, resources: 2, durationMs: 12, rules: 1 },
  };
}
