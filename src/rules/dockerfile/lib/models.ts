/** Model artefacts in URLs: weight file extensions and Hugging Face `resolve/<ref>` links. */

export const COMMIT = /^[0-9a-f]{40}$/i;
const WEIGHTS = /\.(safetensors|bin|pt|pth|ckpt|gguf|ggml|onnx|pkl|pickle|h5|keras|tflite|pb|mlmodel|joblib|npz|nemo)$/i;

/** The URL without its query and fragment. */
export function urlPath(u: string): string {
  const q = u.search(/[?#]/);
  return q === -1 ? u : u.slice(0, q);
}

/** The ref of a `huggingface.co/<repo>/resolve/<ref>/<file>` URL. */
export function hubRef(u: string): string | undefined {
  const host = u.indexOf('huggingface.co/');
  const at = host === -1 ? -1 : u.indexOf('/resolve/', host);
  if (at === -1) return undefined;
  const end = u.indexOf('/', at + 9);
  return end === -1 ? undefined : u.slice(at + 9, end);
}

export function isWeightsUrl(u: string): boolean {
  return WEIGHTS.test(urlPath(u));
}

/** A URL the model rule owns: weights anywhere, or any file of a hub repository. */
export function isModelUrl(u: string): boolean {
  return /^https?:\/\//i.test(u) && (isWeightsUrl(u) || hubRef(u) !== undefined);
}

/** A model URL that does not name immutable content: weights anywhere, or a hub file at a branch or tag. */
export function isMutableModelUrl(u: string): boolean {
  if (!isModelUrl(u)) return false;
  const ref = hubRef(u);
  return ref !== undefined ? !COMMIT.test(ref) : true;
}
