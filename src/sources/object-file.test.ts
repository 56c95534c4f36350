import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../core/source-file.js';
import { scanSync } from '../scan.js';
import { ObjectFile } from './object-file.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'llm', namespace: 'models', annotations: { note: 'quote " and \\ and é' } },
  spec: {
    hostNetwork: true,
    containers: [{ name: 'vllm', image: 'vllm/vllm-openai:latest', securityContext: { privileged: true }, args: ['--port', 8000] }],
  },
};

describe('ObjectFile', () => {
  it('is scanned as the file of its indented JSON: same findings, locations and fixes', () => {
    const scan = (file: ObjectFile | MemorySourceFile) =>
      scanSync({ targets: [file.path], files: [file], config: false, renderers: false, today: '2026-01-01' });
    const asObject = scan(new ObjectFile('admission/models/Pod/llm.json', pod));
    const asText = scan(new MemorySourceFile('admission/models/Pod/llm.json', JSON.stringify(pod, null, 2)));
    expect(asObject.errors).toEqual([]);
    expect(asObject.findings.length).toBeGreaterThan(2);
    expect(asObject.findings).toEqual(asText.findings);
  });

  it('hands the rules the value itself, located without parsing its text', () => {
    const file = new ObjectFile('admission/models/Pod/llm.json', pod);
    const table = file.positions();
    expect(table?.roots.length).toBe(1);
    expect(table!.results[table!.roots[0]!]).toBe(pod);
    expect(file.text()).toBe(JSON.stringify(pod, null, 2));
    expect(file.size).toBe(Buffer.byteLength(file.text()));
  });
});
