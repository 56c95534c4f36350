import type { ScanDocument } from '../../core/document.js';
import { isMapping } from '../yaml/position-table.js';
import type { YamlFile } from '../yaml/yaml-document.js';
import type { YamlClassifier } from '../yaml/yaml-parser.js';
import { ComposeDocument } from './compose-document.js';

/** `compose.yaml`, `docker-compose.yml`, `docker-compose.prod.yaml`, `compose.override.yml`, `x.compose.yaml`. */
export function isComposeName(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return /^(docker-)?compose([.-][^/]*)?\.ya?ml$/.test(name) || /\.(docker-)?compose\.ya?ml$/.test(name);
}

const SERVICE_KEYS = ['image', 'build', 'command', 'ports', 'volumes', 'environment', 'deploy', 'extends'];

/**
 * Compose projects: a mapping with `services` and no Kubernetes `apiVersion`/`kind`. Files with a
 * compose name need only that; other YAML files need services that look like compose services.
 */
export const composeClassifier: YamlClassifier = {
  name: 'compose',
  produces: ['compose'],
  classify(value: unknown, source: YamlFile, docIndex: number): ScanDocument[] | undefined {
    if (!isMapping(value) || 'apiVersion' in value || 'kind' in value) return undefined;
    const services = value.services;
    if (!isMapping(services)) return undefined;
    const list = Object.values(services);
    if (!list.every((s) => isMapping(s) || s === null)) return undefined;
    if (!isComposeName(source.file.path)) {
      const looksLikeCompose =
        list.length > 0 &&
        list.every((s) => isMapping(s) && (typeof s.image === 'string' || 'build' in s) && SERVICE_KEYS.some((k) => k in s));
      if (!looksLikeCompose) return undefined;
    }
    return [new ComposeDocument(source, docIndex, value)];
  },
};
