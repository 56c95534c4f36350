import { Enums, Models, Serialize, Spec, SPDX } from '@cyclonedx/cyclonedx-library';
import { PackageURL } from 'packageurl-js';
import { basename, resolve } from 'node:path';
import type { ScanError } from '../core/types.js';
import { normalizePythonName } from '../parsers/deps/pep508.js';
import { purlOf } from '../parsers/deps/purl.js';
import { VERSION } from '../version.js';
import { collectInventory, type InventoryOptions } from './collect.js';
import { isSpdxExpression } from './spdx-expression.js';
import { gpuStack, type GpuComponent } from '../parsers/os-packages/gpu-stack.js';
import type { DatasetRef, Inventory, InventoryModel, InventoryPackage, Origin, RemoteModel } from './types.js';

export interface SbomOptions extends InventoryOptions {
  /** Name of the described application; defaults to the first target's directory name. */
  name?: string;
  /** Fixed time and serial number make the document reproducible (tests). */
  timestamp?: Date;
  serialNumber?: string;
}

export interface SbomResult {
  /** The CycloneDX 1.6 JSON document. */
  bom: Record<string, unknown>;
  inventory: Inventory;
  errors: ScanError[];
}

type Json = Record<string, unknown>;

const where = (o: Origin) => (o.line ? `${o.path}:${o.line}` : o.path);

/** A CycloneDX 1.6 SBOM and AI-BOM of what the targets contain (see `collectInventory`). */
export function buildSbom(targets: string[], opts: SbomOptions = {}): SbomResult {
  const inventory = collectInventory(targets, opts);
  const rootName = opts.name ?? basename(resolve(opts.cwd ?? process.cwd(), targets[0] ?? '.'));
  const bom = inventoryBom(inventory, { name: rootName || 'project' }, opts);
  return { bom, inventory, errors: inventory.errors };
}

/** What an SBOM describes: a project directory (an application) or a container image. */
export interface BomSubject {
  type?: 'application' | 'container';
  name: string;
  version?: string;
  purl?: string;
  properties?: Array<[name: string, value: string]>;
  /** A container's operating system: a component its OS packages (deb, apk, rpm) belong to. */
  os?: { name: string; version?: string; description?: string };
}

/** The CycloneDX 1.6 document of an inventory, about `subject`. */
export function inventoryBom(inventory: Inventory, subject: BomSubject, opts: Pick<SbomOptions, 'timestamp' | 'serialNumber'> = {}): Json {
  const bom = new Models.Bom();
  if (opts.serialNumber) bom.serialNumber = opts.serialNumber;
  bom.metadata.timestamp = opts.timestamp ?? new Date();
  bom.metadata.tools.components.add(new Models.Component(Enums.ComponentType.Application, 'sanctum', { version: VERSION }));
  const type = subject.type === 'container' ? Enums.ComponentType.Container : Enums.ComponentType.Application;
  const root = new Models.Component(type, subject.name, { bomRef: 'root', version: subject.version, purl: subject.purl });
  for (const [name, value] of subject.properties ?? []) root.properties.add(new Models.Property(name, value));
  bom.metadata.component = root;

  addPackages(bom, root, inventory.packages);
  addGpuStack(bom, inventory.gpu ?? []);
  if (subject.type === 'container') addContainerGraph(bom, root, subject.os);
  const extra = new Map<string, Json>(); // bom-ref → fields the library does not model (modelCard, data)
  const datasetRefs = addDatasets(bom, inventory.datasets, extra);
  addModels(bom, root, inventory.models, datasetRefs, extra);
  const remote = addRemoteModels(bom, root, inventory.remoteModels);
  addServices(bom, inventory, remote);

  const normalized = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6)
    .makeForBom()
    .normalize(bom, { sortLists: true }) as unknown as Json;
  for (const c of (normalized.components as Json[] | undefined) ?? []) {
    const more = extra.get(String(c['bom-ref']));
    if (more) Object.assign(c, more);
  }
  return normalized;
}

