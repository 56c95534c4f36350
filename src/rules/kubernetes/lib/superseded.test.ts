/** One problem, one finding: where a specific Kubernetes rule and a generic one report the same value, the specific one stands. */
import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../../core/source-file.js';
import { scanSync } from '../../../scan.js';

const scan = (path: string, text: string) =>
  scanSync({ targets: [path], files: [new MemorySourceFile(path, text)], config: false }).findings.map((f) => ({
    rule: f.ruleId,
    line: f.location.startLine,
    severity: f.severity,
    folded: f.folded?.map((x) => x.ruleId) ?? [],
  }));

const pod = (path: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: c:1\n  volumes:\n  - name: v\n    hostPath:\n      path: ${path}\n`;

describe('findings folded into the more specific rule', () => {
  it('a hostPath of the runtime socket is one K8S-0107 finding, with K8S-0005 folded in', () => {
    const hostPath = scan('pod.yaml', pod('/var/run/docker.sock')).filter((f) => f.line === 11 || f.line === 12);
    expect(hostPath).toEqual([{ rule: 'K8S-0107', line: 12, severity: 'critical', folded: ['K8S-0005'] }]);
  });

  it('a hostPath of GPU device nodes is one K8S-0122 finding', () => {
    const hostPath = scan('pod.yaml', pod('/dev/nvidia0')).filter((f) => f.line === 11 || f.line === 12);
    expect(hostPath).toEqual([{ rule: 'K8S-0122', line: 12, severity: 'high', folded: ['K8S-0005'] }]);
  });

  it('another hostPath stays K8S-0005', () => {
    expect(scan('pod.yaml', pod('/data/models')).filter((f) => f.line === 11)).toEqual([
      { rule: 'K8S-0005', line: 11, severity: 'high', folded: [] },
    ]);
  });

  it('a provider key in a ConfigMap is one K8S-0129 finding', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  OPENAI_API_KEY: sk-proj-Q7vXk2L9mR4tW8zN1pB6yH3cJ5dF0gSaT1uE7wKqZ\n';
    const found = scan('cm.yaml', text);
    expect(found.map((f) => f.rule)).toEqual(['K8S-0129']);
    expect(found[0].folded.length).toBeGreaterThan(0);
  });
});
