import type { KerasLayerRef } from '../../../parsers/models/documents.js';

/** Modules of Keras itself and of its first-party packages: their registered objects ship with the library. */
export function isKerasModule(module: string): boolean {
  return /^(?:keras|tf_keras|keras_nlp|keras_hub|keras_cv|tensorflow\.keras|tensorflow\.python\.keras)(?:\.|$)/.test(module);
}

export function layerLabel(l: KerasLayerRef): string {
  return l.name ? `'${l.name}'` : `at ${l.path.join('.')}`;
}

const KERAS_PREFIX = /^(?:keras|tf_keras|keras_nlp|keras_hub|keras_cv|tensorflow\.keras|tensorflow\.python\.keras|tensorflow)(?:\.src)?\./;

/** Keras's saving modules (`keras.saving`, `keras.src.saving.saving_lib`, `saving_api`, the legacy H5 format, …). */
const SAVING = /\.saving\.|saving_lib|saving_api/;

/**
 * The names of the saving modules that only register and name objects (keras/src/saving/object_registration,
 * serialization_lib.serialize_keras_object): every other name there loads, saves or opens files.
 */
const SAVING_HARMLESS = new Set([
  'register_keras_serializable',
  'get_registered_object',
  'get_registered_name',
  'get_custom_objects',
  'serialize_keras_object',
]);

/** saving_lib's file stores and the file editor: constructing one opens a file (H5IOStore(path, mode="w") truncates it). */
const SAVING_FILES = new Set(['H5IOStore', 'DiskIOStore', 'NpzIOStore', 'ShardedH5IOStore', 'KerasFileEditor']);

/**
 * What a Keras or TensorFlow function named in a config does that no model layer needs: the
 * gadgets of the published safe-mode bypasses (CVE-2025-8747, CVE-2025-9906) turn safe mode off,
 * load a second model without it, or download and extract files where the config says.
 */
export function kerasGadget(dotted: string): string | undefined {
  if (!KERAS_PREFIX.test(dotted)) return undefined;
  const name = dotted.slice(dotted.lastIndexOf('.') + 1);
  if (name === 'enable_unsafe_deserialization' || name === 'set_global_attribute') return 'turns safe mode off';
  const saving = SAVING.test(dotted);
  if (
    name === 'get_file' ||
    name === 'extract_archive' ||
    (saving && (name.startsWith('save') || SAVING_FILES.has(name))) ||
    /\.file_utils\.|\.io\.gfile\.|\.io\.(?:read|write)_file$/.test(dotted)
  )
    return 'reaches the file system or the network';
  if (name === 'load_model' || name === 'load_weights' || /\.saved_model\.load$/.test(dotted) || (saving && !SAVING_HARMLESS.has(name)))
    return 'loads another model, which safe mode does not cover';
  return undefined;
}
