import { KubeApiError, type KubeApi } from './api.js';
import { groupVersionPath, WANTED_RESOURCES, type ResourceType } from './kinds.js';

export interface Discovery {
  types: ResourceType[];
  /** API groups or versions that could not be read (forbidden, an aggregated API that is down). */
  problems: Array<{ what: string; error: KubeApiError }>;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/**
 * Asks the API server which of the wanted resources it serves (`/api`, `/apis` and each group's
 * preferred version): custom resources appear when their CRDs are installed.
 */
export async function discover(api: KubeApi): Promise<Discovery> {
  const problems: Discovery['problems'] = [];
  const versions: Array<{ group: string; version: string }> = [];
  const core = record(await api.get('/api'));
  const coreVersions = list(core.versions).filter((v): v is string => typeof v === 'string');
  versions.push({ group: '', version: coreVersions.includes('v1') ? 'v1' : (coreVersions[0] ?? 'v1') });
  try {
    const groups = record(await api.get('/apis'));
    for (const g of list(groups.groups)) {
      const group = record(g);
      const name = typeof group.name === 'string' ? group.name : '';
      if (!WANTED_RESOURCES.has(name)) continue;
      const preferred = record(group.preferredVersion).version ?? record(list(group.versions)[0]).version;
      if (typeof preferred === 'string') versions.push({ group: name, version: preferred });
    }
  } catch (e) {
    if (!(e instanceof KubeApiError)) throw e;
    problems.push({ what: 'the API groups (/apis)', error: e });
  }
  const types: ResourceType[] = [];
  for (const gv of versions) {
    const wanted = WANTED_RESOURCES.get(gv.group)!;
    let resources: unknown;
    try {
      resources = record(await api.get(groupVersionPath(gv))).resources;
    } catch (e) {
      if (!(e instanceof KubeApiError)) throw e;
      problems.push({ what: `the resources of ${gv.group || 'the core group'} ${gv.version}`, error: e });
      continue;
    }
    for (const r of list(resources)) {
      const res = record(r);
      const name = res.name;
      if (typeof name !== 'string' || name.includes('/') || typeof res.kind !== 'string') continue;
      if (wanted !== 'all' && !wanted.has(name)) continue;
      if (!list(res.verbs).includes('list')) continue;
      types.push({ group: gv.group, version: gv.version, resource: name, kind: res.kind, namespaced: res.namespaced === true });
    }
  }
  return { types, problems };
}
