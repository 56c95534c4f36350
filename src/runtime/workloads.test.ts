import { describe, expect, it } from 'vitest';
import { kindFromName, ownerName, WorkloadIndex } from './workloads.js';

describe('workloads', () => {
  it('finds the owner of a pod from its name', () => {
    expect(ownerName('vllm-7d4b9c6f8-x2k4q')).toBe('vllm');
    expect(ownerName('jupyter-alice-0')).toBe('jupyter-alice');
    expect(ownerName('train-abcde')).toBe('train');
  });
  it('recognises by name only what names say plainly', () => {
    expect(kindFromName('jupyter-alice-0')?.kind).toBe('notebook');
    expect(kindFromName('raycluster-ray-head-x2k4q')?.kind).toBe('ray-head');
    expect(kindFromName('llama3-predictor-00001-deployment-abc')?.kind).toBe('model-server');
    expect(kindFromName('checkout-7d4b9c6f8-x2k4q')).toBeUndefined();
  });
  it('learns pods and service accounts from workload objects, not from the default account', () => {
    const w = new WorkloadIndex();
    w.observeObject('llm', {
      kind: 'Deployment',
      metadata: { name: 'chat' },
      spec: {
        template: {
          spec: {
            serviceAccountName: 'chat-sa',
            containers: [{ name: 'c', image: 'ghcr.io/huggingface/text-generation-inference:2.4.0' }],
          },
        },
      },
    });
    w.observeObject('ml', {
      kind: 'Pod',
      metadata: { name: 'lab-0' },
      spec: { containers: [{ name: 'c', image: 'quay.io/jupyter/base-notebook:latest' }] },
    });
    expect(w.pod('llm', 'chat-5f6d7c8b9-abcde')?.kind).toBe('model-server');
    expect(w.serviceAccount('llm', 'chat-sa')?.kind).toBe('model-server');
    expect(w.pod('ml', 'lab-0')?.kind).toBe('notebook');
    expect(w.serviceAccount('ml', 'default')).toBeUndefined();
  });
});
