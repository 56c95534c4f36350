import type { At, Located, ScanDocument } from '../../core/document.js';
import { isLineSpan, isTextSpan } from '../../core/document.js';
import type { SourceFile } from '../../core/source-file.js';
import type { PickleImport, PickleScan } from './pickle.js';

/**
 * Documents of the `models` scanner. Model files are binary: a location is a byte range of the
 * data that holds the finding (the file itself, or the archive member named by `detail`), reported
 * on line 1 with `column = offset + 1` and `endColumn = end + 1` (end exclusive). Rules pass
 * `{ start, end }` byte offsets as `at`. JSON-based parts (a Keras `config.json`) use object paths.
 */

export type ModelProblemKind = 'malformed' | 'limit' | 'unsupported';

export interface ModelProblem {
  kind: ModelProblemKind;
  message: string;
  /** Byte range in the document's data, when the problem has one. */
  offset?: number;
  end?: number;
}

export abstract class ModelDocument implements ScanDocument {
  abstract readonly kind: string;
  readonly problems: ModelProblem[] = [];
  constructor(
    readonly file: SourceFile,
    /** The archive member the document comes from (`archive/data.pkl`, `outer.zip!/inner.npy`). */
    readonly detail: string | undefined,
    /** Format of the file or member, e.g. `pickle`, `pytorch-zip`, `pytorch-legacy`, `joblib`, `npy`, `keras`. */
    readonly format: string,
  ) {}

  locate(at: At | undefined): Located {
    if (!at) return {};
    if (isTextSpan(at))
      return { range: { startLine: 1, startColumn: at.start + 1, endLine: 1, endColumn: Math.max(at.end, at.start + 1) + 1 } };
    if (isLineSpan(at)) {
      const column = at.column ?? 1;
      return { range: { startLine: at.line, startColumn: column, endLine: at.endLine ?? at.line, endColumn: at.endColumn ?? column + 1 } };
    }
    return {};
  }
}

/** A model file or archive member as a whole: its format and the problems met reading it. */
export class ModelFileDocument extends ModelDocument {
  readonly kind = 'model-file';
  /** Archive members read, for archives. */
  members: string[] = [];
  /** True when some member was identified as a model format (a pickle, an array, a nested archive…). */
  containsModels = false;
}

/** One pickle (a file, an archive member, the pickled payload of a NumPy object array). */
export class PickleDocument extends ModelDocument {
  readonly kind = 'model-pickle';
  constructor(
    file: SourceFile,
    detail: string | undefined,
    format: string,
    readonly scan: PickleScan,
  ) {
    super(file, detail, format);
  }
  get imports(): readonly PickleImport[] {
    return this.scan.imports;
  }
}

export interface NpyHeader {
  version: string;
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** True when the dtype holds Python objects (the data is a pickle). */
  objectArray: boolean;
  /** Byte range of the header dict. */
  headerOffset: number;
  headerEnd: number;
}

export class NpyDocument extends ModelDocument {
  readonly kind = 'model-npy';
  /** For object arrays: the pickle that holds the array's data (also a document of its own). */
  embedded?: PickleDocument;
  constructor(
    file: SourceFile,
    detail: string | undefined,
    readonly header: NpyHeader,
  ) {
    super(file, detail, 'npy');
  }
}

export interface SafetensorsTensor {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export class SafetensorsDocument extends ModelDocument {
  readonly kind = 'model-safetensors';
  headerLength = 0;
  tensors: SafetensorsTensor[] = [];
  /** What makes the header invalid, with the byte range it concerns. */
  headerProblems: { message: string; start: number; end: number }[] = [];
  metadata: Record<string, string> = {};
}

export interface GgufString {
  key: string;
  value: string;
  /** Byte offset of the string's first byte in the file. */
  offset: number;
}

export class GgufDocument extends ModelDocument {
  readonly kind = 'model-gguf';
  version = 0;
  tensorCount = 0;
  /** `tokenizer.chat_template` and `tokenizer.chat_template.*` values. */
  chatTemplates: GgufString[] = [];
  architecture?: string;
  /** Descriptive metadata for inventories: `general.name`, `general.license`, quantisation (`file_type`), `context_length`. */
  description: Record<string, string> = {};
}

export interface OnnxOperatorRef {
  domain: string;
  opType?: string;
  /** Where it was declared: `opset_import`, or the graph path of the node. */
  where: string;
  offset: number;
  end: number;
}

export interface OnnxExternalData {
  tensor: string;
  location: string;
  offset: number;
  end: number;
}

export class OnnxDocument extends ModelDocument {
  readonly kind = 'model-onnx';
  irVersion = 0;
  producer?: string;
  opsetDomains: OnnxOperatorRef[] = [];
  nodeDomains: OnnxOperatorRef[] = [];
  externalData: OnnxExternalData[] = [];
}

export interface KerasLayerRef {
  className: string;
  name?: string;
  module?: string;
  registeredName?: string;
  /** Path of the object in the config (reported as a JSON pointer). */
  path: (string | number)[];
  /** For Lambda layers: the function source or a marker that it is marshalled bytecode. */
  functionKind?: 'bytecode' | 'source' | 'reference';
  /** For function references: the module and name it names. */
  functionRef?: string;
  /** Paths and URLs in the object's config that the loader reads (`vocabulary`, `merges`, `proto`, `filepath`). */
  externalFiles?: { key: string; value: string }[];
}

export class KerasDocument extends ModelDocument {
  readonly kind = 'model-keras';
  /** Every object with a `class_name` in the model config. */
  layers: KerasLayerRef[] = [];
  kerasVersion?: string;
}

export interface TfOpRef {
  op: string;
  node: string;
  /** Function of the graph library the node sits in, or empty for the main graph. */
  func: string;
  offset: number;
  end: number;
}

export class SavedModelDocument extends ModelDocument {
  readonly kind = 'model-tf';
  ops: TfOpRef[] = [];
}

export const MODEL_KINDS = [
  'model-file',
  'model-pickle',
  'model-npy',
  'model-safetensors',
  'model-gguf',
  'model-onnx',
  'model-keras',
  'model-tf',
] as const;
