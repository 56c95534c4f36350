import type { KerasLayerRef } from '../../../parsers/models/documents.js';

/** Modules of Keras itself and of its first-party packages: their registered objects ship with the library. */
export function isKerasModule(module: string): boolean {
  return /^(?:keras|tf_keras|keras_nlp|keras_hub|keras_cv|tensorflow\.keras|tensorflow\.python\.keras)(?:\.|$)/.test(module);
}

export function layerLabel(l: KerasLayerRef): string {
  return l.name ? `'${l.name}'` : `at ${l.path.join('.')}`;
}

const KERAS_PREFIX = /^(?:keras|tf_keras|keras_nlp|keras_hub|keras_cv|tensorflow\.keras|tensorflow\.python\.keras|tensorflow)(?:\.src)?\./;

/**
 * Keras's saving modules (`keras.saving`, `keras.src.saving.saving_lib`, `saving_api`, the legacy H5
 * format): their loaders and savers are gadgets; the rest (`register_keras_serializable`,
 * `serialize_keras_object`, `get_registered_object`, `custom_object_scope`, …) only name and register objects.
 */
const SAVING_MODULE = /\.(?:saving|saving_lib|saving_api|legacy_h5_format|serialization_lib)\.[^.]+$/;

/**
 * What a Keras or TensorFlow function named in a config does that no model layer needs: the
 * gadgets of the published safe-mode bypasses (CVE-2025-8747, CVE-2025-9906) turn safe mode off,
 * load a second model without it, or download and extract files where the config says.
 */
export function kerasGadget(dotted: string): string | undefined {
  if (!KERAS_PREFIX.test(dotted)) return undefined;
  const name = dotted.slice(dotted.lastIndexOf('.') + 1);
  if (name === 'enable_unsafe_deserialization' || name === 'set_global_attribute') return 'turns safe mode off';
  const saving = SAVING_MODULE.test(dotted);
  if (
    name === 'load_model' ||
    name === 'load_weights' ||
    /\.saved_model\.load$/.test(dotted) ||
    (saving && (name.startsWith('load') || name === 'deserialize_keras_object'))
  )
    return 'loads another model, which safe mode does not cover';
  if (
    name === 'get_file' ||
    name === 'extract_archive' ||
    (saving && name.startsWith('save')) ||
    /\.file_utils\.|\.io\.gfile\.|\.io\.(?:read|write)_file$/.test(dotted)
  )
    return 'reaches the file system or the network';
  return undefined;
}
