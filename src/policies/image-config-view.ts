import { isMapping } from '../parsers/yaml/position-table.js';
import type { ImageConfigDocument } from '../parsers/image/image-config.js';

/**
 * What an image-config policy reads (docs/policies.md, "Image config policies"): `object` is the
 * config as the image stores it (its history included), `image` the same facts in a shape that CEL
 * reads without `has()` checks: every field is present, strings are `''` and lists `[]` when unset,
 * and `env` and `labels` are maps.
 */
export function imageConfigBindings(doc: ImageConfigDocument): { object: Record<string, unknown>; image: Record<string, unknown> } {
  const value = doc.value;
  const runtime = doc.runtime;
  const history = doc.history;
  const env: Record<string, string> = {};
  // As the runtime does: a later entry of the same name wins.
  for (const e of doc.env()) env[e.name] = e.value;
  const labels: Record<string, string> = {};
  for (const l of doc.labels()) labels[l.name] = l.value;
  const location = doc.file.image;
  return {
    object: { ...value, history },
    image: {
      ref: location?.ref ?? '',
      digest: location?.digest ?? '',
      os: text(value.os),
      architecture: text(value.architecture),
      variant: text(value.variant),
      created: text(value.created),
      author: text(value.author),
      user: doc.user,
      env,
      labels,
      exposedPorts: doc.exposedPorts().map((p) => `${p.port}/${p.protocol}`),
      entrypoint: strings(runtime.Entrypoint),
      cmd: strings(runtime.Cmd),
      workingDir: text(runtime.WorkingDir),
      volumes: isMapping(runtime.Volumes) ? Object.keys(runtime.Volumes) : [],
      stopSignal: text(runtime.StopSignal),
      healthcheck: doc.healthcheck ?? [],
      history: history.map((h) => {
        const entry = isMapping(h) ? h : {};
        return {
          createdBy: text(entry.created_by),
          created: text(entry.created),
          comment: text(entry.comment),
          author: text(entry.author),
          emptyLayer: entry.empty_layer === true,
        };
      }),
    },
  };
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
