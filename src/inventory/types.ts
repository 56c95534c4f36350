import type { ScanError } from '../core/types.js';
import type { DeclaredDependency, ManifestKind } from '../parsers/deps/types.js';
import type { GpuComponent } from '../parsers/os-packages/gpu-stack.js';

/** Where an inventory entry was found: a file and a 1-based line. */
export interface Origin {
  path: string;
  line?: number;
}

export interface InventoryPackage extends Omit<DeclaredDependency, 'span'> {
  origin: Origin;
  manifest: ManifestKind;
  purl: string;
}

/** A Hugging Face model card (README.md front matter) or the card of a model directory. */
export interface ModelCard {
  origin: Origin;
  license?: string;
  baseModels: string[];
  datasets: string[];
  pipelineTag?: string;
  languages: string[];
  tags: string[];
  libraryName?: string;
}

/** A model file found on disk. */
export interface InventoryModel {
  origin: Origin;
  name: string;
  /** `safetensors`, `gguf`, `onnx`, `pytorch-zip`, `pickle`, `keras`, … */
  format: string;
  size: number;
  sha256: string;
  /** What the file's own metadata says: architecture, producer, dtype, Keras version, … */
  metadata: Record<string, string>;
  card?: ModelCard;
}

/** A model the code or a manifest downloads from a hub or a URL. */
export interface RemoteModel {
  origin: Origin;
  /** `org/name` for Hugging Face, else the URI. */
  name: string;
  source: 'huggingface' | 'uri';
  uri: string;
  revision?: string;
  /** True when the revision is a full commit hash: the bytes cannot change under it. */
  pinned: boolean;
}

export interface DatasetRef {
  origin: Origin;
  name: string;
  source: 'huggingface' | 'card';
  revision?: string;
}

/** An AI service a manifest deploys (a KServe InferenceService, a model server Deployment). */
export interface AiService {
  origin: Origin;
  name: string;
  kind: string;
  /** The Kubernetes kind of the object that deploys it (`Deployment`, `InferenceService`, `RayService`). */
  objectKind?: string;
  namespace?: string;
  /** Models it serves: URIs or hub names. */
  models: string[];
  images: string[];
}

export interface Inventory {
  packages: InventoryPackage[];
  models: InventoryModel[];
  remoteModels: RemoteModel[];
  datasets: DatasetRef[];
  services: AiService[];
  /** CUDA, cuDNN, NCCL and other NVIDIA libraries found in a root filesystem, each with where its version was read. */
  gpu?: GpuComponent[];
  errors: ScanError[];
}
