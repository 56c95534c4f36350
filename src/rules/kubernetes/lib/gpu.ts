import type { At } from '../../../core/document.js';
import type { ContainerView } from '../../../parsers/k8s/pod-specs.js';
import type { K8sObjectDocument, PodSpecDocument } from '../../../parsers/k8s/k8s-documents.js';
import { imageRepo } from './ai-services.js';
import { isMapping } from '../../../parsers/yaml/position-table.js';
import { asList, asMapping, commandWords, envValue, memoized, wordAt, type Word } from './workload.js';

/** Extended resources handed out by NVIDIA's device plugin: `nvidia.com/gpu`, MIG slices, shared GPUs. */
export function isNvidiaResource(name: string): boolean {
  return name === 'nvidia.com/gpu' || name.startsWith('nvidia.com/gpu.') || name.startsWith('nvidia.com/mig-');
}

/** Labels NVIDIA's GPU feature discovery and GPU Operator put on a node. */
export const GPU_NODE_LABELS = {
  present: 'nvidia.com/gpu.present',
  product: 'nvidia.com/gpu.product',
  count: 'nvidia.com/gpu.count',
  memory: 'nvidia.com/gpu.memory',
  sharing: 'nvidia.com/gpu.sharing-strategy',
  replicas: 'nvidia.com/gpu.replicas',
  migStrategy: 'nvidia.com/mig.strategy',
  migCapable: 'nvidia.com/mig.capable',
} as const;

/** What a Node says about its NVIDIA GPUs: the device plugin's resources and feature discovery's labels. */
export interface GpuNode {
  /** Extended resources the device plugin advertises (`nvidia.com/gpu: "8"`, `nvidia.com/mig-1g.10gb: "7"`), from capacity, else allocatable. */
  resources: Record<string, string>;
  product?: string;
  count?: number;
  /** Memory of one GPU, in MiB. */
  memoryMiB?: number;
  /** How the device plugin shares each GPU: `time-slicing`, `mps`, or `none`. */
  sharing?: string;
  /** Pods per GPU when shared. */
  replicas?: number;
  /** `single` or `mixed` when MIG partitions the GPUs. */
  migStrategy?: string;
}

/** The GPU facts of a Node (apiVersion v1) with NVIDIA GPUs, or undefined for any other object. */
export function gpuNode(doc: K8sObjectDocument): GpuNode | undefined {
  if (doc.object.kind !== 'Node' || doc.object.apiVersion !== 'v1') return undefined;
  const resources: Record<string, string> = {};
  for (const field of ['capacity', 'allocatable']) {
    const res = doc.get(['status', field]);
    if (typeof res !== 'object' || res === null) continue;
    for (const [k, v] of Object.entries(res)) if (isNvidiaResource(k) && String(v) !== '0') resources[k] ??= String(v);
  }
  const labels = doc.labels;
  if (labels[GPU_NODE_LABELS.present] !== 'true' && Object.keys(resources).length === 0) return undefined;
  const num = (v: unknown) => (Number.isFinite(Number(v)) && String(v).trim() !== '' ? Number(v) : undefined);
  const out: GpuNode = { resources };
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const product = text(labels[GPU_NODE_LABELS.product]);
  if (product) out.product = product;
  const count = num(labels[GPU_NODE_LABELS.count]);
  if (count !== undefined) out.count = count;
  const memory = num(labels[GPU_NODE_LABELS.memory]);
  if (memory !== undefined) out.memoryMiB = memory;
  const sharing = text(labels[GPU_NODE_LABELS.sharing]);
  if (sharing) out.sharing = sharing;
  const replicas = num(labels[GPU_NODE_LABELS.replicas]);
  if (replicas !== undefined) out.replicas = replicas;
  const mig = text(labels[GPU_NODE_LABELS.migStrategy]);
  if (mig && mig !== 'none') out.migStrategy = mig;
  return out;
}

/** A GPU resource a container asks for. */
export interface GpuResource {
  readonly section: 'requests' | 'limits';
  readonly name: string;
  readonly value: unknown;
}

/** GPU resources a container asks for, from its limits and requests (read once per container: shared, not to be modified). */
export const gpuResources: (c: ContainerView) => readonly GpuResource[] = memoized((c) => {
  const out: GpuResource[] = [];
  const res = c.container.resources;
  if (!isMapping(res)) return out;
  for (const section of ['limits', 'requests'] as const) {
    const asked = res[section];
    if (!isMapping(asked)) continue;
    for (const name of Object.keys(asked))
      if (isNvidiaResource(name) && !isZero(asked[name])) out.push({ section, name, value: asked[name] });
  }
  return out;
});

