import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSbom } from '../inventory/sbom.js';
import { loadContext } from './context.js';
import { WorkloadIndex } from './workloads.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sanctum-context-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: llm }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: server
          image: vllm/vllm-openai:v0.6.0
          args: ["--model", "m"]
`;

describe('loadContext from a CycloneDX AI-BOM', () => {
  it('knows a service of `sanctum sbom` by the kind it wrote, whatever its name says', () => {
    writeFileSync(join(dir, 'serve.yaml'), DEPLOYMENT);
    const { bom } = buildSbom([join(dir, 'serve.yaml')], { cwd: dir });
    writeFileSync(join(dir, 'bom.json'), JSON.stringify(bom));
    const index = new WorkloadIndex();
    expect(loadContext(join(dir, 'bom.json'), index, dir)).toEqual({ workloads: 1, errors: [] });
    expect(index.pod('llm', 'api-7d4b9c6f8-x2k4q')).toMatchObject({ kind: 'model-server', via: 'AI-BOM' });
  });

  it('reads property values and descriptions that are not strings as absent', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      services: [
        { name: 'jupyter', description: { toString: 1 }, properties: [{ name: 'sanctum:service:kind', value: { toString: 'x' } }] },
        {
          name: 'other',
          properties: [
            { name: 'sanctum:namespace', value: 5 },
            { name: 'sanctum:kind', value: ['vLLM'] },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'odd.json'), JSON.stringify(bom));
    const index = new WorkloadIndex();
    expect(loadContext(join(dir, 'odd.json'), index, dir)).toEqual({ workloads: 1, errors: [] });
    expect(index.pod('default', 'jupyter-0')).toMatchObject({ kind: 'notebook' });
  });
});
