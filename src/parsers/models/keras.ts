import { indexOfBytes, readAll, utf8Text, type ByteSource } from './byte-source.js';
import type { KerasDocument, KerasLayerRef } from './documents.js';

export const HDF5_MAGIC = Uint8Array.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
export const looksLikeHdf5 = (head: Uint8Array): boolean => head.length >= 8 && HDF5_MAGIC.every((b, i) => head[i] === b);

const MAX_NODES = 1_000_000;
const MAX_DEPTH = 200;

/** Records every object with a `class_name` (layers, custom objects, Lambda functions) of a Keras config. */
export function readKerasConfig(doc: KerasDocument, config: unknown): void {
  let nodes = 0;
  const walk = (v: unknown, path: (string | number)[]): void => {
    if (++nodes > MAX_NODES || path.length > MAX_DEPTH)
      throw new KerasLimit(
        `Keras config has more than ${MAX_NODES} values or is nested deeper than ${MAX_DEPTH} levels; the rest was not checked`,
      );
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, i]));
      return;
    }
    if (typeof v !== 'object' || v === null) return;
    const o = v as Record<string, unknown>;
    if (typeof o.class_name === 'string') doc.layers.push(layerRef(o, path));
    for (const [k, x] of Object.entries(o)) walk(x, [...path, k]);
  };
  walk(config, []);
}

export class KerasLimit extends Error {}

/**
 * Config keys whose string value the loader opens as a path or URL (through `tf.io.gfile`, which
 * also reads gs://, s3:// and http(s)://): lookup layers' and TextVectorization's vocabulary files,
 * keras_hub tokenizers' vocabulary, merges and SentencePiece proto, TFSMLayer's SavedModel.
 */
const EXTERNAL_FILE_KEYS = ['vocabulary', 'merges', 'proto', 'filepath'] as const;

function layerRef(o: Record<string, unknown>, path: (string | number)[]): KerasLayerRef {
  const config = (typeof o.config === 'object' && o.config !== null ? o.config : {}) as Record<string, unknown>;
  const ref: KerasLayerRef = { className: o.class_name as string, path };
  if (typeof config.name === 'string') ref.name = config.name;
  if (typeof o.module === 'string') ref.module = o.module;
  if (typeof o.registered_name === 'string') ref.registeredName = o.registered_name;
  for (const key of EXTERNAL_FILE_KEYS) {
    const value = config[key];
    if (typeof value === 'string' && value !== '') (ref.externalFiles ??= []).push({ key, value });
  }
  if (o.class_name === 'Lambda') {
    const fn = config.function;
    const type = config.function_type;
    if (Array.isArray(fn) || type === 'lambda') ref.functionKind = 'bytecode';
    else if (typeof fn === 'object' && fn !== null) {
      const f = fn as Record<string, unknown>;
      const inner = (f.config ?? {}) as Record<string, unknown>;
      if (f.class_name === '__lambda__' || typeof inner.code === 'string') ref.functionKind = 'bytecode';
      else {
        ref.functionKind = 'reference';
        const module = typeof f.module === 'string' ? f.module : typeof inner.module === 'string' ? inner.module : '';
        const name =
          typeof inner.function_name === 'string'
            ? inner.function_name
            : typeof f.config === 'string'
              ? f.config
              : typeof f.class_name === 'string'
                ? f.class_name
                : '';
        ref.functionRef = module ? `${module}.${name}` : name;
      }
    } else if (typeof fn === 'string') {
      ref.functionKind = type === 'raw' ? 'source' : 'reference';
      ref.functionRef = typeof config.module === 'string' ? `${config.module}.${fn}` : fn;
    }
  }
  return ref;
}

const MODEL_CONFIG = Buffer.from('model_config');
const JSON_START = Buffer.from('{"class_name"');
/** Keras writes `model_config` before the weights, so it sits near the start of the file. */
export const H5_SEARCH_WINDOW = 8 * 1024 * 1024;

/**
 * Legacy Keras `.h5`: the architecture is the JSON string attribute `model_config` of the root
 * group. Attribute values stored in the root object header sit next to the attribute name, so the
 * JSON is found after the name (within the first `windowBytes`) and taken up to its matching brace;
 * HDF5 structures themselves are not parsed. Returns undefined when the file has no `model_config` (a weights-only file).
 */
export function findH5ModelConfig(
  src: ByteSource,
  windowBytes = H5_SEARCH_WINDOW,
): { json: string; offset: number } | { error: string } | undefined {
  const window = readAll(src, 0, Math.min(src.size, windowBytes));
  const name = indexOfBytes(window, MODEL_CONFIG);
  if (name === -1) return undefined;
  const start = indexOfBytes(window, JSON_START, name);
  if (start === -1 || start - name > 4096)
    return {
      error:
        'HDF5 attribute model_config was found but its JSON value is not stored inline next to it (dense attribute storage is not parsed)',
    };
  let depth = 0;
  let inString = false;
  for (let i = start; i < window.length; i++) {
    const c = window[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b) depth++;
    else if (c === 0x7d && --depth === 0) return { json: utf8Text(window.subarray(start, i + 1)), offset: start };
  }
  return { error: `HDF5 attribute model_config does not end within the first ${windowBytes} bytes` };
}
