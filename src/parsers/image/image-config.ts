import type { ScanDocument } from '../../core/document.js';
import type { ObjectPath } from '../../core/types.js';
import { isMapping } from '../yaml/position-table.js';
import { YamlValueDocument, type YamlFile } from '../yaml/yaml-document.js';
import type { YamlClassifier } from '../yaml/yaml-parser.js';

/** One `Env` entry of the config: `NAME=value`. */
export interface ConfigEnv {
  name: string;
  value: string;
  path: ObjectPath;
}

/**
 * A source of an image config file that keeps the build history beside the text: `sanctum image`
 * leaves the history out of `config.json` (it is judged as a rebuilt Dockerfile, and its secrets are
 * reported there once), yet policies on the image config read it.
 */
export interface ImageHistorySource {
  readonly configHistory: readonly unknown[];
}

/**
 * An OCI/Docker image configuration (`docker inspect`'s `Config`, the config blob of a manifest):
 * user, environment, ports, labels, healthcheck and the build history.
 */
export class ImageConfigDocument extends YamlValueDocument {
  readonly kind = 'image-config';

  constructor(
    source: YamlFile,
    docIndex: number,
    readonly value: Record<string, unknown>,
  ) {
    super(source, docIndex, []);
  }

  /** The runtime part (`config`); `{}` when absent. */
  get runtime(): Record<string, unknown> {
    return isMapping(this.value.config) ? this.value.config : {};
  }

  get user(): string {
    return typeof this.runtime.User === 'string' ? this.runtime.User : '';
  }

  env(): ConfigEnv[] {
    const list = this.runtime.Env;
    if (!Array.isArray(list)) return [];
    const out: ConfigEnv[] = [];
    list.forEach((entry, i) => {
      if (typeof entry !== 'string') return;
      const eq = entry.indexOf('=');
      out.push({ name: eq === -1 ? entry : entry.slice(0, eq), value: eq === -1 ? '' : entry.slice(eq + 1), path: ['config', 'Env', i] });
    });
    return out;
  }

  labels(): Array<{ name: string; value: string; path: ObjectPath }> {
    const labels = this.runtime.Labels;
    if (!isMapping(labels)) return [];
    return Object.entries(labels)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([name, value]) => ({ name, value, path: ['config', 'Labels', name] }));
  }

  /** `8080/tcp` → 8080, with the key's path. */
  exposedPorts(): Array<{ port: number; protocol: string; path: ObjectPath }> {
    const ports = this.runtime.ExposedPorts;
    if (!isMapping(ports)) return [];
    const out: Array<{ port: number; protocol: string; path: ObjectPath }> = [];
    for (const key of Object.keys(ports)) {
      const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(key);
      if (m) out.push({ port: Number(m[1]), protocol: (m[2] ?? 'tcp').toLowerCase(), path: ['config', 'ExposedPorts', key] });
    }
    return out;
  }

  /** The build history: the config's own `history`, else the one its source kept beside the text. */
  get history(): unknown[] {
    if (Array.isArray(this.value.history)) return this.value.history;
    const kept = (this.file as Partial<ImageHistorySource>).configHistory;
    return Array.isArray(kept) ? [...kept] : [];
  }

  /** The healthcheck test, or undefined when none is set (`["NONE"]` disables one inherited). */
  get healthcheck(): string[] | undefined {
    const h = this.runtime.Healthcheck;
    if (!isMapping(h) || !Array.isArray(h.Test) || h.Test.length === 0) return undefined;
    return h.Test.map(String);
  }
}

/** True for the shape of an image config: `rootfs` of type `layers` with its diff ids, and a runtime `config` or an `os`. */
export function looksLikeImageConfig(value: unknown): value is Record<string, unknown> {
  if (!isMapping(value) || !isMapping(value.rootfs)) return false;
  return (
    value.rootfs.type === 'layers' && Array.isArray(value.rootfs.diff_ids) && (isMapping(value.config) || typeof value.os === 'string')
  );
}

export const imageConfigClassifier: YamlClassifier = {
  name: 'image-config',
  produces: ['image-config'],
  classify(value: unknown, source: YamlFile, docIndex: number): ScanDocument[] | undefined {
    if (!looksLikeImageConfig(value)) return undefined;
    return [new ImageConfigDocument(source, docIndex, value)];
  },
};
