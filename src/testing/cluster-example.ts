import yaml from 'js-yaml';
import type { RuleExample } from '../core/rule.js';
import type { ClusterListing } from '../core/source-file.js';
import { KUBE_SCHEMA } from '../parsers/yaml/yaml-parser.js';
import { asManifest, objectName } from '../sources/cluster/objects.js';
import { ObjectFile } from '../sources/object-file.js';
import type { ResourceType } from '../sources/cluster/kinds.js';

/** A cluster that lists every kind, as rule examples marked `cluster: true` describe one. */
export const LISTS_EVERYTHING: ClusterListing = { ref: { context: 'example', server: 'https://127.0.0.1:6443' }, listed: () => true };

/** The objects of an example as `sanctum cluster` hands them to the engine: one file per object, as the API serves it. */
export function clusterExampleFiles(example: RuleExample, listing: ClusterListing = LISTS_EVERYTHING): ObjectFile[] {
  if (typeof example.content !== 'string') throw new Error(`cluster example ${example.path} must be YAML text`);
  const out: ObjectFile[] = [];
  for (const doc of yaml.loadAll(example.content, null, { schema: KUBE_SCHEMA })) {
    if (typeof doc !== 'object' || doc === null) continue;
    const o = doc as Record<string, unknown>;
    const apiVersion = String(o.apiVersion);
    const slash = apiVersion.lastIndexOf('/');
    const md = (o.metadata ?? {}) as Record<string, unknown>;
    const type: ResourceType = {
      group: slash === -1 ? '' : apiVersion.slice(0, slash),
      version: apiVersion.slice(slash + 1),
      resource: `${String(o.kind).toLowerCase()}s`,
      kind: String(o.kind),
      namespaced: typeof md.namespace === 'string',
    };
    out.push(new ObjectFile(objectName(type, o), asManifest(o, type), listing));
  }
  return out;
}
