import { describe, expect, it } from 'vitest';
import type { ScanDocument } from '../../core/document.js';
import { LineIndex } from '../../core/line-index.js';
import { DEFAULT_LIMITS, ParseFailure } from '../../core/parser.js';
import { MemorySourceFile } from '../../core/source-file.js';
import type { K8sObjectDocument } from '../k8s/k8s-documents.js';
import { k8sClassifier } from '../k8s/k8s-classifier.js';
import { createYamlParser } from './yaml-parser.js';

const parser = createYamlParser([k8sClassifier]);

function parse(text: string | Uint8Array, name = 'm.yaml'): { objects: K8sObjectDocument[]; all: ScanDocument[]; file: MemorySourceFile } {
  const file = new MemorySourceFile(name, text);
  const all = parser.parse(file, { limits: DEFAULT_LIMITS }).documents;
  return { objects: all.filter((d): d is K8sObjectDocument => d.kind === 'k8s'), all, file };
}

/** `line:col-line:col text` of what `locate` points at (end column exclusive). */
function at(doc: ScanDocument, path: Array<string | number>): string {
  const l = doc.locate(path);
  const r = l.range!;
  const lines = new LineIndex(doc.file.text());
  const text = doc.file.text().slice(lines.offset(r.startLine, r.startColumn), lines.offset(r.endLine, r.endColumn));
  return `${r.startLine}:${r.startColumn}-${r.endLine}:${r.endColumn} ${text}`;
}

const POD = `# a comment before everything
--- # first document
apiVersion: v1
kind: Pod   # trailing comment
metadata: {name: "x", labels: {app.kubernetes.io/name: b}}
spec:
  containers:
  - name: c
    securityContext:
      privileged: true
    args: ["a", 'b']
    command: |
      echo hi
      run

    env:
    - {name: A, value: "1"}
    - name: B
      value: >-
        folded
        text
  nodeName:
  hostPID: yes
`;

describe('locate in block and flow YAML', () => {
  const [pod] = parse(POD).objects;

  it('spans a mapping key with its value', () => {
    expect(at(pod, ['kind'])).toBe('4:1-4:10 kind: Pod');
    expect(at(pod, ['spec', 'containers', 0, 'securityContext', 'privileged'])).toBe('10:7-10:23 privileged: true');
    expect(at(pod, ['spec', 'containers', 0, 'securityContext'])).toBe('9:5-10:23 securityContext:\n      privileged: true');
    expect(at(pod, ['spec', 'hostPID'])).toBe('23:3-23:15 hostPID: yes');
  });

  it('spans a sequence item without its dash, up to its last descendant', () => {
    expect(at(pod, ['spec', 'containers', 0])).toMatch(/^8:5-21:13 name: c\n {4}securityContext:[^]*\n {8}text$/);
    expect(at(pod, ['spec', 'containers', 0, 'args', 1])).toBe("11:17-11:20 'b'");
  });

  it('locates inside flow collections, quoted scalars included', () => {
    expect(at(pod, ['metadata'])).toBe('5:1-5:59 metadata: {name: "x", labels: {app.kubernetes.io/name: b}}');
    expect(at(pod, ['metadata', 'name'])).toBe('5:12-5:21 name: "x"');
    expect(at(pod, ['metadata', 'labels', 'app.kubernetes.io/name'])).toBe('5:32-5:57 app.kubernetes.io/name: b');
    expect(at(pod, ['spec', 'containers', 0, 'args'])).toBe('11:5-11:21 args: ["a", \'b\']');
    expect(at(pod, ['spec', 'containers', 0, 'env', 0, 'value'])).toBe('17:17-17:27 value: "1"');
    expect(at(pod, ['spec', 'containers', 0, 'env', 0])).toBe('17:7-17:28 {name: A, value: "1"}');
  });

  it('spans block scalars without their trailing blank lines', () => {
    expect(at(pod, ['spec', 'containers', 0, 'command'])).toBe('12:5-14:10 command: |\n      echo hi\n      run');
    expect(at(pod, ['spec', 'containers', 0, 'env', 1, 'value'])).toBe('19:7-21:13 value: >-\n        folded\n        text');
  });

  it('spans a key with an empty value as the key and its colon', () => {
    expect(at(pod, ['spec', 'nodeName'])).toBe('22:3-22:12 nodeName:');
  });

  it('spans the whole object for an empty path, after comments and the document marker', () => {
    expect(at(pod, [])).toMatch(/^3:1-23:15 apiVersion: v1\n[^]*hostPID: yes$/);
  });

  it('falls back to the nearest existing ancestor (with its key) for a missing path', () => {
    expect(at(pod, ['spec', 'containers', 0, 'securityContext', 'runAsNonRoot'])).toBe(
      '9:5-10:23 securityContext:\n      privileged: true',
    );
    expect(at(pod, ['spec', 'containers', 7, 'image'])).toMatch(/^7:3-21:13 containers:\n/);
    expect(at(pod, ['spec', 'containers', 0, 'args', 5])).toBe('11:5-11:21 args: ["a", \'b\']');
    expect(at(pod, ['metadata', 'labels', 'nope', 'deeper'])).toBe('5:23-5:58 labels: {app.kubernetes.io/name: b}');
    expect(pod.locate(['spec', 'containers', 0, 'securityContext', 'runAsNonRoot']).objectPath).toBe(
      '/spec/containers/0/securityContext/runAsNonRoot',
    );
  });

  it('reports JSON pointers with escaped segments', () => {
    expect(pod.locate(['metadata', 'annotations', 'a/b~c']).objectPath).toBe('/metadata/annotations/a~1b~0c');
  });
});

