/**
 * Seeds of the readers that take more than one file through `scanSync`: container image archives
 * (`sanctum image image.tar`: a `docker save` tarball or an OCI layout, their manifests, configs and
 * layers) and the context of `sanctum audit --context` (a CycloneDX AI-BOM or a scan result). The
 * archives are written synchronously here, so that a mutated layer, config or manifest is wrapped
 * into an archive whose other parts are well formed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { osSystemPayload } from '../../rules/models/lib/builders/pickle-builder.js';
import { tar } from '../../rules/models/lib/builders/tar-builder.js';
import { buildSbom } from '../../inventory/sbom.js';
import { inlineGoElf } from '../go-elf.js';
import { rpmdbSqlite, rpmHeaderBlob, TEST_RPM_PACKAGES } from '../rpm-db.js';
import type { Seed } from './seeds.js';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

interface Layer {
  tar: Uint8Array;
  gzip: boolean;
}

/** A `docker save` archive: `manifest.json`, `<config digest>.json`, and the layers. */
function dockerSave(
  layers: Layer[],
  config: Uint8Array | ((diffIds: string[]) => Uint8Array),
  manifest?: (m: unknown) => Uint8Array,
): Uint8Array {
  const diffIds = layers.map((l) => `sha256:${sha256(l.tar)}`);
  const configBytes = typeof config === 'function' ? config(diffIds) : config;
  const configPath = `${sha256(configBytes)}.json`;
  // Uncompressed layers as `<diff id>/layer.tar`; compressed ones as blobs named by their digest (Docker 25's layout).
  const stored = layers.map((l) => (l.gzip ? new Uint8Array(gzipSync(l.tar)) : l.tar));
  const layerPaths = layers.map((l, i) => (l.gzip ? `blobs/sha256/${sha256(stored[i])}` : `${diffIds[i].slice(7)}/layer.tar`));
  const m = [{ Config: configPath, RepoTags: ['example.com/serve:1.4'], Layers: layerPaths }];
  return tar([
    [configPath, configBytes],
    ...layers.map((_, i): [string, Uint8Array] => [layerPaths[i], stored[i]]),
    ['manifest.json', manifest ? manifest(m) : bytes(JSON.stringify(m))],
  ]);
}

/** An OCI image layout as a tar: `oci-layout`, `index.json` and the blobs, each named by its digest. */
function ociLayout(layers: Layer[], config: (diffIds: string[]) => Uint8Array): Uint8Array {
  const files: Array<[string, Uint8Array]> = [['oci-layout', bytes('{"imageLayoutVersion":"1.0.0"}')]];
  const blob = (b: Uint8Array): string => {
    const d = sha256(b);
    files.push([`blobs/sha256/${d}`, b]);
    return `sha256:${d}`;
  };
  const configBytes = config(layers.map((l) => `sha256:${sha256(l.tar)}`));
  const configDigest = blob(configBytes);
  const descriptors = layers.map((l) => {
    const b = l.gzip ? new Uint8Array(gzipSync(l.tar)) : l.tar;
    return { mediaType: `application/vnd.oci.image.layer.v1.tar${l.gzip ? '+gzip' : ''}`, digest: blob(b), size: b.length };
  });
  const manifest = bytes(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
      layers: descriptors,
    }),
  );
  const manifestDigest = blob(manifest);
  files.push([
    'index.json',
    bytes(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: manifestDigest,
            size: manifest.length,
            platform: { os: 'linux', architecture: 'amd64' },
            annotations: { 'org.opencontainers.image.ref.name': 'serve:1.4' },
          },
        ],
      }),
    ),
  ]);
  return tar(files);
}

function imageConfig(diffIds: string[]): Uint8Array {
  return bytes(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {
        User: '',
        ExposedPorts: { '8000/tcp': {} },
        Env: ['PATH=/usr/local/bin:/usr/bin', 'HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyzABCDEFGH'],
        Entrypoint: ['python', '-m', 'vllm.entrypoints.openai.api_server', '--host', '0.0.0.0'],
        Labels: { 'org.opencontainers.image.source': 'https://example.com/serve' },
      },
      rootfs: { type: 'layers', diff_ids: diffIds },
      history: [
        { created: '2026-01-01T00:00:00Z', created_by: '/bin/sh -c #(nop) ADD file:abc in / ' },
        { created: '2026-01-01T00:00:00Z', created_by: 'ENV HF_TOKEN=hf_abc', empty_layer: true },
        { created: '2026-01-01T00:00:00Z', created_by: 'RUN /bin/sh -c pip install vllm && rm /etc/shadow # buildkit' },
      ],
    }),
  );
}

