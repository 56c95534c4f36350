import { describe, expect, it, vi } from 'vitest';
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

  it('reads the Services AI serving operators and charts render', () => {
    // KubeRay: `<RayService>-serve-svc` selects the pods whose Serve proxy is ready; the head Service carries the serve port too.
    expect(
      what({
        serviceName: 'llm-serve-svc',
        selector: { 'ray.io/cluster': 'llm-raycluster-x7k2p', 'ray.io/serve': 'true' },
        port: 8000,
        portName: 'serve',
      }),
    ).toBe('Ray Serve 8000 access unknown (selector ray.io/serve: true)');
    expect(what({ serviceName: 'rc-head-svc', selector: { 'ray.io/node-type': 'head' }, port: 8000, portName: 'serve' })).toBe(
      'Ray 8000 access unknown (selector ray.io/node-type: head)',
    );
    // KServe raw deployment: `<isvc>-predictor`, port 80 to the container's 8080, selector `app: isvc.<isvc>-predictor`.
    expect(
      what({ serviceName: 'llama-predictor', selector: { app: 'isvc.llama-predictor' }, port: 80, portName: 'http1', targetPort: 8080 }),
    ).toBe('KServe InferenceService 8080 access unknown (selector app: isvc.llama-predictor)');
    expect(what({ serviceName: 'x', selector: { 'serving.kserve.io/inferenceservice': 'llama' }, port: 80, targetPort: 8080 })).toMatch(
      /^KServe InferenceService 8080 access unknown/,
    );
    // Newer releases select the bare Service name; the Service carries KServe's label.
    expect(
      what({
        serviceName: 'llama-predictor',
        selector: { app: 'llama-predictor' },
        labels: { 'serving.kserve.io/inferenceservice': 'llama', component: 'predictor' },
        port: 80,
        targetPort: 8080,
      }),
    ).toBe('KServe InferenceService 8080 access unknown (Service label serving.kserve.io/inferenceservice: llama)');
    // Seldon Core v1: the executor's http 8000 and grpc 5001; v2: MLServer's 9000 and 9500.
    expect(
      what({ serviceName: 'iris-default', selector: { 'seldon-app': 'iris-default' }, port: 8000, portName: 'http', targetPort: 8000 }),
    ).toBe('Seldon Core deployment 8000 access unknown (selector seldon-app: iris-default)');
    expect(
      what({ serviceName: 'iris-default', selector: { 'seldon-app': 'iris-default' }, port: 5001, portName: 'grpc', targetPort: 5001 }),
    ).toMatch(/^Seldon Core deployment 5001 access/);
    expect(what({ serviceName: 'mlserver', selector: { 'seldon-server-name': 'mlserver' }, port: 9000, portName: 'http' })).toMatch(
      /^Seldon Core v2 inference server 9000 access unknown/,
    );
    // Kubeflow Pipelines: `ml-pipeline-ui`, port 80 to the UI's 3000.
    expect(
      what({
        serviceName: 'ml-pipeline-ui',
        selector: { app: 'ml-pipeline-ui', 'application-crd-id': 'kubeflow-pipelines' },
        port: 80,
        portName: 'http',
        targetPort: 3000,
      }),
    ).toBe('Kubeflow Pipelines 3000 control unknown (selector app: ml-pipeline-ui)');
  });

  it('does not take a Service named like a KServe component for one', () => {
    // Only KServe's own marks count: an Ingress backend names only the Service, and the selector of these is the bare name.
    expect(what({ serviceName: 'sklearn-iris-predictor', port: 80 })).toBeUndefined();
    expect(what({ serviceName: 'csv-transformer', port: 80 })).toBeUndefined();
    expect(
      what({ serviceName: 'price-predictor', selector: { app: 'price-predictor' }, port: 443, portName: 'https', targetPort: 8443 }),
    ).toBeUndefined();
    expect(
      what({ serviceName: 'log-transformer', selector: { app: 'log-transformer' }, port: 80, portName: 'http', targetPort: 8080 }),
    ).toBeUndefined();
    expect(what({ serviceName: 'x', selector: { component: 'fraud-explainer' }, port: 80, targetPort: 8080 })).toBeUndefined();
    expect(what({ serviceName: 'x', selector: { app: 'isvc.price-predictor-v2' }, port: 80, targetPort: 8080 })).toBeUndefined();
  });

  it('runs no name pattern on a value longer than a Kubernetes name', () => {
    // 300 KB with a newline at the end: the patterns of the form ^(?:.+-)?X(?:-.+)?$ backtracked quadratically on it (~5 s a scan).
    const long = 'ml-pipeline-ui-'.repeat(20000) + '\n';
    const tested: number[] = [];
    const test = vi.spyOn(RegExp.prototype, 'test').mockImplementation(function (this: RegExp, s: string) {
      tested.push(String(s).length);
      return RegExp.prototype.exec.call(this, s) !== null;
    });
    try {
      expect(
        what({ serviceName: long, selector: { app: long, component: long }, portName: long, targetPort: long, port: 80 }),
      ).toBeUndefined();
      expect(what({ serviceName: 'x', selector: { app: `${'a-'.repeat(120)}ollama` }, port: 80 })).toMatch(/^Ollama 11434 /);
    } finally {
      test.mockRestore();
    }
    expect(tested.length).toBeGreaterThan(0);
    expect(Math.max(...tested)).toBeLessThanOrEqual(253);
  });

  it('stays silent on ordinary services', () => {
    expect(what({ serviceName: 'minio', selector: { app: 'minio' }, port: 9000 })).toBeUndefined();
    expect(what({ serviceName: 'pipeline', selector: { app: 'ml-pipeline' }, port: 8888 })).toBeUndefined();
    expect(what({ serviceName: 'web', selector: { app: 'shop' }, port: 80, targetPort: 8080 })).toBeUndefined();
    expect(what({ serviceName: 'api', selector: { app: 'ai' }, port: 8000 })).toBeUndefined();
    expect(what({ serviceName: 'ray-head', port: 443, portName: 'https' })).toBeUndefined();
  });
});
