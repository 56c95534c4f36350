import type { KerasLayerRef } from '../../../parsers/models/documents.js';

/** Modules of Keras itself and of its first-party packages: their registered objects ship with the library. */
export function isKerasModule(module: string): boolean {
  return /^(?:keras|tf_keras|keras_nlp|keras_hub|keras_cv|tensorflow\.keras|tensorflow\.python\.keras)(?:\.|$)/.test(module);
}

export function layerLabel(l: KerasLayerRef): string {
  return l.name ? `'${l.name}'` : `at ${l.path.join('.')}`;
}
