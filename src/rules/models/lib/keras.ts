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
 * What a Keras or TensorFlow function named in a config does that no model layer needs: the
 * gadgets of the published safe-mode bypasses (CVE-2025-8747, CVE-2025-9906) turn safe mode off,
 * load a second model without it, or download and extract files where the config says.
 */
export function kerasGadget(dotted: string): string | undefined {
  if (!KERAS_PREFIX.test(dotted)) return undefined;
  const name = dotted.slice(dotted.lastIndexOf('.') + 1);
  if (name === 'enable_unsafe_deserialization' || name === 'set_global_attribute') return 'turns safe mode off';
  if (name === 'load_model' || name === 'load_weights' || /\.saved_model\.load$|\.saving\.|saving_lib|saving_api/.test(dotted))
    return 'loads another model, which safe mode does not cover';
  if (name === 'get_file' || name === 'extract_archive' || /\.file_utils\.|\.io\.gfile\.|\.io\.(?:read|write)_file$/.test(dotted))
    return 'reaches the file system or the network';
  return undefined;
}