function isZero(v: unknown): boolean {
  return v === 0 || v === '0';
}

/** True when the container gets GPUs through the scheduler: a device-plugin resource or a DRA claim. */
export function requestsGpu(c: ContainerView): boolean {
  return gpuResources(c).length > 0 || asList(asMapping(c.container.resources).claims).length > 0;
}

/** GPU runtime classes (the NVIDIA and CDI runtime handlers GPU Operator installs). */
export function hasGpuRuntimeClass(pod: PodSpecDocument): boolean {
  const rc = pod.spec.runtimeClassName;
  return typeof rc === 'string' && /nvidia/i.test(rc);
}

/**
 * A container that runs with NVIDIA's container runtime hooks: it asks for a GPU, names the
 * visible devices itself, or runs under an NVIDIA runtime class.
 */
export function isGpuContainer(pod: PodSpecDocument, c: ContainerView): boolean {
  if (requestsGpu(c)) return true;
  const visible = envValue(c, 'NVIDIA_VISIBLE_DEVICES');
  if (visible?.value !== undefined && !['void', ''].includes(visible.value.trim().toLowerCase())) return true;
  return hasGpuRuntimeClass(pod);
}

/**
 * Node agents of the GPU stack, by image repository: they hand GPUs to other pods, so they see every
 * device of the node by design (device plugins, the driver and toolkit installers, DCGM, MIG and
 * feature discovery, the operator's validator).
 */
const GPU_SYSTEM_IMAGES: ReadonlyArray<{ re: RegExp; label: string }> = [
  { re: /^nvidia\/k8s-device-plugin$/, label: 'NVIDIA device plugin' },
  { re: /^nvidia\/(?:cloud-native\/)?gpu-feature-discovery$/, label: 'NVIDIA GPU feature discovery' },
  { re: /^nvidia\/(?:k8s\/)?container-toolkit$/, label: 'NVIDIA container toolkit' },
  { re: /^nvidia\/driver$/, label: 'NVIDIA driver installer' },
  { re: /^nvidia\/(?:k8s\/)?dcgm-exporter$/, label: 'NVIDIA DCGM exporter' },
  { re: /^nvidia\/cloud-native\/dcgm$/, label: 'NVIDIA DCGM' },
  {
    re: /^nvidia\/cloud-native\/(?:k8s-mig-manager|gpu-operator-validator|k8s-driver-manager|k8s-kata-manager|k8s-cc-manager|vgpu-device-manager)$/,
    label: 'NVIDIA GPU Operator component',
  },
  { re: /^nvidia\/(?:cloud-native\/)?k8s-dra-driver(?:-gpu)?$/, label: 'NVIDIA DRA driver' },
  { re: /^nvidia\/gpu-operator$/, label: 'NVIDIA GPU Operator' },
  { re: /^rocm\/k8s-device-plugin$/, label: 'AMD GPU device plugin' },
  { re: /^intel\/intel-gpu-plugin$/, label: 'Intel GPU device plugin' },
];

/**
 * The GPU system component a pod spec runs (a DaemonSet of NVIDIA's device plugin or of the GPU
 * Operator, say), or undefined. GPU rules do not call these bypasses of the device plugin: they are it.
 */
export function gpuSystemComponent(pod: PodSpecDocument): string | undefined {
  if (pod.belongsTo.kind !== 'DaemonSet') return undefined;
  let label: string | undefined;
  // The GPU Operator's own operand manifests (its `assets/`) leave the image to the operator and pin
  // the DaemonSet to the nodes it prepares with a `nvidia.com/gpu.deploy.<operand>` node selector.
  const selector = pod.spec.nodeSelector;
  const operand =
    typeof selector === 'object' && selector !== null && Object.keys(selector).some((k) => k.startsWith('nvidia.com/gpu.deploy.'));
  for (const c of pod.containers) {
    if (typeof c.container.image !== 'string') continue;
    if (operand && /\s/.test(c.container.image.trim())) {
      label ??= 'NVIDIA GPU Operator operand';
      continue;
    }
    const repo = imageRepo(c.container.image);
    const hit = GPU_SYSTEM_IMAGES.find((g) => g.re.test(repo));
    if (hit) label ??= hit.label;
    // Only image-pulling helpers of the stack may run beside it.
    else if (c.group === 'containers' && !/^(?:busybox|alpine|nvidia\/)/.test(repo)) return undefined;
  }
  return label;
}

/** A command of a container's command line: words up to a shell separator. */
export type Segment = Word[];

