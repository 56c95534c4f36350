import { describe, expect, it } from 'vitest';
import type { ContainerView } from '../../../parsers/k8s/pod-specs.js';
import { hubModels, isHubId, isPinnedRevision, requestsGpu } from './gpu.js';

const view = (container: Record<string, unknown>): ContainerView => ({
  container,
  path: ['spec', 'containers', 0],
  group: 'containers',
  name: 'c',
  memo: [],
});

describe('hubModels', () => {
  it('reads vLLM positional models after serve, skipping flag values', () => {
    const c = view({ image: 'python:3.12', command: ['vllm', 'serve', '--port', '8000', 'org/model', '--revision', 'abc'] });
    expect(hubModels(c)).toEqual([{ tool: 'vLLM', model: 'org/model', at: ['spec', 'containers', 0, 'command', 4], revision: 'abc' }]);
  });
  it('keeps each command of a script apart', () => {
    const c = view({ image: 'python:3.12', args: ['huggingface-cli download org/a --revision x; vllm serve org/b'] });
    expect(hubModels(c).map((m) => [m.tool, m.model, m.revision])).toEqual([
      ['huggingface-cli download', 'org/a', 'x'],
      ['vLLM', 'org/b', undefined],
    ]);
  });
  it('reads KServe hf:// URIs with and without a revision', () => {
    expect(hubModels(view({ storageUri: 'hf://org/m:0e9e39f249a16976918f6564b8830bc894c89659' }))[0].revision).toBe(
      '0e9e39f249a16976918f6564b8830bc894c89659',
    );
    expect(hubModels(view({ storageUri: 'hf://org/m' }))[0].revision).toBeUndefined();
  });
  it('finds each launcher, whichever word of the command names it', () => {
    const found = (container: Record<string, unknown>) => hubModels(view(container)).map((m) => [m.tool, m.model, m.revision]);
    expect(found({ image: 'vllm/vllm-openai:v1', args: ['--port', '8000', '--model=org/a'] })).toEqual([['vLLM', 'org/a', undefined]]);
    expect(found({ image: 'python:3', command: ['python', '-m', 'vllm.entrypoints.openai.api_server', '--model', 'org/a'] })).toEqual([
      ['vLLM', 'org/a', undefined],
    ]);
    expect(found({ image: 'python:3', command: ['/usr/local/bin/vllm', 'serve', 'org/a', '--revision=main'] })).toEqual([
      ['vLLM', 'org/a', 'main'],
    ]);
    expect(found({ image: 'ghcr.io/huggingface/text-generation-inference:2', args: ['--model-id', 'org/a'] })).toEqual([
      ['TGI', 'org/a', undefined],
    ]);
    expect(found({ image: 'python:3', args: ['text-generation-launcher --model-id=org/a --revision v1'] })).toEqual([
      ['TGI', 'org/a', 'v1'],
    ]);
    expect(found({ image: 'python:3', command: ['python3', '-m', 'sglang.launch_server', '--model', 'org/a'] })).toEqual([
      ['SGLang', 'org/a', undefined],
    ]);
    expect(found({ image: 'lmsysorg/sglang:v0.4', args: ['--model-path=org/a'] })).toEqual([['SGLang', 'org/a', undefined]]);
    expect(found({ image: 'python:3', args: ['/opt/bin/hf download org/a && serve'] })).toEqual([['hf download', 'org/a', undefined]]);
    expect(found({ image: 'kserve/huggingfaceserver:v0.14', args: ['--model_name=m', '--model_id=org/a', '--model_revision=r'] })).toEqual([
      ['KServe Hugging Face runtime', 'org/a', 'r'],
    ]);
    expect(found({ image: 'python:3', args: ['--port', '8000', '--max-model-len', '4096', 'org/a'] })).toEqual([]);
    expect(found({ image: 'vllm/vllm-openai:v1', args: ['--served-model-name', 'org/a'] })).toEqual([]);
  });
  it('ignores local paths and offline hubs', () => {
    expect(hubModels(view({ image: 'vllm/vllm-openai:v1', args: ['--model', './models/x'] }))).toEqual([]);
    expect(
      hubModels(view({ image: 'vllm/vllm-openai:v1', args: ['--model', 'org/x'], env: [{ name: 'TRANSFORMERS_OFFLINE', value: '1' }] })),
    ).toEqual([]);
  });
});

describe('helpers', () => {
  it('recognise hub ids and pinned revisions', () => {
    expect(isHubId('meta-llama/Llama-3.1-8B')).toBe(true);
    expect(isHubId('/models/x')).toBe(false);
    expect(isHubId('s3://b/k')).toBe(false);
    expect(isHubId('a/b/c')).toBe(false);
    expect(isPinnedRevision('main')).toBe(false);
    expect(isPinnedRevision('0e9e39f249a16976918f6564b8830bc894c89659')).toBe(true);
  });
  it('counts device-plugin resources and DRA claims as GPU requests, not zero', () => {
    expect(requestsGpu(view({ resources: { limits: { 'nvidia.com/gpu': 1 } } }))).toBe(true);
    expect(requestsGpu(view({ resources: { limits: { 'nvidia.com/gpu': '0' } } }))).toBe(false);
    expect(requestsGpu(view({ resources: { claims: [{ name: 'gpu' }] } }))).toBe(true);
    expect(requestsGpu(view({ resources: { limits: { 'amd.com/gpu': 1 } } }))).toBe(false);
  });
  it('hub id matching is linear on adversarial input', () => {
    expect(isHubId('a'.repeat(100_000) + '/' + 'b'.repeat(100_000) + '/')).toBe(false);
  });
});
