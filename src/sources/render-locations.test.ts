/**
 * Findings through real renderers (kubectl's Kustomize and helm, from the test tool package) on a
 * Kubeflow-like tree: bases, several overlays, strategic-merge, JSON and inline patches, transformers.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../core/types.js';
import { scanSync } from '../scan.js';
import { realRenderers } from '../testing/real-renderers.js';

const real = realRenderers();
let dir: string;

function write(rel: string, content: string): void {
  const p = join(dir, rel);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
}

function row(f: Finding): unknown[] {
  const l = f.location;
  return [f.ruleId, l.path, l.startLine, l.startColumn, l.endLine, l.endColumn, l.renderedBy];
}

const ISTIO = 'kubectl kustomize apps/notebooks/overlays/istio';
const STANDALONE = 'kubectl kustomize apps/notebooks/overlays/standalone';

function kubeflowTree(): void {
  write(
    'apps/notebooks/base/kustomization.yaml',
    `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
- service.yaml
- rbac.yaml
labels:
- pairs:
    app: notebook-controller
  includeSelectors: true
images:
- name: docker.io/kubeflownotebookswg/notebook-controller
  newTag: latest
`,
  );
  write(
    'apps/notebooks/base/deployment.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: deployment
spec:
  template:
    spec:
      containers:
      - name: manager
        image: docker.io/kubeflownotebookswg/notebook-controller
        command:
        - /manager
        securityContext:
          privileged: true
      - name: proxy
        image: quay.io/brancz/kube-rbac-proxy:v0.18.1
      serviceAccountName: service-account
`,
  );
  write('apps/notebooks/base/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: service\nspec:\n  ports:\n  - port: 443\n');
  write(
    'apps/notebooks/base/rbac.yaml',
    `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: role-binding
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: cluster-admin
subjects:
- kind: ServiceAccount
  name: service-account
`,
  );
  // Overlay 1: strategic-merge patch in a file, namespace and prefix transformers.
  write(
    'apps/notebooks/overlays/kubeflow/kustomization.yaml',
    `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: kubeflow
namePrefix: notebook-controller-
resources:
- ../../base
patches:
- path: patches/manager.yaml
`,
  );
  write(
    'apps/notebooks/overlays/kubeflow/patches/manager.yaml',
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: deployment
spec:
  template:
    spec:
      containers:
      - name: proxy
        securityContext:
          runAsUser: 0
      - name: manager
        securityContext:
          allowPrivilegeEscalation: true
`,
  );
  // Overlay 2 builds on overlay 1 and adds a JSON 6902 patch file.
  write(
    'apps/notebooks/overlays/istio/kustomization.yaml',
    `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../kubeflow
patches:
- path: host-pid.yaml
  target:
    kind: Deployment
    name: deployment
`,
  );
  write('apps/notebooks/overlays/istio/host-pid.yaml', '- op: add\n  path: /spec/template/spec/hostPID\n  value: true\n');
  // Overlay 3 on the base directly, with an inline JSON patch.
  write(
    'apps/notebooks/overlays/standalone/kustomization.yaml',
    `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: notebooks
resources:
- ../../base
patches:
- target:
    kind: Deployment
  patch: |-
    - op: add
      path: /spec/template/spec/hostNetwork
      value: true
`,
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-render-loc-'));
  kubeflowTree();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!real.kubectl)(`Kustomize through kubectl${real.kubectl ? '' : ` (skipped: ${real.reason})`}`, () => {
  const run = (rules: string[]) =>
    scanSync({ targets: ['.'], cwd: dir, config: false, rules, renderers: { helm: false, kustomize: false, kubectl: real.kubectl! } });

  it('places each finding on the line that set the value: base, patch file, JSON patch, inline patch, transformer', () => {
    const result = run(['K8S-0003', 'K8S-0014', 'K8S-0001', 'K8S-0100', 'run-as-root-user']);
    expect(result.errors).toEqual([]);
    expect(result.findings.map(row)).toEqual([
      // The manager's securityContext lacks allowPrivilegeEscalation in the standalone overlay: the base declares it.
      ['K8S-0014', 'apps/notebooks/base/deployment.yaml', 13, 9, 14, 27, [STANDALONE]],
      // privileged: true is written once, in the base; both top-level overlays deploy it: one finding, both named.
      ['K8S-0003', 'apps/notebooks/base/deployment.yaml', 14, 11, 14, 27, [ISTIO, STANDALONE]],
      // The proxy container has no securityContext in the standalone overlay: the base's container entry.
      ['K8S-0014', 'apps/notebooks/base/deployment.yaml', 15, 9, 16, 54, [STANDALONE]],
      // The base's images transformer sets the mutable tag: its entry for this image.
      ['K8S-0100', 'apps/notebooks/base/kustomization.yaml', 12, 3, 13, 17, [ISTIO, STANDALONE]],
      // The JSON 6902 patch file of the istio overlay adds hostPID.
      ['K8S-0001', 'apps/notebooks/overlays/istio/host-pid.yaml', 3, 3, 3, 14, [ISTIO]],
      // The kubeflow overlay's strategic-merge patch gives the proxy a securityContext (matched by container name, not position).
      ['K8S-0014', 'apps/notebooks/overlays/kubeflow/patches/manager.yaml', 10, 9, 11, 23, [ISTIO]],
      ['K8S-0016', 'apps/notebooks/overlays/kubeflow/patches/manager.yaml', 11, 11, 11, 23, [ISTIO]],
      ['K8S-0014', 'apps/notebooks/overlays/kubeflow/patches/manager.yaml', 14, 11, 14, 41, [ISTIO]],
      // The standalone overlay's inline JSON patch (a literal block inside its kustomization) adds hostNetwork.
      ['K8S-0001', 'apps/notebooks/overlays/standalone/kustomization.yaml', 12, 7, 12, 18, [STANDALONE]],
    ]);
  });

  it('never judges a patch alone, never points past the end of a file or at a line that holds another key', () => {
    const result = scanSync({
      targets: ['.'],
      cwd: dir,
      config: false,
      scanners: ['misconfig'],
      renderers: { helm: false, kustomize: false, kubectl: real.kubectl! },
    });
    expect(result.errors).toEqual([]);
    expect(result.findings.length).toBeGreaterThan(20);
    for (const f of result.findings) {
      const l = f.location;
      // Every finding in this tree comes from a render (the bases and patches are never read alone).
      expect(l.renderedBy, `${f.ruleId} ${l.path}`).toBeDefined();
      if (l.startLine === undefined) continue;
      const lines = readFileSync(join(dir, l.path), 'utf8').split('\n');
      expect(l.endLine!).toBeLessThanOrEqual(lines.length);
      const key = l.objectPath?.split('/').pop();
      const text = lines[l.startLine - 1];
      if (f.evidence?.startsWith(`${key}:`))
        expect(text, `${f.ruleId} ${l.path}:${l.startLine}`).toMatch(new RegExp(`(^|\\s|-)(${key}|value):`));
    }
    // Fixes computed on rendered text would edit no file: each is described (where to change it), none applied.
    expect(result.findings.some((f) => f.slug === 'root-filesystem-writable')).toBe(true);
    expect(result.findings.filter((f) => f.fix?.edits.length)).toEqual([]);
    const described = result.findings.filter((f) => f.fix);
    expect(described.length).toBeGreaterThan(0);
    for (const f of described)
      expect(f.fix!.manual).toMatch(/^the finding is on output of `kubectl kustomize apps\/notebooks\/overlays\/\w+`/);
    // A patch without serviceAccountName is no workload on the default service account.
    expect(result.findings.filter((f) => f.ruleId === 'K8S-0106')).toEqual([]);
    // One binding of cluster-admin, deployed by two overlays: one finding.
    expect(result.findings.filter((f) => f.ruleId === 'K8S-0111').map(row)).toEqual([
      ['K8S-0111', 'apps/notebooks/base/rbac.yaml', 8, 3, 8, 22, [ISTIO, STANDALONE]],
    ]);
  });
});

describe.skipIf(!real.kubectl)(`an aggregate of apps through kubectl${real.kubectl ? '' : ` (skipped: ${real.reason})`}`, () => {
  let agg: string;
  const put = (rel: string, content: string): void => {
    mkdirSync(dirname(join(agg, rel)), { recursive: true });
    writeFileSync(join(agg, rel), content);
  };
  const app = (name: string, image: string, extra: string): void => {
    put(
      `apps/${name}/base/kustomization.yaml`,
      `resources:\n- deployment.yaml\nnamePrefix: ${name}-\nimages:\n- name: ${image}\n  newTag: latest\n`,
    );
    put(
      `apps/${name}/base/deployment.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: ${name}\n        image: ${image}\n${extra}`,
    );
    put(
      `apps/${name}/overlays/kubeflow/kustomization.yaml`,
      `namespace: kubeflow\nresources:\n- ../../base\nimages:\n- name: ${image}\n  newTag: v2\n`,
    );
  };
  beforeAll(() => {
    agg = mkdtempSync(join(tmpdir(), 'sanctum-render-agg-'));
    app('web', 'example.com/web', '');
    app('trainer', 'example.com/trainer', '        securityContext:\n          privileged: true\n');
    put('apps/trainer/overlays/standalone/kustomization.yaml', 'resources:\n- ../../base\n');
    put('example/kustomization.yaml', 'resources:\n- ../apps/web/overlays/kubeflow\n- ../apps/trainer/base\n');
  });
  afterAll(() => {
    rmSync(agg, { recursive: true, force: true });
  });

  it('follows each object down its own overlays: same-named bases and the images entry that made the tag', () => {
    const result = scanSync({
      targets: ['.'],
      cwd: agg,
      config: false,
      rules: ['K8S-0003', 'K8S-0100'],
      renderers: { helm: false, kustomize: false, kubectl: real.kubectl! },
    });
    expect(result.errors).toEqual([]);
    expect(result.findings.map((f) => [...row(f), f.location.resource?.name])).toEqual([
      // Both apps declare Deployment 'deployment': the trainer's privileged flag is in the trainer's base, never the web's.
      [
        'K8S-0003',
        'apps/trainer/base/deployment.yaml',
        12,
        11,
        12,
        27,
        [
          'kubectl kustomize apps/trainer/overlays/kubeflow',
          'kubectl kustomize apps/trainer/overlays/standalone',
          'kubectl kustomize example',
        ],
        'trainer-deployment',
      ],
      // The trainer's mutable tag comes from its base's images entry; the web app's overlay retags only the web image.
      [
        'K8S-0100',
        'apps/trainer/base/kustomization.yaml',
        5,
        3,
        6,
        17,
        ['kubectl kustomize apps/trainer/overlays/standalone', 'kubectl kustomize example'],
        'trainer-deployment',
      ],
    ]);
  });
});