describe('documents', () => {
  const pod = (n: string): string => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${n}\nspec:\n  hostPID: true\n`;

  it('keeps positions right across multi-document files with empty documents, comments, markers and tags', () => {
    const text = `# header only\n---\n---\n# just a comment\n---   # c\n${pod('a')}...\n--- !!map\n${pod('b')}---\n\n${pod('c')}# trailing comment\n\n---\n`;
    const { objects } = parse(text);
    expect(objects.map((o) => `${o.name}@${o.docIndex}`)).toEqual(['a@2', 'b@3', 'c@4']);
    expect(objects.map((o) => at(o, ['spec', 'hostPID']))).toEqual([
      '11:3-11:16 hostPID: true',
      '19:3-19:16 hostPID: true',
      '27:3-27:16 hostPID: true',
    ]);
    expect(at(objects[2], [])).toMatch(/^22:1-27:16 apiVersion/);
  });

  it('splits List kinds into their items, with paths relative to each item and pointers relative to the document', () => {
    const text =
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: a}\n- not an object\n- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: b\n  spec:\n    hostNetwork: true\n';
    const { objects } = parse(text);
    expect(objects.map((o) => o.name)).toEqual(['a', 'b']);
    expect(at(objects[1], ['spec', 'hostNetwork'])).toBe('13:5-13:22 hostNetwork: true');
    expect(at(objects[1], [])).toMatch(/^8:3-13:22 apiVersion: v1\n {2}kind: Pod/);
    expect(objects[1].locate(['spec', 'hostNetwork']).objectPath).toBe('/items/2/spec/hostNetwork');
    expect(objects[0].resource).toEqual({ apiVersion: 'v1', kind: 'Pod', name: 'a' });
  });

  it('splits typed lists (DeploymentList, …) too', () => {
    const text =
      '{"apiVersion": "apps/v1", "kind": "DeploymentList", "items": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "ml"}}]}';
    const { objects } = parse(text, 'list.json');
    expect(objects.map((o) => o.resource)).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', namespace: 'ml' }]);
    expect(at(objects[0], ['metadata', 'namespace'])).toBe('1:137-1:154 "namespace": "ml"');
  });

  it('reads JSON manifests with exact positions', () => {
    const text =
      '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "j"},\n  "spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}\n}\n';
    const [pod] = parse(text, 'pod.json').objects;
    expect(at(pod, ['spec', 'containers', 0, 'securityContext', 'privileged'])).toBe('5:61-5:79 "privileged": true');
    expect(at(pod, ['spec', 'containers', 0])).toBe('5:27-5:81 {"name": "c", "securityContext": {"privileged": true}}');
    expect(at(pod, ['metadata'])).toBe('4:3-4:28 "metadata": {"name": "j"}');
    expect(at(pod, [])).toMatch(/^1:1-6:2 \{\n/);
  });

  it('handles CRLF line endings', () => {
    const [pod] = parse(
      'apiVersion: v1\r\nkind: Pod\r\nmetadata:\r\n  name: crlf\r\nspec:\r\n  containers:\r\n  - name: c\r\n    securityContext:\r\n      privileged: true\r\n',
    ).objects;
    expect(at(pod, ['spec', 'containers', 0, 'securityContext', 'privileged'])).toBe('9:7-9:23 privileged: true');
    expect(at(pod, ['metadata'])).toBe('3:1-4:13 metadata:\r\n  name: crlf');
  });

  it('handles a byte order mark, unicode (UTF-16 columns) and tabs after keys', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from(
        'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bom # é 日本\n  labels: {"x/é": "日本語", "😀": ok}\n  annotations:\n    a:\tvalue\n',
      ),
    ]);
    const [pod] = parse(bytes).objects;
    expect(at(pod, ['kind'])).toBe('2:1-2:10 kind: Pod');
    expect(at(pod, ['metadata', 'name'])).toBe('4:3-4:12 name: bom');
    expect(at(pod, ['metadata', 'labels', 'x/é'])).toBe('5:12-5:24 "x/é": "日本語"');
    expect(at(pod, ['metadata', 'labels', '😀'])).toBe('5:26-5:34 "😀": ok');
    expect(at(pod, ['metadata', 'annotations', 'a'])).toBe('7:5-7:13 a:\tvalue');
  });

  it('reads UTF-16 files with a byte order mark (PowerShell redirection), with the same positions', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: ps # é\nspec:\n  hostPID: true\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.map((_, i) => le[i ^ 1]));
    for (const bytes of [le, be]) {
      const { objects } = parse(bytes);
      expect(objects.map((o) => o.name)).toEqual(['ps']);
      expect(at(objects[0], ['spec', 'hostPID'])).toBe('6:3-6:16 hostPID: true');
    }
  });

  it('handles quoted, explicit and numeric-looking keys', () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: t\ndata:\n  "quoted/key": \'v\'\n  ? explicit\n  : x\n  123: num\n  0x1F: hex\n  "007": s\n  \'single\': q\n';
    const [cm] = parse(text).objects;
    expect(at(cm, ['data', 'quoted/key'])).toBe('6:3-6:20 "quoted/key": \'v\'');
    expect(at(cm, ['data', 'explicit'])).toBe('7:5-8:6 explicit\n  : x');
    expect(at(cm, ['data', '123'])).toBe('9:3-9:11 123: num');
    expect(at(cm, ['data', 123])).toBe('9:3-9:11 123: num');
    expect(at(cm, ['data', '31'])).toBe('10:3-10:12 0x1F: hex');
    expect(at(cm, ['data', '007'])).toBe('11:3-11:11 "007": s');
    expect(at(cm, ['data', 'single'])).toBe("12:3-12:14 'single': q");
  });

  it('points into anchors and aliases, and at the merge entry for merged keys', () => {
    const text =
      'base: &b\n  privileged: true\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: anchors\nspec:\n  containers:\n  - &c\n    name: c\n    securityContext: &sc\n      privileged: true\n  - <<: *c\n    name: d\n  - name: e\n    securityContext: *sc\n';
    const { objects } = parse(text);
    const [pod] = objects;
    expect(pod.docIndex).toBe(1);
    expect(at(pod, ['spec', 'containers', 0, 'securityContext', 'privileged'])).toBe('13:7-13:23 privileged: true');
    expect(at(pod, ['spec', 'containers', 1, 'securityContext', 'privileged'])).toBe('14:5-14:11 <<: *c');
    expect(at(pod, ['spec', 'containers', 1, 'name'])).toBe('15:5-15:12 name: d');
    expect(at(pod, ['spec', 'containers', 1, 'nope'])).toMatch(/^14:5-15:12 <<: \*c\n/);
    expect(at(pod, ['spec', 'containers', 2, 'securityContext', 'privileged'])).toBe('17:5-17:25 securityContext: *sc');
    expect((pod.object.spec as { containers: Array<{ securityContext: unknown }> }).containers[2].securityContext).toEqual({
      privileged: true,
    });
  });

  it('matches sequence items to nodes when an item is empty', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: e\nspec:\n  containers:\n  -\n  - name: b\n    image: x\n';
    const [pod] = parse(text).objects;
    expect(at(pod, ['spec', 'containers', 1, 'image'])).toBe('9:5-9:13 image: x');
    expect(at(pod, ['spec', 'containers', 0, 'image'])).toMatch(/^6:3-9:13 containers:/);
  });

  it('reads YAML 1.1 booleans as Kubernetes does, and leaves timestamps as strings', () => {
    const [pod] = parse(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  annotations:\n    t: 2024-01-01\nspec:\n  hostPID: yes\n  hostIPC: "yes"\n  hostNetwork: On\n',
    ).objects;
    expect(pod.get(['spec', 'hostPID'])).toBe(true);
    expect(pod.get(['spec', 'hostIPC'])).toBe('yes');
    expect(pod.get(['spec', 'hostNetwork'])).toBe(true);
    expect(pod.get(['metadata', 'annotations', 't'])).toBe('2024-01-01');
  });

  it('reads words that start with a letter as strings, but null and boolean words as what they are', () => {
    const values =
      'n, N, no, NO, y, Yes, off, OFF, on, true, False, null, Null, NULL, ~, nil, none, nullable, Yesterday, offset, 0x1F, 1e3, .inf, .5, -2, onion';
    const [obj] = parse(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: words\ndata: [${values}]\n`).objects;
    expect(obj.get(['data'])).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      false,
      false,
      true,
      true,
      false,
      null,
      null,
      null,
      null,
      'nil',
      'none',
      'nullable',
      'Yesterday',
      'offset',
      31,
      1000,
      Infinity,
      0.5,
      -2,
      'onion',
    ]);
  });
});

describe('what is not Kubernetes', () => {
  it('ignores YAML that is not a Kubernetes object, quietly', () => {
    expect(parse('name: ci\non: [push]\njobs: {}\n').all).toEqual([]);
    expect(parse('- a\n- b\n').all).toEqual([]);
    expect(parse('just a string\n').all).toEqual([]);
    expect(parse('').all).toEqual([]);
    expect(parse('# only a comment\n').all).toEqual([]);
    expect(parse('apiVersion: 1\nkind: Pod\n').all).toEqual([]);
    expect(parse('kind: Pod\n').all).toEqual([]);
  });

  it('ignores configuration files of tools that are never applied to a cluster', () => {
    expect(parse('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n').all).toEqual([]);
    expect(parse('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n').all).toEqual([]);
    expect(parse('apiVersion: v1\nkind: Config\nclusters: []\nusers: []\n').all).toEqual([]);
    expect(parse('apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes: [{role: control-plane}]\n').all).toEqual([]);
    expect(parse('apiVersion: audit.k8s.io/v1\nkind: Policy\nrules: [{level: Metadata}]\n').all).toEqual([]);
    expect(parse('apiVersion: skaffold/v4beta6\nkind: Config\n').all).toEqual([]);
    expect(parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n').objects.map((o) => o.resource.kind)).toEqual(['ConfigMap']);
  });

  it('ignores JSON that is not Kubernetes without parsing it', () => {
    expect(parse('{"name": "pkg", "version": "1.0.0"', 'package.json').all).toEqual([]);
    expect(parse('[1, 2, 3]', 'data.json').all).toEqual([]);
  });

  it('keeps the Kubernetes documents of a file that also holds others', () => {
    const { objects } = parse('foo: bar\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml\n---\n- 1\n');
    expect(objects.map((o) => o.resource)).toEqual([{ apiVersion: 'v1', kind: 'Namespace', name: 'ml' }]);
    expect(at(objects[0], ['metadata', 'name'])).toBe('6:3-6:11 name: ml');
  });

  it('leaves Helm chart templates to the renderer', () => {
    expect(parse('apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n', 'chart/templates/pod.yaml').all).toEqual([]);
  });

  it('matches .yaml, .yml and .json names, and reports binary content in them', () => {
    expect(parser.matches(new MemorySourceFile('a.yml', ''))).toBe(true);
    expect(parser.matches(new MemorySourceFile('a.YAML', ''))).toBe(true);
    expect(parser.matches(new MemorySourceFile('a.json', '{}'))).toBe(true);
    expect(parser.matches(new MemorySourceFile('a.json', new Uint8Array([0x7b, 0, 1, 2])))).toBe(true);
    expect(() => parse(new Uint8Array([0x7b, 0, 1, 2]), 'a.json')).toThrow('binary content in a YAML/JSON file; not scanned');
    // No NUL byte but control characters: still binary. Latin-1 text is not UTF-8, and not binary.
    expect(() => parse(new Uint8Array([0x7b, 0xff, 1, 2, 3, 0x1b, 0x80]), 'a.json')).toThrow(
      'binary content in a YAML/JSON file; not scanned',
    );
    expect(() => parse(new Uint8Array([...Buffer.from('a: caf'), 0xe9, 0x0a]), 'a.yaml')).toThrow(/^not UTF-8 text \(perhaps Latin-1/);
    expect(parser.matches(new MemorySourceFile('a.txt', 'apiVersion: v1'))).toBe(false);
  });

  it('reads application tags (CloudFormation, GitLab CI) as plain values instead of failing', () => {
    expect(parse('Resources:\n  B:\n    Properties: {BucketName: !Ref Name, Tags: !Split [",", x]}\nout: !GetAtt\n  a: 1\n').all).toEqual(
      [],
    );
    const [cm] = parse('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: !custom t}\ndata:\n  a: !reference [x, z]\n').objects;
    expect(cm.name).toBe('t');
    expect(cm.get(['data', 'a'])).toEqual(['x', 'z']);
    expect(at(cm, ['data', 'a'])).toBe('5:3-5:23 a: !reference [x, z]');
  });

  it('rejects tab indentation with a parse failure that names the line', () => {
    expect(() => parse('apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n')).toThrow(ParseFailure);
    expect(() => parse('apiVersion: v1\nkind: Pod\nspec:\n\tcontainers: []\n')).toThrow(/^YAML parse error at line 4: /);
  });
});

describe('comments between nodes', () => {
  it('are not part of the span of the node before them', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: c}\nspec:\n  containers:\n  - {name: a, image: "x:1"}  # flow item\n  # between items\n  - name: b\n    image: y:1\n    # trailing comment in the item\n\n  # before the next key\n  volumes: []\n';
    const [pod] = parse(text).objects;
    expect(at(pod, ['spec', 'containers', 0])).toBe('6:5-6:28 {name: a, image: "x:1"}');
    expect(at(pod, ['spec', 'containers', 1])).toBe('8:5-9:15 name: b\n    image: y:1');
    expect(at(pod, ['spec', 'containers'])).toBe(
      '5:3-9:15 containers:\n  - {name: a, image: "x:1"}  # flow item\n  # between items\n  - name: b\n    image: y:1',
    );
    expect(at(pod, ['spec', 'volumes'])).toBe('13:3-13:14 volumes: []');
  });
});

describe('compaction', () => {
  it('keeps the compact positions, drops the line index, and locates the same after', () => {
    const { objects } = parse(POD + '---\n' + POD.replace('name: "x"', 'name: "y"'));
    const paths: Array<Array<string | number>> = [
      [],
      ['spec', 'containers', 0, 'env', 0, 'value'],
      ['spec', 'nodeName'],
      ['metadata', 'labels', 'nope'],
    ];
    const before = objects.map((o) => paths.map((p) => at(o, p)));
    const table = objects[0].source.table;
    const lines = objects[0].source.textLocator;
    for (const o of objects) o.compact();
    expect(objects[1].source.table).toBe(table);
    expect(objects[1].source.textLocator).not.toBe(lines);
    expect(table.open).toBeInstanceOf(Int32Array);
    expect(table.open.length).toBe(table.count);
    expect(objects.map((o) => paths.map((p) => at(o, p)))).toEqual(before);
  });
});

describe('large files', () => {
  it('record positions past the reused scratch space, and a later small file is not confused by them', () => {
    const items = Array.from({ length: 6000 }, (_, i) => `    - name: e${i}\n      value: "v${i}"\n`).join('');
    const big = `apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers:\n  - name: c\n    image: x:1\n    env:\n${items}`;
    const [pod] = parse(big).objects;
    expect(pod.source.table.count).toBeGreaterThan(4 * 4096);
    expect(at(pod, ['spec', 'containers', 0, 'env', 5999, 'value'])).toBe(`${10 + 2 * 5999}:7-${10 + 2 * 5999}:21 value: "v5999"`);
    const [small] = parse(POD).objects;
    expect(at(small, ['spec', 'nodeName'])).toBe(at(parse(POD).objects[0], ['spec', 'nodeName']));
    expect(at(pod, ['spec', 'containers', 0, 'env', 0, 'value'])).toBe('10:7-10:18 value: "v0"');
  });
});

describe('more layouts', () => {
  it('handles directives, spaces before the colon, multi-line flow mappings and plain scalars', () => {
    const text =
      '%YAML 1.2\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name   : spaced\n  labels: {\n    a: b,\n    c: d\n  }\nspec:\n  containers:\n  - name: c\n    command: plain\n      multi line\n    args:\n    - \'a\'\n    -   "b"\n';
    const [pod] = parse(text).objects;
    expect(at(pod, [])).toMatch(/^3:1-18:12 apiVersion: v1\n/);
    expect(at(pod, ['metadata', 'name'])).toBe('6:3-6:18 name   : spaced');
    expect(at(pod, ['metadata', 'labels'])).toBe('7:3-10:4 labels: {\n    a: b,\n    c: d\n  }');
    expect(at(pod, ['metadata', 'labels', 'c'])).toBe('9:5-9:9 c: d');
    expect(at(pod, ['spec', 'containers', 0, 'command'])).toBe('14:5-15:17 command: plain\n      multi line');
    expect(at(pod, ['spec', 'containers', 0, 'args', 1])).toBe('18:9-18:12 "b"');
  });
});

describe('node properties', () => {
  it('spans anchored and tagged flow collections to their closing bracket', () => {
    const [cm] = parse(
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p}\ndata:\n  a: &x {k: v}\n  b: !!map {k: w}\n  c: &y [1, 2]\n',
    ).objects;
    expect(at(cm, ['data', 'a'])).toBe('5:3-5:15 a: &x {k: v}');
    expect(at(cm, ['data', 'b'])).toBe('6:3-6:18 b: !!map {k: w}');
    expect(at(cm, ['data', 'c'])).toBe('7:3-7:15 c: &y [1, 2]');
    expect(at(cm, ['data', 'a', 'k'])).toBe('5:10-5:14 k: v');
  });
});