/** The container's command line cut into commands at shell separators (`;`, `&&`, `|`). */
export function segments(c: ContainerView): Segment[] {
  const out: Segment[] = [];
  let cur: Segment = [];
  for (const w of commandWords(c)) {
    if (w.value === ';' || w.value === '&' || w.value === '|') {
      if (cur.length > 0) out.push(cur);
      cur = [];
    } else cur.push(w);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** The value of `--flag value` or `--flag=value` in a command, with the word it was read from. */
export function flag(seg: Segment, ...names: string[]): Word | undefined {
  for (let i = 0; i < seg.length; i++) {
    const w = seg[i].value;
    for (const n of names) {
      if (w === n && i + 1 < seg.length) return seg[i + 1];
      // `--flag=value`, told without a string for `--flag=`.
      if (w.length > n.length && w.charCodeAt(n.length) === 61 && w.startsWith(n))
        return { value: w.slice(n.length + 1), path: seg[i].path, inScript: seg[i].inScript };
    }
  }
  return undefined;
}

/** Where a model server or download command takes a model from the hub. */
export interface ModelSource {
  /** `vLLM`, `TGI`, `SGLang`, `huggingface-cli download`, `KServe`. */
  tool: string;
  model: string;
  /** Where the model is named: the word (inside its script, for `bash -c "…"`) or the env entry. */
  at: At;
  /** The revision given, if any. */
  revision: string | undefined;
}

/** `org/name` as the Hugging Face Hub names repositories (not a local path or a URL). */
const HUB_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*\/[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function isHubId(s: string): boolean {
  return HUB_ID.test(s) && !s.startsWith('.') && !s.includes('..');
}

/** A revision that names one commit: the 40-hex commit id. Branches and tags move. */
export function isPinnedRevision(rev: string): boolean {
  return /^[0-9a-f]{40}$/.test(rev);
}

/** Whether the container's variable `name` is set to a true value. */
function envFlagOn(c: ContainerView, name: string): boolean {
  const v = envValue(c, name)?.value?.trim().toLowerCase();
  return v === '1' || v === 'true' || v === 'yes' || v === 'on';
}

/** Without an arrow capturing the container: a closure made per call was compiled again and again. */
function offline(c: ContainerView): boolean {
  return envFlagOn(c, 'HF_HUB_OFFLINE') || envFlagOn(c, 'TRANSFORMERS_OFFLINE');
}

function basename(w: string): string {
  return w.slice(w.lastIndexOf('/') + 1);
}

/** The first word after `i` that is not a flag (and not a flag's value, for the flags listed). */
function positional(seg: Segment, from: number, valueFlags: ReadonlySet<string>): Word | undefined {
  for (let i = from; i < seg.length; i++) {
    const w = seg[i].value;
    if (w.startsWith('-')) {
      if (valueFlags.has(w)) i++;
      continue;
    }
    return seg[i];
  }
  return undefined;
}

const HF_DOWNLOAD_VALUE_FLAGS = new Set([
  '--revision',
  '--repo-type',
  '--local-dir',
  '--cache-dir',
  '--include',
  '--exclude',
  '--token',
  '--max-workers',
]);
const VLLM_VALUE_FLAGS = new Set(['--revision', '--host', '--port', '--tokenizer', '--config', '--served-model-name']);

/** The launchers `hubModels` recognises by their name (the last part of the word's path). */
const LAUNCHER_NAMES = new Set(['vllm', 'text-generation-launcher', 'huggingface-cli', 'hf']);

const LAUNCHER_LONGEST = Math.max(...[...LAUNCHER_NAMES].map((n) => n.length));
const LAUNCHER_FIRST = new Set([...LAUNCHER_NAMES].map((n) => n.charCodeAt(0)));

/** `LAUNCHER_NAMES.has(basename(v))`, without cutting the word: most words are no launcher. */
function isLauncherName(v: string): boolean {
  const from = v.lastIndexOf('/') + 1;
  if (v.length - from > LAUNCHER_LONGEST || !LAUNCHER_FIRST.has(v.charCodeAt(from))) return false;
  return LAUNCHER_NAMES.has(from === 0 ? v : v.slice(from));
}

/**
 * Whether a word is one that `hubModels` needs in a command before it reads a model from it: a
 * launcher's name or module, `huggingfaceserver`, or a `--model…` flag (`--model`, `--model-id`,
 * `--model-path`, `--model_id`, also as `--flag=value`). Keep it in step with `hubModels`.
 */
function mayNameModel(w: Word): boolean {
  const v = w.value;
  return (
    v.startsWith('--model') ||
    isLauncherName(v) ||
    v.startsWith('vllm.entrypoints') ||
    v === 'sglang.launch_server' ||
    v === 'huggingfaceserver'
  );
}

/**
 * A KServe model spec of the Hugging Face format (`modelFormat: {name: huggingface}`): the runtime
 * KServe picks for it (kserve-huggingfaceserver) gives the image, so the spec names none.
 */
function kserveHuggingFace(c: ContainerView): boolean {
  const f = c.container.modelFormat;
  return isMapping(f) && typeof f.name === 'string' && f.name.toLowerCase() === 'huggingface';
}

/**
 * Models a container pulls from the Hugging Face Hub when it starts: vLLM (`vllm serve ORG/NAME`,
 * `--model`), TGI (`--model-id`, `MODEL_ID`), SGLang (`--model-path`), `huggingface-cli download`
 * / `hf download`, KServe's Hugging Face runtime (`--model_id`) and `hf://` storage URIs. Nothing
 * is reported for containers that run with the hub offline.
 */
export function hubModels(c: ContainerView): ModelSource[] {
  const image = typeof c.container.image === 'string' ? c.container.image.toLowerCase() : '';
  // Most containers name no model: no command word a launcher needs, no TGI image, no `hf://` URI.
  if (
    !commandWords(c).some(mayNameModel) &&
    !image.includes('text-generation-inference') &&
    !(typeof c.container.storageUri === 'string' && c.container.storageUri.startsWith('hf://'))
  )
    return [];
  if (offline(c)) return [];
  const out: ModelSource[] = [];
  for (const seg of segments(c)) {
    if (!seg.some(mayNameModel)) continue;
    const words = seg.map((w) => w.value);
    const names = words.map(basename);
    const rev = flag(seg, '--revision')?.value;
    const serve = names.indexOf('vllm') >= 0 && words[names.indexOf('vllm') + 1] === 'serve' ? names.indexOf('vllm') : -1;
    if (serve >= 0 || words.some((w) => w.startsWith('vllm.entrypoints')) || (image.includes('vllm') && flag(seg, '--model'))) {
      const m = flag(seg, '--model') ?? (serve >= 0 ? positional(seg, serve + 2, VLLM_VALUE_FLAGS) : undefined);
      if (m) out.push({ tool: 'vLLM', model: m.value, at: wordAt(m), revision: rev });
      continue;
    }
    if (names.includes('text-generation-launcher') || (image.includes('text-generation-inference') && flag(seg, '--model-id'))) {
      const m = flag(seg, '--model-id');
      if (m) out.push({ tool: 'TGI', model: m.value, at: wordAt(m), revision: rev ?? envValue(c, 'REVISION')?.value });
      continue;
    }
    if (words.some((w) => w === 'sglang.launch_server') || (image.includes('sglang') && flag(seg, '--model-path'))) {
      const m = flag(seg, '--model-path', '--model');
      if (m) out.push({ tool: 'SGLang', model: m.value, at: wordAt(m), revision: rev });
      continue;
    }
    const dl = names.findIndex((n, i) => (n === 'huggingface-cli' || n === 'hf') && words[i + 1] === 'download');
    if (dl >= 0) {
      const m = positional(seg, dl + 2, HF_DOWNLOAD_VALUE_FLAGS);
      if (m) out.push({ tool: `${names[dl]} download`, model: m.value, at: wordAt(m), revision: rev });
      continue;
    }
    const kserve = flag(seg, '--model_id');
    if (kserve && (image.includes('huggingfaceserver') || words.includes('huggingfaceserver') || kserveHuggingFace(c))) {
      out.push({
        tool: 'KServe Hugging Face runtime',
        model: kserve.value,
        at: wordAt(kserve),
        revision: flag(seg, '--model_revision')?.value,
      });
    }
  }
  // TGI reads its model from the environment when no flag names it.
  const tgiImage = image.includes('text-generation-inference');
  if (tgiImage && !out.some((m) => m.tool === 'TGI')) {
    const id = envValue(c, 'MODEL_ID');
    if (id?.value) out.push({ tool: 'TGI', model: id.value, at: [...id.path, 'value'], revision: envValue(c, 'REVISION')?.value });
  }
  if (typeof c.container.storageUri === 'string' && c.container.storageUri.startsWith('hf://')) {
    const ref = c.container.storageUri.slice('hf://'.length);
    const colon = ref.lastIndexOf(':');
    out.push({
      tool: 'KServe storage initializer',
      model: colon > 0 ? ref.slice(0, colon) : ref,
      at: [...c.path, 'storageUri'],
      revision: colon > 0 ? ref.slice(colon + 1) : undefined,
    });
  }
  return out.filter((m) => isHubId(m.model));
}