const GO_MODINFO = 'path\texample.com/serve\nmod\texample.com/serve\tv1.4.0\th1:abc=\ndep\tgolang.org/x/net\tv0.17.0\th1:def=\n';

function layers(root: string): Layer[] {
  const status = readFileSync(join(root, 'src/testing/os-packages/debian-12.1-status'));
  const osRelease = readFileSync(join(root, 'src/testing/os-packages/debian-12-os-release'));
  const base = tar([
    ['etc/os-release', osRelease],
    ['var/lib/dpkg/status', status],
    ['etc/shadow', 'root:*:19000:0:99999:7:::\n'],
    ['usr/local/bin/serve', inlineGoElf('go1.22.1', GO_MODINFO)],
  ]);
  const app = tar([
    ['etc/.wh.shadow', ''],
    ['app/.env', 'OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD\n'],
    ['app/serve.py', 'import pickle\nimport os\nmodel = pickle.load(open(os.environ["MODEL"], "rb"))\n'],
    ['models/model.pkl', osSystemPayload('id', 2)],
    ['usr/lib/python3/dist-packages/vllm-0.2.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: vllm\nVersion: 0.2.0\n'],
    // Read by the image's package collector as a stream, beside the dpkg database of the layer below.
    ['usr/lib/sysimage/rpm/rpmdb.sqlite', rpmdbSqlite(TEST_RPM_PACKAGES.map(rpmHeaderBlob))],
  ]);
  return [
    { tar: base, gzip: true },
    { tar: app, gzip: false },
  ];
}

export function imageSeeds(root: string): Seed[] {
  const [base, app] = layers(root);
  const reader = 'image' as const;
  return [
    { format: 'image-archive', reader, path: 'serve.tar', bytes: dockerSave([base, app], imageConfig) },
    { format: 'image-archive', reader, path: 'oci.tar', bytes: ociLayout([base, app], imageConfig) },
    // One part mutated, the archive around it well formed: the layer walker and collector, the config, the manifest.
    {
      format: 'image-archive',
      reader,
      path: 'layer.tar',
      bytes: base.tar,
      wrap: (b) => dockerSave([{ tar: b, gzip: true }, app], imageConfig),
    },
    {
      format: 'image-archive',
      reader,
      path: 'app-layer.tar',
      bytes: app.tar,
      wrap: (b) => dockerSave([base, { tar: b, gzip: false }], imageConfig),
    },
    {
      format: 'image-archive',
      reader,
      path: 'config.tar',
      bytes: imageConfig([base, app].map((l) => `sha256:${sha256(l.tar)}`)),
      wrap: (b) => dockerSave([base, app], b),
    },
    {
      format: 'image-archive',
      reader,
      path: 'manifest.tar',
      bytes: bytes(JSON.stringify([{ Config: 'c.json', RepoTags: ['a:1'], Layers: ['l/layer.tar'] }])),
      wrap: (b) =>
        tar([
          ['c.json', imageConfig([`sha256:${sha256(base.tar)}`])],
          ['l/layer.tar', base.tar],
          ['manifest.json', b],
        ]),
    },
  ];
}

const SCAN_RESULT = JSON.stringify({
  schemaVersion: 1,
  tool: { name: 'sanctum', version: '0.0.0' },
  findings: [
    {
      ruleId: 'K8S-AI-0001',
      slug: 'ai-model-server-exposed',
      message: 'vLLM HTTP API is exposed without authentication',
      location: { path: 'k8s/serve.yaml', startLine: 3, resource: { kind: 'Deployment', name: 'vllm', namespace: 'llm' } },
    },
    {
      ruleId: 'K8S-0001',
      slug: 'notebook-token-disabled',
      message: 'Jupyter notebook server runs without a token',
      location: { path: 'k8s/nb.yaml', resource: { kind: 'StatefulSet', name: 'jupyter' } },
    },
  ],
});

export function contextSeeds(root: string): Seed[] {
  const reader = 'context' as const;
  const bom = buildSbom([join(root, 'examples/ai-platform/k8s')], {
    cwd: root,
    timestamp: new Date(0),
    serialNumber: 'urn:uuid:00000000-0000-0000-0000-000000000000',
  }).bom;
  return [
    { format: 'context', reader, path: 'ai-bom.cdx.json', bytes: bytes(JSON.stringify(bom, null, 2)) },
    { format: 'context', reader, path: 'scan-result.json', bytes: bytes(SCAN_RESULT) },
  ];
}
