import { describe, expect, it } from 'vitest';
import type { ClusterListing } from '../../core/source-file.js';
import { fileLines } from '../../core/line-index.js';
import type { ResourceType } from './kinds.js';
import { ObjectFile } from '../object-file.js';
import { asManifest, carriesPodSpecs, isManagedByScannedController, TEMPLATE_CUSTOM_RESOURCES } from './objects.js';

const listing: ClusterListing = { ref: { context: 'test', server: 'https://127.0.0.1:6443' }, listed: () => true };

describe('ObjectFile of a cluster object', () => {
  it('is read as the object written as indented JSON, with its positions found beside the text', () => {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } };
    const file = new ObjectFile('default/ConfigMap/c', object, listing);
    expect(file.text()).toBe(JSON.stringify(object, null, 2));
    expect(file.size).toBe(Buffer.byteLength(file.text()));
    const table = file.positions()!;
    expect(table.results[table.roots[0]]).toBe(object);
  });

  it('drops its text on release, with the line index built on it (the file itself lives on with its documents)', () => {
    const file = new ObjectFile('default/ConfigMap/c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, listing);
    expect(fileLines(file).lineCount).toBe(7);
    file.release();
    // Not served from a cache holding the old text: built again, from a text that is gone.
    expect(() => fileLines(file)).toThrow(/released/);
    expect(file.positions()).toBeUndefined();
  });
});

describe('asManifest', () => {
  const configMaps: ResourceType = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true };

  it('keeps an own "__proto__" key of a listed object as a key: it never becomes the manifest\'s prototype', () => {
    const item = JSON.parse('{"kind":"ConfigMap","metadata":{"name":"c"},"__proto__":{"spec":{"hostNetwork":true}},"data":{"k":"v"}}');
    const manifest = asManifest(item, configMaps);
    expect(Object.getPrototypeOf(manifest)).toBe(Object.prototype);
    expect('spec' in manifest).toBe(false);
    expect(Object.keys(manifest)).toEqual(['apiVersion', 'kind', 'metadata', '__proto__', 'data']);
  });

  it('drops managed fields and the last-applied annotation, keeping the key order of the object', () => {
    const item = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        managedFields: [{ manager: 'kubectl' }],
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'a' },
      },
      data: { k: 'v' },
    };
    expect(asManifest(item, configMaps)).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', annotations: { team: 'a' } },
      data: { k: 'v' },
    });
    expect(Object.keys(asManifest({ kind: 'ConfigMap', data: {} }, configMaps))).toEqual(['apiVersion', 'kind', 'data']);
  });

  it('keeps of a Secret listed whole (a server that prints no Tables) what a Table row gives: metadata and type, neither values nor the names of its keys', () => {
    const secrets: ResourceType = { group: '', version: 'v1', resource: 'secrets', kind: 'Secret', namespaced: true };
    const item = {
      kind: 'Secret',
      metadata: { name: 's' },
      type: 'Opaque',
      data: { aws_secret_access_key: 'c2VjcmV0' },
      stringData: { token: 't0ken' },
    };
    expect(asManifest(item, secrets)).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' });
  });
});

describe('controllers that stand for the objects made from their pod templates', () => {
  const template = { spec: { containers: [{ name: 'c', image: 'registry.example.com/c:1' }] } };
  /** One object of each custom resource kind taken on trust before it is read, with a pod template where the operator takes it from. */
  const examples: Record<string, Record<string, unknown>> = {
    'ray.io/RayCluster': { headGroupSpec: { template } },
    'ray.io/RayJob': { rayClusterSpec: { headGroupSpec: { template } } },
    'ray.io/RayService': { rayClusterConfig: { headGroupSpec: { template } } },
    'kubeflow.org/Notebook': { template },
    'kubeflow.org/PyTorchJob': { pytorchReplicaSpecs: { Master: { template } } },
    'kubeflow.org/TFJob': { tfReplicaSpecs: { Worker: { template } } },
    'kubeflow.org/MPIJob': { mpiReplicaSpecs: { Launcher: { template } } },
    'kubeflow.org/XGBoostJob': { xgbReplicaSpecs: { Master: { template } } },
    'kubeflow.org/PaddleJob': { paddleReplicaSpecs: { Worker: { template } } },
    'kubeflow.org/JAXJob': { jaxReplicaSpecs: { Worker: { template } } },
    'serving.kserve.io/InferenceService': { predictor: { model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://m' } } },
    'machinelearning.seldon.io/SeldonDeployment': { predictors: [{ componentSpecs: [template] }] },
    'argoproj.io/Workflow': { templates: [{ name: 'main', container: { image: 'registry.example.com/c:1' } }] },
    'argoproj.io/CronWorkflow': { workflowSpec: { templates: [{ name: 'main', container: { image: 'registry.example.com/c:1' } }] } },
    'jobset.x-k8s.io/JobSet': { replicatedJobs: [{ name: 'w', template: { spec: { template } } }] },
    'leaderworkerset.x-k8s.io/LeaderWorkerSet': { leaderWorkerTemplate: { workerTemplate: template } },
    'workload.codeflare.dev/AppWrapper': { components: [{ template: { apiVersion: 'batch/v1', kind: 'Job', spec: { template } } }] },
  };
  const typeOf = (key: string): ResourceType => {
    const [group, kind] = key.split('/');
    return { group, version: 'v1', resource: `${kind.toLowerCase()}s`, kind, namespaced: true };
  };

  it('are the kinds in which pod specs are read', () => {
    expect(Object.keys(examples).sort()).toEqual([...TEMPLATE_CUSTOM_RESOURCES].sort());
    for (const [key, spec] of Object.entries(examples)) expect(carriesPodSpecs({ spec }, typeOf(key)), key).toBe(true);
  });

  it('skip only what carries pod specs, for a controller that stands for it', () => {
    const owned = (kind: string) => ({
      metadata: {
        name: 'x',
        namespace: 'ns',
        ownerReferences: [{ apiVersion: 'ray.io/v1', kind: 'RayCluster', name: 'r', uid: 'u', controller: true }],
      },
      spec: kind === 'Pod' ? template.spec : { type: 'LoadBalancer', ports: [{ port: 8265 }] },
    });
    const pods: ResourceType = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true };
    const services: ResourceType = { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true };
    const asked: unknown[] = [];
    const always = (c: unknown) => (asked.push(c), true);
    expect(isManagedByScannedController(owned('Pod'), pods, always)).toBe(true);
    expect(asked).toEqual([{ group: 'ray.io', kind: 'RayCluster', uid: 'u', namespace: 'ns' }]);
    expect(isManagedByScannedController(owned('Service'), services, always)).toBe(false);
    expect(isManagedByScannedController(owned('Pod'), pods, () => false)).toBe(false);
    // A reference that is not the controller's.
    const notController = {
      ...owned('Pod'),
      metadata: { name: 'x', ownerReferences: [{ apiVersion: 'ray.io/v1', kind: 'RayCluster', name: 'r' }] },
    };
    expect(isManagedByScannedController(notController, pods, always)).toBe(false);
  });
});
