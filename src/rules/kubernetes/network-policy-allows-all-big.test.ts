import { describe, expect, it } from 'vitest';
import { runRule } from '../../testing/rule-tester.js';
import rule from './network-policy-allows-all.js';

/**
 * A generated namespace of many pods and NetworkPolicies: the rule finds the pods a policy selects
 * through an index of pods by label. Its findings must be those of selecting by walking every pod for
 * every policy (computed here), location by location.
 */
describe('K8S-0165 on a namespace of 2,000 pods and 400 NetworkPolicies', () => {
  type Labels = Record<string, string | number>;
  const pods: Array<{ name: string; namespace: string; labels: Labels; notebook: boolean }> = [];
  const policies: Array<{ name: string; namespace: string; matchLabels: Labels; expressions: boolean; line: number }> = [];
  const docs: string[] = [];
  let line = 1;
  const add = (doc: string) => {
    docs.push(doc);
    line += doc.split('\n').length - 1 + 1; // its lines and the `---` after it
  };
  const flow = (labels: Labels) =>
    `{${Object.entries(labels)
      .map(([k, v]) => `${k}: ${typeof v === 'number' ? v : JSON.stringify(v)}`)
      .join(', ')}}`;
  for (let i = 0; i < 2000; i++) {
    const labels: Labels = { app: `a${i % 400}`, tier: `t${i % 10}`, version: i % 3 === 0 ? 1 : i % 3 === 1 ? '1' : 'v2' };
    if (i % 5 === 0) labels.zone = 'z';
    const notebook = i % 7 === 3;
    const namespace = i % 50 === 49 ? 'other' : 'big';
    pods.push({ name: `p${i}`, namespace, labels, notebook });
    add(
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\n  namespace: ${namespace}\n  labels: ${flow(labels)}\nspec:\n  containers:\n  - name: c\n` +
        (notebook
          ? `    image: quay.io/jupyter/base-notebook:2024-10-07\n    args: [start-notebook.py, "--ServerApp.token=''"]\n`
          : '    image: nginx:1.27\n'),
    );
  }
  for (let j = 0; j < 400; j++) {
    const kinds: Labels[] = [
      { app: `a${j}` },
      { tier: `t${j % 10}`, app: `a${(j * 7) % 400}` },
      { version: j % 2 ? 1 : '1', tier: `t${j % 10}` },
      { zone: 'z', app: `a${j}` },
      { app: `a${j}`, missing: 'x' },
    ];
    const matchLabels = kinds[j % kinds.length];
    const expressions = j % 11 === 0;
    const namespace = j % 13 === 0 ? 'other' : 'big';
    const selector = expressions
      ? `{matchLabels: ${flow(matchLabels)}, matchExpressions: [{key: tier, operator: Exists}]}`
      : `{matchLabels: ${flow(matchLabels)}}`;
    const doc = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: np${j}\n  namespace: ${namespace}\nspec:\n  podSelector: ${selector}\n  ingress:\n  - {}\n`;
    policies.push({ name: `np${j}`, namespace, matchLabels, expressions, line: line + 8 });
    add(doc);
  }

  it('reports exactly the policies whose selected pods run an AI service without authentication, naming the first', () => {
    // Selection by walking every pod: same namespace, every key: value among the labels (as text).
    const expected = policies.flatMap((np) => {
      if (np.expressions) return [];
      const pod = pods.find(
        (p) =>
          p.notebook &&
          p.namespace === np.namespace &&
          Object.entries(np.matchLabels).every(([k, v]) => p.labels[k] !== undefined && String(p.labels[k]) === String(v)),
      );
      return pod
        ? [
            {
              startLine: np.line,
              startColumn: 5,
              endLine: np.line,
              endColumn: 7,
              objectPath: '/spec/ingress/0',
              message: `NetworkPolicy '${np.name}' allows all ingress to pods running Jupyter (Pod '${pod.name}'): an ingress rule with no from and no ports allows all traffic`,
            },
          ]
        : [];
    });
    expect(expected.length).toBeGreaterThan(100);
    const { findings, errors } = runRule(rule, { path: 'big.yaml', content: docs.join('---\n') });
    expect(errors).toEqual([]);
    expect(
      findings.map((f) => ({
        startLine: f.location.startLine,
        startColumn: f.location.startColumn,
        endLine: f.location.endLine,
        endColumn: f.location.endColumn,
        objectPath: f.location.objectPath,
        message: f.message,
      })),
    ).toEqual(expected);
  });
});
