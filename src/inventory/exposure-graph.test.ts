import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanDocument } from '../core/document.js';
import { K8sSetDocument } from '../parsers/k8s/k8s-documents.js';
import { scanSync } from '../scan.js';
import { exposureGraph, type ExposureEdge } from './exposure-graph.js';

const MANIFESTS = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: { name: chat, namespace: llm }
spec:
  rules:
    - host: chat.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: { service: { name: vllm, port: { number: 80 } } }
          - path: /old
            pathType: Prefix
            backend: { service: { name: gone, port: { number: 80 } } }
---
apiVersion: v1
kind: Service
metadata: { name: vllm, namespace: llm }
spec:
  selector: { app: vllm }
  ports: [{ port: 80, targetPort: 8000 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: vllm, namespace: llm }
spec:
  selector: { matchLabels: { app: vllm } }
  template:
    metadata: { labels: { app: vllm } }
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.6.3
          args: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--port", "8000"]
          ports: [{ containerPort: 8000 }]
---
apiVersion: v1
kind: Service
metadata: { name: jupyter, namespace: nb }
spec:
  type: NodePort
  selector: { app: jupyter }
  ports: [{ port: 8888 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: jupyter, namespace: nb }
spec:
  selector: { matchLabels: { app: jupyter } }
  template:
    metadata: { labels: { app: jupyter } }
    spec:
      containers:
        - name: nb
          image: quay.io/jupyter/base-notebook:2024-05-27
          ports: [{ containerPort: 8888 }]
---
apiVersion: v1
kind: Service
metadata: { name: internal, namespace: llm }
spec:
  selector: { app: vllm }
  ports: [{ port: 80 }]
`;

const hop = (e: ExposureEdge) =>
  `${e.from.role}:${e.from.kind}/${e.from.namespace ?? ''}/${e.from.name} -> ${e.to.role}:${e.to.kind}/${e.to.namespace ?? ''}/${e.to.name}`;

describe('exposure graph', () => {
  let dir: string;
  let edges: ExposureEdge[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sanctum-exposure-'));
    writeFileSync(join(dir, 'all.yaml'), MANIFESTS);
    const sets: K8sSetDocument[] = [];
    scanSync({ targets: [dir], config: false, onSet: (d: ScanDocument) => d instanceof K8sSetDocument && sets.push(d) });
    expect(sets).toHaveLength(1);
    edges = exposureGraph(sets[0]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows Ingress backends and Service selectors to the workloads and the models they serve', () => {
    expect(edges.map(hop).sort()).toEqual(
      [
        'entry:Ingress/llm/chat -> service:Service/llm/vllm',
        'entry:Ingress/llm/chat -> service:Service/llm/gone',
        'service:Service/llm/vllm -> workload:Deployment/llm/vllm',
        'workload:Deployment/llm/vllm -> model:Model//meta-llama/Llama-3.1-8B-Instruct',
        'entry:Service/nb/jupyter -> workload:Deployment/nb/jupyter',
      ].sort(),
    );
  });

  it('keeps how each hop is reached: host, port, what the workload runs, what is missing', () => {
    const detail = (from: string, to: string) => edges.find((e) => e.from.name === from && e.to.name === to)?.detail;
    expect(detail('chat', 'vllm')).toEqual({ host: 'chat.example.com', port: '80' });
    expect(detail('chat', 'gone')).toEqual({ host: 'chat.example.com', port: '80', missing: 'not in the scan' });
    expect(detail('vllm', 'vllm')?.runs).toMatch(/vLLM/);
    expect(detail('jupyter', 'jupyter')).toMatchObject({ type: 'NodePort', runs: expect.stringMatching(/Jupyter/) });
  });
});
