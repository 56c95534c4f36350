import { describe, expect, it } from 'vitest';
import { apiGroupOf, controllerReference } from './owner-references.js';

describe('controller owner references', () => {
  const ref = (apiVersion: unknown, kind: unknown, controller: unknown, name: unknown = 'x') => ({
    apiVersion,
    kind,
    name,
    uid: 'u',
    controller,
  });

  it('parses the API group as the rest of the k8s parsers do', () => {
    expect(['apps/v1', 'v1', 'trainer.kubeflow.org/v1alpha1', 'a/b/v1'].map(apiGroupOf)).toEqual([
      'apps',
      '',
      'trainer.kubeflow.org',
      'a/b',
    ]);
  });

  it('gives the first reference with controller: true and a string apiVersion and kind', () => {
    const refs = [
      ref('apps/v1', 'Deployment', false),
      ref(7, 'ReplicaSet', true),
      'x',
      null,
      ref('v1', 'Node', true),
      ref('apps/v1', 'ReplicaSet', true),
    ];
    expect(controllerReference(refs)).toEqual({ apiVersion: 'v1', group: '', kind: 'Node', name: 'x', uid: 'u' });
    for (const refs of [undefined, 'x', {}, [], [ref('apps/v1', 'ReplicaSet', 'true')]]) expect(controllerReference(refs)).toBeUndefined();
    expect(controllerReference([ref('apps/v1', 'ReplicaSet', true, 3)])?.name).toBeUndefined();
  });

  it('looks on past a controller reference accept declines', () => {
    const refs = [ref('apps/v1', 'ReplicaSet', true), ref('trainer.kubeflow.org/v1alpha1', 'TrainJob', true)];
    expect(controllerReference(refs, (r) => r.group === 'trainer.kubeflow.org')?.kind).toBe('TrainJob');
    expect(controllerReference(refs, (r) => r.kind === 'Job')).toBeUndefined();
  });
});
