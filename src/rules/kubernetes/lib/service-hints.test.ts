import { describe, expect, it } from 'vitest';
import { recogniseFromService } from './service-hints.js';

const what = (f: Parameters<typeof recogniseFromService>[0]) => {
  const hit = recogniseFromService(f);
  return hit && `${hit.service.label} ${hit.port.port} ${hit.port.impact} ${hit.service.auth} (${hit.service.signals.join(', ')})`;
};

describe('recogniseFromService', () => {
  it('reads the labels operators and charts put on the pods', () => {
    expect(
      what({
        serviceName: 'rc-head-svc',
        selector: { 'ray.io/cluster': 'rc', 'ray.io/node-type': 'head' },
        port: 8265,
        portName: 'dashboard',
      }),
    ).toBe('Ray 8265 control unknown (selector ray.io/node-type: head)');
    expect(what({ serviceName: 'llm', selector: { 'app.kubernetes.io/name': 'ollama' }, port: 80, targetPort: 11434 })).toBe(
      'Ollama 11434 control off (selector app.kubernetes.io/name: ollama)',
    );
    expect(what({ serviceName: 'kr', selector: { 'app.kubernetes.io/name': 'kuberay-apiserver' }, port: 8888, portName: 'http' })).toBe(
      'KubeRay API server 8888 control off (selector app.kubernetes.io/name: kuberay-apiserver)',
    );
    expect(
      what({ serviceName: 'cache', selector: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/component': 'master' }, port: 6379 }),
    ).toBe('Redis 6379 control unknown (selector app.kubernetes.io/name: redis)');
    expect(what({ serviceName: 'nb', selector: { 'notebook-name': 'alice' }, port: 80, targetPort: 8888 })).toBe(
      'Kubeflow notebook 8888 control unknown (selector notebook-name: alice)',
    );
  });

  it('falls back to port names, ports that only one product uses, and the Service name', () => {
    expect(what({ serviceName: 'x', port: 80, targetPort: 'gradio' })).toMatch(/^Gradio 7860 access unknown \(port name 'gradio'\)/);
    expect(what({ serviceName: 'x', port: 6333 })).toMatch(/^Qdrant 6333 /);
    expect(what({ serviceName: 'mlflow', port: 5000 })).toBe("MLflow 5000 control unknown (Service name 'mlflow')");
    expect(what({ serviceName: 'triton', port: 8002, portName: 'metrics' })).toMatch(/^Triton Inference Server 8002 info /);
  });

  it('stays silent on ordinary services', () => {
    expect(what({ serviceName: 'web', selector: { app: 'shop' }, port: 80, targetPort: 8080 })).toBeUndefined();
    expect(what({ serviceName: 'api', selector: { app: 'ai' }, port: 8000 })).toBeUndefined();
    expect(what({ serviceName: 'ray-head', port: 443, portName: 'https' })).toBeUndefined();
  });
});
