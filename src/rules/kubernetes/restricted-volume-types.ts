import { defineRule } from '../../core/rule.js';
import type { PodSpecDocument } from '../../parsers/k8s/k8s-documents.js';
import { isSet, mapping, PSA_CHECKS, PSS_DOC, str } from './lib/pss.js';

/** Volume sources the restricted level accepts. */
const ALLOWED = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
/**
 * Every other inline volume source of the Pod API. `hostPath` is not among them: it fails baseline
 * already and is reported by K8S-0005.
 */
const RESTRICTED = [
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'portworxVolume',
  'photonPersistentDisk',
  'scaleIO',
  'storageos',
];

export default defineRule<PodSpecDocument>({
  meta: {
    id: 'K8S-0013',
    slug: 'restricted-volume-types',
    title: 'Pod uses a volume type outside the restricted set',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['k8s-pod'],
    frameworks: [
      { id: 'pss', control: 'restrictedVolumes', level: 'restricted' },
      { id: 'nsa-cisa', control: 'pod-security' },
    ],
    rationale:
      'Inline volume sources such as nfs, iscsi, rbd, cephfs or cloud disks let a pod author attach storage by address, with credentials in the pod spec and outside the PersistentVolume access controls the cluster administrators manage; `flexVolume` runs a driver binary on the node, and `gitRepo` clones with git on the node (CVE-2024-10220 allowed command execution through it). The restricted level accepts only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected and secret volumes.',
    remediation:
      'Use a PersistentVolumeClaim bound to a PersistentVolume (or a CSI driver) for network and cloud storage, and an init container that clones into an emptyDir instead of `gitRepo`.',
    references: [
      `${PSS_DOC}#restricted`,
      'https://kubernetes.io/docs/concepts/storage/volumes/',
      'https://github.com/kubernetes/kubernetes/issues/128885',
      PSA_CHECKS,
    ],
    examples: {
      bad: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: trainer\nspec:\n  containers:\n  - name: trainer\n    image: trainer:1.0\n  volumes:\n  - name: datasets\n    nfs:\n      server: 10.0.0.5\n      path: /exports/datasets\n',
        },
      ],
      good: [
        {
          path: 'pod.yaml',
          content:
            'apiVersion: v1\nkind: Pod\nmetadata:\n  name: trainer\nspec:\n  containers:\n  - name: trainer\n    image: trainer:1.0\n  volumes:\n  - name: datasets\n    persistentVolumeClaim:\n      claimName: datasets\n',
        },
      ],
    },
  },
  check(pod, ctx) {
    const volumes = pod.spec.volumes;
    if (!Array.isArray(volumes)) return;
    volumes.forEach((v, i) => {
      const vol = mapping(v);
      if (!vol || ALLOWED.some((k) => isSet(vol[k]))) return;
      // A volume without any source is defaulted to an emptyDir by the API server.
      const type = RESTRICTED.find((k) => isSet(vol[k]));
      if (!type) return;
      ctx.report({
        message: `Volume '${str(vol.name) || i}' uses the ${type} volume type, outside the restricted set`,
        at: pod.at('volumes', i, type),
        severity: type === 'gitRepo' ? 'high' : undefined,
      });
    });
  },
});
