import type { ScanDocument } from '../../core/document.js';
import { isMapping } from '../yaml/position-table.js';
import type { YamlFile } from '../yaml/yaml-document.js';
import type { YamlClassifier } from '../yaml/yaml-parser.js';
import { readInTree } from '../../core/source-file.js';
import { ComposeDocument, envFilePaths, substituteProject, type DotEnv, type KnownVariable } from './compose-document.js';
import { parseDotEnv, parseEnvFile, type EnvFileVariable } from './env-file.js';

/** `compose.yaml`, `docker-compose.yml`, `docker-compose.prod.yaml`, `compose.override.yml`, `x.compose.yaml`. */
export function isComposeName(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return /^(docker-)?compose([.-][^/]*)?\.ya?ml$/.test(name) || /\.(docker-)?compose\.ya?ml$/.test(name);
}

/** The env files the services name, read when they lie inside the scanned directory (see `readInTree`). */
function readEnvFiles(
  source: YamlFile,
  services: unknown[],
  known: KnownVariable | undefined,
): Map<string, ReadonlyMap<string, EnvFileVariable> | undefined> {
  const out = new Map<string, ReadonlyMap<string, EnvFileVariable> | undefined>();
  for (const s of services) {
    if (!isMapping(s)) continue;
    for (const path of envFilePaths(s.env_file)) {
      if (path === undefined || out.has(path)) continue;
      const text = readInTree(source.file, path);
      out.set(path, text === undefined ? undefined : parseEnvFile(text, known));
    }
  }
  return out;
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
    // Compose interpolates the file with the variables of the project's `.env` (next to the compose
    // file): read only when the file interpolates anything, and only inside the scanned directory.
    const text = source.file.text();
    const dotEnvText = text.includes('$') ? readInTree(source.file, '.env') : undefined;
    let dotEnv: DotEnv | undefined;
    let substituted: ReturnType<typeof substituteProject>;
    let known: KnownVariable | undefined;
    if (dotEnvText !== undefined) {
      const path = source.file.path;
      const slash = path.lastIndexOf('/');
      dotEnv = { path: slash === -1 ? '.env' : `${path.slice(0, slash)}/.env`, vars: parseDotEnv(dotEnvText) };
      const vars = dotEnv.vars;
      known = (name) => vars.get(name);
      substituted = substituteProject(value, known);
    }
    const project = substituted?.project ?? value;
    const resolvedServices = isMapping(project.services) ? Object.values(project.services) : list;
    return [new ComposeDocument(source, docIndex, value, readEnvFiles(source, resolvedServices, known), dotEnv, substituted)];
  },
};
