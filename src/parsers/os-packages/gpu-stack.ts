import { LineIndex } from '../../core/line-index.js';
import type { DependencyManifest } from '../deps/types.js';

/** One part of the GPU software stack and where its version was read. */
export interface GpuComponent {
  /** `cuda`, `cudnn`, `nccl`, `cublas`, `tensorrt`, … */
  name: string;
  version: string;
  /** The path (or `path:Package line`) it was read from. */
  source: string;
  /** How it was told: a version file, a header, a library's file name, a package database. */
  evidence: 'version-file' | 'header' | 'library' | 'package';
}

export interface GpuStack {
  cuda?: GpuComponent;
  cudnn?: GpuComponent;
  nccl?: GpuComponent;
  /** Every component found, with every place it was seen (several CUDA toolkits can sit side by side). */
  components: GpuComponent[];
}

/** Libraries whose file names carry their full version (`libcudnn.so.9.1.0`, `libnccl.so.2.21.5`). */
const LIBRARIES: Record<string, string> = {
  libcudart: 'cuda',
  libcudnn: 'cudnn',
  libnccl: 'nccl',
  libcublas: 'cublas',
  libcufft: 'cufft',
  libcusparse: 'cusparse',
  libnvinfer: 'tensorrt',
};
const LIBRARY = /(?:^|\/)(libcudart|libcudnn|libnccl|libcublas|libcufft|libcusparse|libnvinfer)\.so\.(\d+(?:\.\d+){1,3})$/;
const CUDA_VERSION_FILE = /(?:^|\/)usr\/local\/cuda(?:-\d+(?:\.\d+)?)?\/version\.(json|txt)$/;
const HEADER = /(?:^|\/)(cudnn_version(?:_v\d+)?\.h|cudnn\.h|nccl\.h)$/;

/** Debian/Ubuntu and rpm packages NVIDIA publishes: `cuda-cudart-12-4`, `libcudnn9-cuda-12`, `libnccl2`, `libnvinfer10`. */
const PACKAGES: Array<[RegExp, string]> = [
  [/^cuda-cudart-\d+-\d+$/, 'cuda'],
  [/^libcudnn\d+(?:-cuda-\d+)?$/, 'cudnn'],
  [/^libnccl\d+$/, 'nccl'],
  [/^libcublas-\d+-\d+$/, 'cublas'],
  [/^libnvinfer\d+$/, 'tensorrt'],
];

/** True when the path alone tells a GPU stack component (a library name) or names a file that does. */
export function gpuPathKind(path: string): 'library' | 'file' | undefined {
  if (LIBRARY.test(path)) return 'library';
  if (CUDA_VERSION_FILE.test(path) || HEADER.test(path)) return 'file';
  return undefined;
}

/** A component told by a library's file name. */
export function gpuFromLibraryPath(path: string): GpuComponent | undefined {
  const m = LIBRARY.exec(path);
  return m ? { name: LIBRARIES[m[1]], version: m[2], source: path, evidence: 'library' } : undefined;
}

/** Components a version file or header states. */
export function gpuFromFile(path: string, text: string): GpuComponent[] {
  const out: GpuComponent[] = [];
  const cuda = CUDA_VERSION_FILE.exec(path);
  if (cuda?.[1] === 'json') {
    try {
      const v = (JSON.parse(text) as { cuda?: { version?: unknown } })?.cuda?.version;
      if (typeof v === 'string' && /^\d+\.\d+/.test(v)) out.push({ name: 'cuda', version: v, source: path, evidence: 'version-file' });
    } catch {
      // not JSON: nothing told
    }
  } else if (cuda) {
    const v = /CUDA Version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1];
    if (v) out.push({ name: 'cuda', version: v, source: path, evidence: 'version-file' });
  }
  const header = HEADER.exec(path)?.[1];
  if (header) {
    const define = (name: string) => new RegExp(`^#define\\s+${name}\\s+(\\d+)`, 'm').exec(text)?.[1];
    const prefix = header.startsWith('nccl') ? 'NCCL' : 'CUDNN';
    const major = define(`${prefix}_MAJOR`);
    const minor = define(`${prefix}_MINOR`);
    const patch = define(prefix === 'NCCL' ? 'NCCL_PATCH' : 'CUDNN_PATCHLEVEL');
    if (major && minor)
      out.push({ name: prefix.toLowerCase(), version: [major, minor, patch].filter(Boolean).join('.'), source: path, evidence: 'header' });
  }
  return out;
}

/** Components an OS package database lists (NVIDIA's own packages). */
export function gpuFromManifest(path: string, m: DependencyManifest, text?: string): GpuComponent[] {
  const out: GpuComponent[] = [];
  const lines = text ? new LineIndex(text) : undefined;
  for (const p of m.packages) {
    if (!p.os || !p.version) continue;
    const hit = PACKAGES.find(([re]) => re.test(p.name));
    if (!hit) continue;
    // `9.1.0.70-1`, `2.21.5-1+cuda12.4`, `12.4.127-1`: the upstream part, without epoch and revision.
    const version = p.version.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
    const line = lines?.position(p.span.start).line;
    out.push({ name: hit[1], version, source: line && !m.binary ? `${path}:${line}` : path, evidence: 'package' });
  }
  return out;
}

const RANK: Record<GpuComponent['evidence'], number> = { 'version-file': 0, header: 1, package: 2, library: 3 };

/** The stack from everything seen: per component, the most precise evidence (then the highest version). */
export function gpuStack(components: GpuComponent[]): GpuStack {
  const unique = new Map<string, GpuComponent>();
  for (const c of components) unique.set(`${c.name}\u0000${c.version}\u0000${c.source}`, c);
  const all = [...unique.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.source < b.source ? -1 : 1));
  const best = (name: string) =>
    all
      .filter((c) => c.name === name)
      .sort((a, b) => RANK[a.evidence] - RANK[b.evidence] || b.version.localeCompare(a.version, 'en', { numeric: true }))[0];
  const stack: GpuStack = { components: all };
  for (const name of ['cuda', 'cudnn', 'nccl'] as const) {
    const c = best(name);
    if (c) stack[name] = c;
  }
  return stack;
}
