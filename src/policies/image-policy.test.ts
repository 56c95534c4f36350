import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import type { Finding } from '../core/types.js';
import { scanImage } from '../scan-image.js';
import { scanSync } from '../scan.js';
import { dockerSave, ociLayout, type TestImage } from '../testing/images.js';
import { DEFAULT_LIMITS } from '../core/parser.js';
import { imageConfigClassifier, type ImageConfigDocument } from '../parsers/image/image-config.js';
import { createYamlParser } from '../parsers/yaml/yaml-parser.js';
import { imageConfigBindings } from './image-config-view.js';
import { loadPolicies, PolicyError } from './policy.js';

/** The image config document the parser makes of a JSON text. */
function parsedImageConfig(text: string): ImageConfigDocument[] {
  const out = createYamlParser([imageConfigClassifier]).parse(new MemorySourceFile('config.json', text), { limits: DEFAULT_LIMITS });
  return out.documents as ImageConfigDocument[];
}

const EXAMPLES = fileURLToPath(new URL('../../examples/policies', import.meta.url));
const PINNED = 'a'.repeat(40);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-image-policy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policyFile(name: string, text: string): string {
  const path = join(dir, 'policies', name);
  mkdirSync(join(dir, 'policies'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** A model server image: its config, two build steps that made no layer, and one layer. */
function modelServer(opts: { env?: string[]; labels?: Record<string, string>; download?: string; user?: string } = {}): TestImage {
  return {
    config: {
      ...(opts.user !== undefined ? { User: opts.user } : {}),
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin', ...(opts.env ?? [])],
      ExposedPorts: { '8000/tcp': {} },
      ...(opts.labels ? { Labels: opts.labels } : {}),
      Healthcheck: { Test: ['CMD', 'curl', '-f', 'http://localhost:8000/health'] },
      Cmd: ['python', '-m', 'vllm.entrypoints.openai.api_server'],
    },
    emptyHistory: ['/bin/sh -c #(nop)  EXPOSE 8000/tcp'],
    layers: [
      {
        createdBy: `/bin/sh -c ${opts.download ?? 'pip install vllm==0.6.3'}`,
        entries: [{ name: 'app/serve.py', content: 'print("serving")\n' }],
      },
    ],
  };
}

const policyFindings = (findings: Finding[]) =>
  findings
    .filter((f) => f.ruleId.startsWith('policy:'))
    .map((f) => ({
      rule: f.ruleId,
      severity: f.severity,
      message: f.message,
      path: f.location.path,
      line: f.location.startLine,
      objectPath: f.location.objectPath,
      ref: f.location.image?.ref,
    }));

describe('image-config policies in sanctum image', () => {
  it('the example policies judge the config and the build history of a docker save archive, at the config line', async () => {
    const archive = join(dir, 'llm.tar');
    await dockerSave(
      archive,
      modelServer({ env: ['HF_TRUST_REMOTE_CODE=True'], download: 'huggingface-cli download meta-llama/Llama-3.1-8B --local-dir /models' }),
      { tag: 'acme/llm:1' },
    );
    const result = await scanImage({ images: [archive], cwd: dir, config: false, policies: [EXAMPLES], scanners: ['misconfig'] });
    expect(result.errors).toEqual([]);
    // config.json: {, "architecture", "os", "config": {, "Env": [ on line 5.
    expect(policyFindings(result.findings)).toEqual([
      {
        rule: 'policy:image-model-downloads-pinned',
        severity: 'high',
        message: '1 build step(s) download a model without pinning its revision (a 40-hex commit)',
        path: 'config.json',
        line: 4,
        objectPath: '/config',
        ref: 'acme/llm:1',
      },
      // No Labels at all: the finding is on the line of the runtime config.
      {
        rule: 'policy:image-provenance-labels',
        severity: 'low',
        message: 'image labels missing: org.opencontainers.image.source, org.opencontainers.image.revision',
        path: 'config.json',
        line: 4,
        objectPath: '/config/Labels',
        ref: 'acme/llm:1',
      },
      {
        rule: 'policy:image-model-downloads-pinned',
        severity: 'critical',
        message: 'trust_remote_code turned on by the image environment: HF_TRUST_REMOTE_CODE',
        path: 'config.json',
        line: 5,
        objectPath: '/config/Env',
        ref: 'acme/llm:1',
      },
    ]);
  });

  it('the safe twin passes: labels set, the download pinned to a commit, trust_remote_code off', async () => {
    const archive = join(dir, 'llm-safe.tar');
    await dockerSave(
      archive,
      modelServer({
        env: ['HF_TRUST_REMOTE_CODE=false'],
        labels: { 'org.opencontainers.image.source': 'https://github.com/acme/llm', 'org.opencontainers.image.revision': PINNED },
        download: `huggingface-cli download meta-llama/Llama-3.1-8B --revision ${PINNED} --local-dir /models`,
      }),
      { tag: 'acme/llm:2' },
    );
    const result = await scanImage({ images: [archive], cwd: dir, config: false, policies: [EXAMPLES], scanners: ['misconfig'] });
    expect(policyFindings(result.findings)).toEqual([]);
  });

  it('reads user, ports, healthcheck, history, ref and digest; match conditions pick images by reference', async () => {
    const policies = policyFile(
      'runtime.yaml',
      `apiVersion: policies.sanctum.dev/v1
kind: SanctumPolicy
metadata: {name: acme-runtime}
spec:
  target: image-config
  severity: high
  matchConditions:
  - name: acme-images
    expression: "image.ref.startsWith('acme/')"
  validations:
  - expression: "image.user != '' && image.user != 'root'"
    message: acme images name a non-root user
    fieldPath: config.User
  - expression: "image.exposedPorts.all(p, p in ['8000/tcp', '8080/tcp'])"
    messageExpression: "'ports outside the serving ports: ' + image.exposedPorts.join(', ')"
    fieldPath: config.ExposedPorts
  - expression: "size(image.healthcheck) == 0"
    messageExpression: "'healthcheck ' + image.healthcheck.join(' ') + ' in ' + image.digest.substring(7, 19) + ' after ' + string(size(image.history)) + ' steps, last ' + image.history[size(image.history) - 1].createdBy + ' (empty: ' + string(image.history[0].emptyLayer) + ')'"
    fieldPath: config.Healthcheck.Test
  - expression: "object.config.Cmd[0] == 'python' && image.env['PATH'].startsWith('/usr/local/bin') && image.os == 'linux' && image.architecture == 'amd64'"
    message: never false
`,
    );
    const tar = join(dir, 'acme.tar');
    await dockerSave(tar, modelServer(), { tag: 'acme/serve:1' });
    const layout = join(dir, 'acme-oci');
    await ociLayout(layout, [{ ...modelServer({ user: 'app' }), platform: { os: 'linux', architecture: 'amd64' } }], {
      name: 'acme/serve:2',
    });
    const other = join(dir, 'other.tar');
    await dockerSave(other, modelServer(), { tag: 'other/serve:1' });
    const result = await scanImage({
      images: [tar, layout, other],
      cwd: dir,
      config: false,
      policies: [policies],
      scanners: ['misconfig'],
    });
    expect(result.errors).toEqual([]);
    const found = result.findings.filter((f) => f.ruleId === 'policy:acme-runtime');
    const digestOf = (ref: string) => result.images!.find((i) => i.ref === ref)!.digest;
    const health = (ref: string) =>
      `healthcheck CMD curl -f http://localhost:8000/health in ${digestOf(ref).slice(7, 19)} after 2 steps, last /bin/sh -c pip install vllm==0.6.3 (empty: true)`;
    expect(found.map((f) => [f.location.image?.ref, f.location.objectPath, f.location.startLine, f.message])).toEqual([
      // No User: on the line of the runtime config.
      ['acme/serve:1', '/config/User', 4, 'acme images name a non-root user'],
      ['acme/serve:1', '/config/Healthcheck/Test', 12, health('acme/serve:1')],
      // The OCI layout's image sets a user; `other/` images are left out by the match condition.
      ['acme/serve:2', '/config/Healthcheck/Test', 13, health('acme/serve:2')],
    ]);
  });
});

describe('docs/policies.md', () => {
  it('lists every field of the image view, and no other', () => {
    const doc = readFileSync(fileURLToPath(new URL('../../docs/policies.md', import.meta.url)), 'utf8');
    const section = doc.slice(doc.indexOf('`image` has these fields'), doc.indexOf('Messages are printed as written'));
    const documented = [...section.matchAll(/^\| ([^|]+)\|/gm)].flatMap((m) => [...m[1].matchAll(/`(\w+)`/g)].map((x) => x[1]));
    const config = JSON.stringify({ os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [] } });
    const [document] = parsedImageConfig(config);
    expect(documented.sort()).toEqual(Object.keys(imageConfigBindings(document).image).sort());
  });
});

describe('image-config policies elsewhere', () => {
  it('run on an image config file a scan finds, reading the history it holds', () => {
    const config = JSON.stringify(
      {
        architecture: 'arm64',
        os: 'linux',
        config: { User: 'app', Env: ['VLLM_TRUST_REMOTE_CODE=1'] },
        rootfs: { type: 'layers', diff_ids: [] },
        history: [{ created_by: '/bin/sh -c python -c "from huggingface_hub import snapshot_download; snapshot_download(\'org/m\')"' }],
      },
      null,
      2,
    );
    const r = scanSync({
      targets: ['image/config.json'],
      files: [new MemorySourceFile('image/config.json', config)],
      config: false,
      policies: [EXAMPLES],
    });
    expect(policyFindings(r.findings).map((f) => [f.rule, f.severity, f.line, f.objectPath, f.ref])).toEqual([
      ['policy:image-model-downloads-pinned', 'high', 4, '/config', undefined],
      ['policy:image-provenance-labels', 'low', 4, '/config/Labels', undefined],
      ['policy:image-model-downloads-pinned', 'critical', 6, '/config/Env', undefined],
    ]);
  });

  it('Kubernetes names and match fields are compile errors in an image-config policy, naming the policy', () => {
    const head = 'apiVersion: policies.sanctum.dev/v1\nkind: SanctumPolicy\n';
    policyFile(
      'pods.yaml',
      `${head}metadata: {name: pods}\nspec:\n  target: image-config\n  validations:\n  - expression: "size(containers) > 0"\n`,
    );
    expect(() => loadPolicies(['policies/pods.yaml'], dir)).toThrow(
      "policy pods (policies/pods.yaml): validations[0].expression: undeclared reference to 'containers' (known: object, image, variables)",
    );
    policyFile(
      'kinds.yaml',
      `${head}metadata: {name: kinds}\nspec:\n  target: image-config\n  match: {kinds: [Pod]}\n  validations:\n  - expression: "true"\n`,
    );
    expect(() => loadPolicies(['policies/kinds.yaml'], dir)).toThrow(PolicyError);
    expect(() => loadPolicies(['policies/kinds.yaml'], dir)).toThrow(
      "policy kinds (policies/kinds.yaml): match.kinds selects Kubernetes objects, and this policy's target is image-config",
    );
    policyFile('typo.yaml', `${head}metadata: {name: typo}\nspec:\n  target: image\n  validations:\n  - expression: "true"\n`);
    expect(() => loadPolicies(['policies/typo.yaml'], dir)).toThrow(
      new PolicyError('policy typo (policies/typo.yaml): spec.target: expected one of kubernetes, image-config, found "image"'),
    );
  });
});
