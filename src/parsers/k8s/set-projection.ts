import type { ObjectPath } from '../../core/types.js';
import { isMapping } from '../yaml/position-table.js';
import type { K8sObject } from './k8s-documents.js';
import { containersOf, findPodSpecs } from './pod-specs.js';

type Obj = Record<string, unknown>;

/** Object metadata the cross-object rules read: identity, labels (selectors) and annotations (auth hints, suppressions). */
const METADATA_KEPT = new Set(['name', 'generateName', 'namespace', 'labels', 'annotations']);

/** Pod-level fields no cross-object rule reads (scheduling, security context, DNS): the per-object rules have read them. */
const POD_FIELDS_DROPPED = [
  'securityContext',
  'affinity',
  'tolerations',
  'topologySpreadConstraints',
  'dnsConfig',
  'dnsPolicy',
  'schedulerName',
  'priority',
  'priorityClassName',
  'preemptionPolicy',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'restartPolicy',
  'readinessGates',
  'schedulingGates',
  'overhead',
  'os',
  'hostAliases',
  'enableServiceLinks',
  'setHostnameAsFQDN',
  'hostname',
  'subdomain',
  'imagePullSecrets',
  'resourceClaims',
];

/** Container fields no cross-object rule reads (the AI-service, GPU, Secret and token checks read image, command, args, env, ports, resources, mounts). */
const CONTAINER_FIELDS_DROPPED = [
  'securityContext',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'resizePolicy',
  'restartPolicy',
  'stdin',
  'stdinOnce',
  'tty',
  'volumeDevices',
];

/**
 * What the cross-object (`k8s-set`) rules read of an object read from a live cluster, kept once the
 * object's own rules are done (a cluster scan holds every object until its end, so what it keeps
 * decides its memory): object metadata without the server's bookkeeping (`uid`, `resourceVersion`,
 * timestamps, owner references, finalizers), pod specs and their containers without scheduling,
 * security contexts and probes, and a ConfigMap's keys without their values. Everything else is kept
 * as it is, in the same place: the pod specs are found where they were, and findings of the
 * cross-object rules point at the same paths with the same values.
 */
export function setProjection(obj: K8sObject): K8sObject {
  const dropped: DropTree = new Map();
  for (const loc of findPodSpecs(obj)) {
    addFields(dropped, loc.specPath, POD_FIELDS_DROPPED);
    for (const c of containersOf(obj, loc)) addFields(dropped, c.path, CONTAINER_FIELDS_DROPPED);
  }
  const out: Obj = {};
  for (const key of Object.keys(obj)) {
    const value = obj[key];
    const below = dropped.get(key);
    if (key === 'metadata' && isMapping(value)) out.metadata = pick(value, METADATA_KEPT);
    else out[key] = below === undefined || below === true ? value : copyWithout(value, below);
  }
  if (obj.kind === 'ConfigMap' && obj.apiVersion === 'v1')
    for (const field of ['data', 'binaryData'] as const) if (isMapping(out[field])) out[field] = keysOnly(out[field]);
  return out as K8sObject;
}

/** The fields to leave out, as a tree of path segments (`true` marks a field dropped whole). */
type DropTree = Map<string | number, DropTree | true>;

/** Marks `fields` of the value at `path` dropped (unless a field on the way is dropped whole already). */
function addFields(tree: DropTree, path: ObjectPath, fields: readonly string[]): void {
  let node = tree;
  for (const seg of path) {
    const next = node.get(seg);
    if (next === true) return;
    if (next === undefined) {
      const made: DropTree = new Map();
      node.set(seg, made);
      node = made;
    } else node = next;
  }
  for (const field of fields) node.set(field, true);
}

function pick(o: Obj, keys: ReadonlySet<string>): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o)) if (keys.has(k)) out[k] = o[k];
  return out;
}

function keysOnly(o: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o)) out[k] = '';
  return out;
}

/** A copy of `value` without the fields `dropped` names; the subtrees it names nothing in are shared, not copied. */
function copyWithout(value: unknown, dropped: DropTree): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => {
      const below = dropped.get(i);
      return below === undefined || below === true ? v : copyWithout(v, below);
    });
  }
  if (!isMapping(value)) return value;
  const out: Obj = {};
  for (const k of Object.keys(value)) {
    const below = dropped.get(k);
    if (below === true) continue;
    const v = value[k];
    out[k] = below === undefined ? v : copyWithout(v, below);
  }
  return out;
}
