import type { ScanDocument } from '../../core/document.js';
import { MemorySourceFile, type SourceFile } from '../../core/source-file.js';
import { isMapping } from '../yaml/position-table.js';
import type { YamlClassifier } from '../yaml/yaml-parser.js';
import type { YamlFile } from '../yaml/yaml-document.js';
import { K8sObjectDocument, K8sSetDocument, PodSpecDocument, type K8sObject } from './k8s-documents.js';

function isK8sObject(v: unknown): v is K8sObject {
  return isMapping(v) && typeof v.apiVersion === 'string' && typeof v.kind === 'string';
}

const TOOL_CONFIG_GROUPS = new Set(['kind.x-k8s.io', 'kubeadm.k8s.io', 'audit.k8s.io', 'skaffold', 'ctlptl.dev']);

/**
 * Files of tools that borrow the object shape but are never applied to a cluster: Kustomization and
 * component configs (`*.config.k8s.io`), kubeconfig (`v1 Config`), kubeadm, kind, audit policies, Skaffold.
 */
function isToolConfig(o: K8sObject): boolean {
  const slash = o.apiVersion.lastIndexOf('/');
  const group = slash === -1 ? '' : o.apiVersion.slice(0, slash);
  if (group === '' && o.kind === 'Config') return true;
  return group.endsWith('.config.k8s.io') || TOOL_CONFIG_GROUPS.has(group);
}

/** Kubernetes objects, with `List` kinds (`v1 List`, `*List`) split into their items. */
export const k8sClassifier: YamlClassifier = {
  name: 'kubernetes',
  produces: ['k8s', 'k8s-pod', 'k8s-container-override'],
  classify(parsed: unknown, source: YamlFile, docIndex: number): ScanDocument[] | undefined {
    // A cluster object's text is the object itself as JSON: its documents keep the object, not the copy.
    const value = source.file.cluster && source.file.object && docIndex === 0 ? source.file.object : parsed;
    if (!isK8sObject(value)) return undefined;
    if (isToolConfig(value)) return [];
    const out: ScanDocument[] = [];
    const add = (obj: K8sObject, base: Array<string | number>): void => {
      const doc = new K8sObjectDocument(source, docIndex, base, obj);
      out.push(doc, ...doc.pods, ...doc.containerOverrides);
    };
    if (value.kind.endsWith('List') && Array.isArray(value.items)) {
      value.items.forEach((item, i) => {
        if (isK8sObject(item)) add(item, ['items', i]);
      });
    } else add(value, []);
    return out;
  },
};

const SET_FILE = new MemorySourceFile('.', '');

/**
 * The deployment unit a file's objects belong to: the render that produced it (one overlay, one
 * chart), else the directory of a plain manifest.
 */
export function deploymentGroup(file: SourceFile): string {
  if (file === lastGroupOf.file) return lastGroupOf.group;
  const group = groupOf(file);
  lastGroupOf.file = file;
  lastGroupOf.group = group;
  return group;
}

function groupOf(file: SourceFile): string {
  if (file.cluster) return `cluster ${file.cluster.ref.context}`;
  if (file.renderedBy) return file.renderedBy;
  const slash = file.path.lastIndexOf('/');
  return slash === -1 ? '.' : file.path.slice(0, slash);
}

/**
 * The group of the last file asked about: each of its documents asks (`setDirectory`, then `collect`),
 * and one string for them all is hashed once as the key of the set's maps (a slice made for each
 * document was hashed again each time).
 */
const lastGroupOf: { file: SourceFile | undefined; group: string } = { file: undefined, group: '' };

/**
 * Cross-object rules join only objects that would be deployed together: a ClusterRoleBinding of an
 * old install bundle never escalates a workload of an unrelated sample elsewhere in the repository.
 */
export const k8sSet = {
  setKind: 'k8s-set',
  collect(documents: ScanDocument[]): ScanDocument[] {
    const groups = new Map<string, K8sObjectDocument[]>();
    for (const d of documents) {
      if (!(d instanceof K8sObjectDocument)) continue;
      const key = deploymentGroup(d.file);
      const list = groups.get(key);
      if (list) list.push(d);
      else groups.set(key, [d]);
    }
    if (groups.size === 0) return [new K8sSetDocument([], SET_FILE)];
    return [...groups].map(([group, objects]) => new K8sSetDocument(objects, SET_FILE, group, objects[0].file.cluster));
  },
  setDirectory(document: ScanDocument): string | undefined {
    // A pod spec goes with the object that holds it (the set reads it from there).
    const object = document instanceof PodSpecDocument ? document.owner : document;
    if (!(object instanceof K8sObjectDocument) || document.file.renderedBy) return undefined;
    const group = deploymentGroup(document.file);
    return group === '.' ? undefined : group;
  },
};
