import { LineIndex } from '../core/line-index.js';
import type { DatasetRef, RemoteModel } from './types.js';

// Bounded, linear patterns over the source text: a call, its first string argument, then at most
// 400 characters of further arguments on which `revision=` is looked up.
const MODEL_CALL = /\b(?:from_pretrained|hf_hub_download|snapshot_download|SentenceTransformer|pipeline)\s*\(([^()]{0,400})\)/g;
const DATASET_CALL = /\bload_dataset\s*\(([^()]{0,400})\)/g;
const FIRST_STRING = /^\s*(?:(?:repo_id|model_name_or_path|pretrained_model_name_or_path|path|model_id)\s*=\s*)?(["'])([^"'\s]{1,200})\1/;
const FIRST_NAME = /^\s*([A-Za-z_]\w{0,100})\s*[,)]?/;
/** Module-level string constants (`MODEL = "org/name"`), which calls often name instead of a literal. */
const CONSTANT = /^([A-Za-z_]\w{0,100})[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*(["'])([^"'\s]{1,200})\2[ \t]*(?:#.*)?$/gm;
const NAMED_MODEL = /\b(?:model|repo_id)\s*=\s*(["'])([^"'\s]{1,200})\1/;
const REVISION = /\brevision\s*=\s*(["'])([^"'\s]{1,100})\1/;
const HUB_URL = /https:\/\/huggingface\.co\/([\w.-]+\/[\w.-]+)\/(?:resolve|blob|tree)\/([\w.-]+)\//g;
const STORAGE_URI = /\bstorageUri\s*:\s*["']?((?:hf|s3|gs|gcs|pvc|https?|oci):\/\/[^\s"'#]{1,300})/g;

const COMMIT = /^[0-9a-f]{40}$/;
/** Hub names look like `org/name` or a bare canonical name; paths and variables do not. */
const HUB_NAME = /^[A-Za-z0-9][\w.-]*(?:\/[\w.-]+)?$/;

let lastText: { text: string; index: LineIndex } | undefined;

function lineAt(text: string, index: number): number {
  if (lastText?.text !== text) lastText = { text, index: new LineIndex(text) };
  return lastText.index.position(index).line;
}

function isLocal(name: string): boolean {
  return /^[./~]/.test(name) || /\.(?:bin|pt|pth|safetensors|gguf|onnx|json)$/.test(name);
}

/** Models and datasets a Python source downloads from the Hugging Face Hub. */
export function codeReferences(text: string, path: string): { models: RemoteModel[]; datasets: DatasetRef[] } {
  const models: RemoteModel[] = [];
  const datasets: DatasetRef[] = [];
  if (text.includes('(')) {
    let constants: Map<string, string> | undefined;
    const constant = (args: string): string | undefined => {
      const id = FIRST_NAME.exec(args)?.[1];
      if (!id) return undefined;
      constants ??= new Map([...text.matchAll(CONSTANT)].map((c) => [c[1], c[3]] as const));
      return constants.get(id);
    };
    for (const m of text.matchAll(MODEL_CALL)) {
      const args = m[1];
      const isPipeline = m[0].startsWith('pipeline');
      const name = isPipeline
        ? NAMED_MODEL.exec(args)?.[2]
        : (FIRST_STRING.exec(args)?.[2] ?? NAMED_MODEL.exec(args)?.[2] ?? constant(args));
      if (!name || isLocal(name) || !HUB_NAME.test(name)) continue;
      const revision = REVISION.exec(args)?.[2];
      const model: RemoteModel = {
        origin: { path, line: lineAt(text, m.index) },
        name,
        source: 'huggingface',
        uri: `https://huggingface.co/${name}`,
        pinned: revision !== undefined && COMMIT.test(revision),
      };
      if (revision) model.revision = revision;
      models.push(model);
    }
    for (const m of text.matchAll(DATASET_CALL)) {
      const name = FIRST_STRING.exec(m[1])?.[2] ?? constant(m[1]);
      if (!name || isLocal(name) || !HUB_NAME.test(name)) continue;
      const revision = REVISION.exec(m[1])?.[2];
      const ref: DatasetRef = { origin: { path, line: lineAt(text, m.index) }, name, source: 'huggingface' };
      if (revision) ref.revision = revision;
      datasets.push(ref);
    }
  }
  for (const item of uriReferences(text, path)) models.push(item);
  return { models, datasets };
}

/**
 * A model location without the user information of its URL (`https://user:token@host/x` is
 * `https://host/x`): the inventory, and so the SBOM, never records credentials.
 */
export function withoutUserinfo(uri: string): string {
  return uri.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#\s]*@/, '$1');
}

/** Hub download URLs and KServe-style `storageUri`s in any text (Dockerfiles, manifests, scripts), without credentials. */
export function uriReferences(text: string, path: string): RemoteModel[] {
  const out: RemoteModel[] = [];
  if (text.includes('huggingface.co/')) {
    for (const m of text.matchAll(HUB_URL)) {
      out.push({
        origin: { path, line: lineAt(text, m.index) },
        name: m[1],
        source: 'huggingface',
        uri: `https://huggingface.co/${m[1]}`,
        revision: m[2],
        pinned: COMMIT.test(m[2]),
      });
    }
  }
  if (text.includes('storageUri')) {
    for (const m of text.matchAll(STORAGE_URI)) {
      const uri = withoutUserinfo(m[1]);
      const hf = /^hf:\/\/([\w.-]+\/[\w.-]+)(?:@([\w.-]+))?/.exec(uri);
      if (hf) {
        const model: RemoteModel = {
          origin: { path, line: lineAt(text, m.index) },
          name: hf[1],
          source: 'huggingface',
          uri,
          pinned: hf[2] !== undefined && COMMIT.test(hf[2]),
        };
        if (hf[2]) model.revision = hf[2];
        out.push(model);
      } else out.push({ origin: { path, line: lineAt(text, m.index) }, name: uri, source: 'uri', uri, pinned: false });
    }
  }
  return out;
}