/** In an image everything installed is part of it: OS packages belong to the OS component, the rest to the image. */
function addContainerGraph(bom: Models.Bom, root: Models.Component, os: BomSubject['os']): void {
  const osPackage = (c: Models.Component) => /^pkg:(?:deb|apk|rpm)\//.test(c.purl?.toString() ?? '');
  let system: Models.Component | undefined;
  if (os) {
    system = new Models.Component(Enums.ComponentType.OperatingSystem, os.name, {
      bomRef: `os:${os.name}${os.version ? `@${os.version}` : ''}`,
      version: os.version,
      description: os.description,
    });
  }
  for (const c of bom.components) {
    if (system && osPackage(c)) system.dependencies.add(c.bomRef);
    else root.dependencies.add(c.bomRef);
  }
  if (system) {
    bom.components.add(system);
    root.dependencies.add(system.bomRef);
  }
}

/** CycloneDX hashes are hex: lockfiles write `sha256:hex` (PyPI) or `sha512-base64` (npm integrity). */
function hashOf(h: string): [Enums.HashAlgorithm, string] | undefined {
  const colon = /^(sha256|sha384|sha512|sha1|md5):([0-9a-f]+)$/i.exec(h);
  const sri = /^(sha1|sha256|sha384|sha512)-([A-Za-z0-9+/]+=*)$/.exec(h);
  const alg = (colon?.[1] ?? sri?.[1])?.toLowerCase();
  if (!alg) return undefined;
  const hex = colon ? colon[2].toLowerCase() : Buffer.from(sri![2], 'base64').toString('hex');
  const name = { sha1: 'SHA-1', sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512', md5: 'MD5' }[alg] as Enums.HashAlgorithm;
  return [name, hex];
}

function licenseOf(value: string): Models.License {
  const fixed = SPDX.fixupSpdxId(value);
  if (fixed) return new Models.SpdxLicense(fixed);
  if (isSpdxExpression(value)) return new Models.LicenseExpression(value);
  return new Models.NamedLicense(value);
}

function dirOf(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

function packageKey(ecosystem: string, name: string): string {
  return `${ecosystem}\u0000${ecosystem === 'PyPI' ? normalizePythonName(name) : name}`;
}

function addPackages(bom: Models.Bom, root: Models.Component, list: InventoryPackage[]): void {
  const versioned = new Set(list.filter((p) => p.version).map((p) => packageKey(p.ecosystem, p.name)));
  const byPurl = new Map<string, Models.Component>();
  const byManifestName = new Map<string, Models.Component>(); // path + name → component, for the graph
  const byManifestVersion = new Map<string, Models.Component>(); // path + name + version → component
  const pending: Array<[Models.Component, InventoryPackage]> = [];
  const lockedHere = new Map<string, Set<Models.Component>>(); // directory + name → versioned components
  const askedHere: InventoryPackage[] = []; // direct requirements without a version, left for the lockfile's
  for (const p of list) {
    if (p.source?.kind === 'path' || p.source?.kind === 'workspace') continue; // the project's own code
    if (!p.version && versioned.has(packageKey(p.ecosystem, p.name))) {
      if (p.direct === true) askedHere.push(p);
      continue; // a lockfile names the version
    }
    let c = byPurl.get(p.purl);
    if (!c) {
      c = new Models.Component(Enums.ComponentType.Library, p.name, { bomRef: p.purl, purl: p.purl, version: p.version });
      if (p.dev) c.scope = Enums.ComponentScope.Optional;
      if ((p.source?.kind === 'vcs' || p.source?.kind === 'url' || p.source?.kind === 'registry') && p.source.location)
        c.externalReferences.add(
          new Models.ExternalReference(
            p.source.location,
            p.source.kind === 'vcs' ? Enums.ExternalReferenceType.VCS : Enums.ExternalReferenceType.Distribution,
          ),
        );
      byPurl.set(p.purl, c);
      bom.components.add(c);
    }
    for (const h of p.hashes ?? []) {
      const hash = hashOf(h);
      if (hash && !c.hashes.has(hash[0])) c.hashes.set(hash[0], hash[1]);
    }
    if (p.license && c.licenses.size === 0) c.licenses.add(licenseOf(p.license));
    if (p.pypi && ![...c.properties].some((x) => x.name === 'sanctum:matched-as'))
      c.properties.add(new Models.Property('sanctum:matched-as', purlOf({ ecosystem: 'PyPI', name: p.pypi.name, version: p.version })));
    c.properties.add(new Models.Property('sanctum:location', where(p.origin)));
    if (p.direct === true) root.dependencies.add(c.bomRef);
    byManifestName.set(`${p.origin.path}\u0000${packageKey(p.ecosystem, p.name)}`, c);
    if (p.version) {
      byManifestVersion.set(`${p.origin.path}\u0000${packageKey(p.ecosystem, p.name)}\u0000${p.version}`, c);
      const here = `${dirOf(p.origin.path)}\u0000${packageKey(p.ecosystem, p.name)}`;
      let set = lockedHere.get(here);
      if (!set) lockedHere.set(here, (set = new Set()));
      set.add(c);
    }
    if (p.dependsOn?.length) pending.push([c, p]);
  }
  // A lockfile that tells which copy a package uses names it `name@version`; otherwise by name.
  const dependency = (p: InventoryPackage, entry: string): Models.Component | undefined => {
    const at = entry.lastIndexOf('@');
    if (at > 0) {
      const name = entry.slice(0, at);
      const exact = byManifestVersion.get(`${p.origin.path}\u0000${packageKey(p.ecosystem, name)}\u0000${entry.slice(at + 1)}`);
      if (exact) return exact;
      const named = byManifestName.get(`${p.origin.path}\u0000${packageKey(p.ecosystem, name)}`);
      if (named) return named;
    }
    return byManifestName.get(`${p.origin.path}\u0000${packageKey(p.ecosystem, entry)}`);
  };
  // A manifest's range (`pandas>=2.2` in pyproject.toml, `"react": "^18"` in package.json) that the
  // lockfile beside it resolves: the application depends on the version locked there, when one is.
  for (const p of askedHere) {
    const locked = lockedHere.get(`${dirOf(p.origin.path)}\u0000${packageKey(p.ecosystem, p.name)}`);
    if (locked?.size === 1) root.dependencies.add([...locked][0].bomRef);
  }
  for (const [c, p] of pending) {
    for (const entry of p.dependsOn ?? []) {
      const target = dependency(p, entry);
      if (target && target !== c) c.dependencies.add(target.bomRef);
    }
  }
}

const GPU_NAMES: Record<string, string> = {
  cuda: 'CUDA',
  cudnn: 'cuDNN',
  nccl: 'NCCL',
  cublas: 'cuBLAS',
  cufft: 'cuFFT',
  cusparse: 'cuSPARSE',
  tensorrt: 'TensorRT',
};

/** The GPU stack as NVIDIA library components: one per name and version, with every place it was read. */
function addGpuStack(bom: Models.Bom, found: GpuComponent[]): void {
  const byRef = new Map<string, Models.Component>();
  for (const g of gpuStack(found).components) {
    const ref = `gpu:${g.name}@${g.version}`;
    let c = byRef.get(ref);
    if (!c) {
      c = new Models.Component(Enums.ComponentType.Library, GPU_NAMES[g.name] ?? g.name, {
        bomRef: ref,
        version: g.version,
        group: 'nvidia',
      });
      c.properties.add(new Models.Property('sanctum:gpu-stack', g.name));
      byRef.set(ref, c);
      bom.components.add(c);
    }
    c.properties.add(new Models.Property('sanctum:location', g.source));
  }
}

function addDatasets(bom: Models.Bom, list: DatasetRef[], extra: Map<string, Json>): Map<string, string> {
  const refs = new Map<string, string>();
  const added = new Map<string, Models.Component>();
  for (const d of list) {
    const ref = `dataset:${d.name}${d.revision ? `@${d.revision}` : ''}`;
    if (!refs.has(d.name)) refs.set(d.name, ref);
    const known = added.get(ref);
    if (known) {
      known.properties.add(new Models.Property('sanctum:location', where(d.origin)));
      continue;
    }
    const c = new Models.Component(Enums.ComponentType.Data, d.name, { bomRef: ref, version: d.revision });
    if (d.source === 'huggingface')
      c.externalReferences.add(
        new Models.ExternalReference(`https://huggingface.co/datasets/${d.name}`, Enums.ExternalReferenceType.Distribution),
      );
    c.properties.add(new Models.Property('sanctum:location', where(d.origin)));
    bom.components.add(c);
    added.set(ref, c);
    extra.set(ref, { data: [{ type: 'dataset', name: d.name }] });
  }
  return refs;
}

function addModels(
  bom: Models.Bom,
  root: Models.Component,
  list: InventoryModel[],
  datasets: Map<string, string>,
  extra: Map<string, Json>,
): void {
  for (const m of list) {
    const ref = `model:${m.origin.path}`;
    const c = new Models.Component(Enums.ComponentType.MachineLearningModel, m.name, { bomRef: ref });
    if (m.sha256) c.hashes.set(Enums.HashAlgorithm['SHA-256'], m.sha256);
    c.properties.add(new Models.Property('sanctum:location', where(m.origin)));
    c.properties.add(new Models.Property('sanctum:model:format', m.format));
    if (m.size) c.properties.add(new Models.Property('sanctum:model:size', String(m.size)));
    for (const [k, v] of Object.entries(m.metadata)) c.properties.add(new Models.Property(`sanctum:model:${k}`, v));
    const license = m.card?.license ?? m.metadata.license;
    if (license) c.licenses.add(licenseOf(license));
    bom.components.add(c);
    root.dependencies.add(c.bomRef);
    const params: Json = {};
    if (m.card?.pipelineTag) params.task = m.card.pipelineTag;
    if (m.metadata.model_type) params.architectureFamily = m.metadata.model_type;
    const arch = m.metadata.architectures ?? m.metadata.architecture;
    if (arch) params.modelArchitecture = arch;
    const cardDatasets = (m.card?.datasets ?? []).map((d) => datasets.get(d)).filter((r): r is string => r !== undefined);
    if (cardDatasets.length) params.datasets = cardDatasets.map((r) => ({ ref: r }));
    const properties: Array<{ name: string; value: string }> = [];
    for (const b of m.card?.baseModels ?? []) properties.push({ name: 'sanctum:card:base_model', value: b });
    for (const l of m.card?.languages ?? []) properties.push({ name: 'sanctum:card:language', value: l });
    if (m.card?.libraryName) properties.push({ name: 'sanctum:card:library_name', value: m.card.libraryName });
    if (m.card) properties.push({ name: 'sanctum:card:location', value: where(m.card.origin) });
    if (Object.keys(params).length || properties.length) {
      extra.set(ref, {
        modelCard: { ...(Object.keys(params).length ? { modelParameters: params } : {}), ...(properties.length ? { properties } : {}) },
      });
    }
  }
}

function addRemoteModels(bom: Models.Bom, root: Models.Component, list: RemoteModel[]): Map<string, string> {
  const refs = new Map<string, string>();
  const seen = new Map<string, Models.Component>();
  for (const m of list) {
    const ref = `model:${m.uri}${m.revision ? `@${m.revision}` : ''}`;
    refs.set(m.uri, ref);
    refs.set(m.name, ref);
    let c = seen.get(ref);
    if (!c) {
      const slash = m.name.indexOf('/');
      const purl =
        m.source === 'huggingface' && m.pinned && slash !== -1
          ? new PackageURL('huggingface', m.name.slice(0, slash), m.name.slice(slash + 1), m.revision, undefined, undefined).toString()
          : undefined;
      c = new Models.Component(Enums.ComponentType.MachineLearningModel, m.name, { bomRef: ref, version: m.revision, purl });
      c.externalReferences.add(new Models.ExternalReference(m.uri, Enums.ExternalReferenceType.Distribution));
      c.properties.add(new Models.Property('sanctum:model:source', m.source));
      c.properties.add(new Models.Property('sanctum:model:pinned', String(m.pinned)));
      bom.components.add(c);
      root.dependencies.add(c.bomRef);
      seen.set(ref, c);
    }
    c.properties.add(new Models.Property('sanctum:location', where(m.origin)));
  }
  return refs;
}

function addServices(bom: Models.Bom, inventory: Inventory, remote: Map<string, string>): void {
  const components = new Map([...bom.components].map((c) => [c.bomRef.value, c] as const));
  for (const s of inventory.services) {
    const svc = new Models.Service(s.name, { bomRef: `service:${where(s.origin)}:${s.name}`, group: s.namespace });
    svc.properties.add(new Models.Property('sanctum:service:kind', s.kind));
    svc.properties.add(new Models.Property('sanctum:location', where(s.origin)));
    for (const image of s.images) svc.properties.add(new Models.Property('sanctum:service:image', image));
    for (const model of s.models) {
      const ref = remote.get(model);
      const c = ref ? components.get(ref) : undefined;
      if (c) svc.dependencies.add(c.bomRef);
      else svc.properties.add(new Models.Property('sanctum:service:model', model));
    }
    bom.services.add(svc);
  }
}
