import { describe, expect, it } from 'vitest';
import { commandWords, flagValue, imageRepo, recogniseAiServices } from './ai-services.js';

const one = (c: Record<string, unknown>, hints = {}) => {
  const found = recogniseAiServices(c, hints);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('imageRepo', () => {
  it('drops registry, tag and digest', () => {
    expect(imageRepo('vllm/vllm-openai:v0.6.3')).toBe('vllm/vllm-openai');
    expect(imageRepo('ghcr.io/huggingface/text-generation-inference:2.4@sha256:abc')).toBe('huggingface/text-generation-inference');
    expect(imageRepo('localhost:5000/ollama/ollama')).toBe('ollama/ollama');
    expect(imageRepo('docker.io/library/ollama')).toBe('ollama');
    expect(imageRepo('nvcr.io/nvidia/tritonserver:24.08-py3')).toBe('nvidia/tritonserver');
  });
});

describe('command words and flags', () => {
  it('splits shell scripts as a shell reads them (quotes removed) and reads --flag=value and --flag value', () => {
    const w = commandWords(['sh', '-c', "jupyter lab --ServerApp.token='' --port 9999"]);
    expect(w).toEqual(['sh', '-c', 'jupyter', 'lab', '--ServerApp.token=', '--port', '9999']);
    expect(flagValue(w, '--port')).toBe('9999');
    expect(flagValue(w, '--ServerApp.token')).toBe('');
    expect(flagValue(['--api-key'], '--api-key')).toBe('');
    expect(flagValue(['--x'], '--api-key')).toBeUndefined();
  });
  it("keeps Kubernetes' $(NAME) and a shell's $(command) whole in a script, nested parentheses too", () => {
    expect(commandWords(['sh', '-c', 'jupyter lab --ServerApp.token=$(TOKEN) --ip=$(hostname -i); echo $(A.B-c) $(a (b) c)'])).toEqual([
      'sh',
      '-c',
      'jupyter',
      'lab',
      '--ServerApp.token=$(TOKEN)',
      '--ip=$(hostname -i)',
      'echo',
      '$(A.B-c)',
      '$(a (b) c)',
    ]);
  });
  it('keeps a quoted argument holding spaces whole, Python code after -c too, and reads every command of the script', () => {
    expect(
      commandWords([
        'sh',
        '-c',
        `python -c 'import x; y()' && jupyter lab --NotebookApp.token='' --notebook-dir='/home/my notebooks' | tee log; vllm serve m --arg "a b" # --api-key k`,
      ]),
    ).toEqual([
      'sh',
      '-c',
      'python',
      '-c',
      'import x; y()',
      'jupyter',
      'lab',
      '--NotebookApp.token=',
      '--notebook-dir=/home/my notebooks',
      'tee',
      'log',
      'vllm',
      'serve',
      'm',
      '--arg',
      'a b',
    ]);
  });
  it('reads the script a script hands to another shell (bash -c, su -c) as that shell does', () => {
    expect(commandWords(['sh', '-c', `exec bash -lc 'jupyter lab --ServerApp.token="" --ip "0.0.0.0"'`])).toEqual([
      'sh',
      '-c',
      'bash',
      '-lc',
      'jupyter',
      'lab',
      '--ServerApp.token=',
      '--ip',
      '0.0.0.0',
    ]);
    expect(commandWords(['/bin/sh', '-c', `su jovyan -c 'start-notebook.py --IdentityProvider.token='`])).toEqual([
      '/bin/sh',
      '-c',
      'su',
      'jovyan',
      '-c',
      'start-notebook.py',
      '--IdentityProvider.token=',
    ]);
  });
  it('is linear on adversarial input', () => {
    const long = ' '.repeat(50_000) + 'x'.repeat(50_000) + "'".repeat(10_000);
    expect(commandWords([long]).length).toBeLessThanOrEqual(2000);
    expect(commandWords([' ' + '$(a'.repeat(20_000)]).length).toBeLessThanOrEqual(2000);
  });
});

describe('recogniseAiServices', () => {
  it('a command line a script only prints is not a server (it was read as Jupyter with a token set)', () => {
    expect(
      recogniseAiServices({
        image: 'registry.acme.dev/app:1',
        command: ['sh', '-c', "echo 'then run: jupyter lab --ServerApp.token=' && ./serve"],
      }),
    ).toEqual([]);
  });
  it('Jupyter started by su -c inside a sh -c script, its token emptied (it was on: the closing quote was read as the token)', () => {
    const s = one({ image: 'registry.acme.dev/ml:1', command: ['sh', '-c', "su jovyan -c 'jupyter lab --ip=0.0.0.0 --ServerApp.token='"] });
    expect(s.auth).toBe('off');
    expect(s.authReason).toBe('--ServerApp.token= disables the token and no password is set');
  });
  it('Jupyter with the token disabled', () => {
    const s = one({ image: 'quay.io/jupyter/scipy-notebook:2024-10-07', args: ['start-notebook.py', "--ServerApp.token=''"] });
    expect(s.type).toBe('jupyter');
    expect(s.auth).toBe('off');
    expect(s.ports.map((p) => p.port)).toEqual([8888]);
  });
  describe("a token from a variable, $(NAME) expanded as the kubelet does with the container's env", () => {
    const notebook = (token: string, env: unknown[], extra: Record<string, unknown> = {}) =>
      one({ image: 'quay.io/jupyter/scipy-notebook:2024-10-07', args: ['start-notebook.py', token], env, ...extra });
    it('an empty value turns authentication off, naming the variable', () => {
      const s = notebook('--ServerApp.token=$(TOKEN)', [{ name: 'TOKEN', value: '' }]);
      expect(s.auth).toBe('off');
      expect(s.authReason).toBe('--ServerApp.token=$(TOKEN) (TOKEN is empty) disables the token and no password is set');
    });
    it('so does one made empty through another variable, or quotes Jupyter strips, or inside a sh -c script', () => {
      expect(
        notebook('--ServerApp.token=$(TOKEN)', [
          { name: 'NONE', value: '' },
          { name: 'TOKEN', value: '$(NONE)' },
        ]).auth,
      ).toBe('off');
      expect(notebook('--ServerApp.token=$(TOKEN)', [{ name: 'TOKEN', value: "''" }]).auth).toBe('off');
      expect(
        one({
          image: 'registry.acme.dev/ml/trainer:1',
          command: ['sh', '-c', 'exec jupyter lab --ip=0.0.0.0 --IdentityProvider.token="$(TOKEN)"'],
          env: [{ name: 'TOKEN', value: '' }],
        }).authReason,
      ).toBe('--IdentityProvider.token="$(TOKEN)" (TOKEN is empty) disables the token and no password is set');
    });
    it('a value set, from a Secret, from envFrom, undefined (left as written) or escaped keeps it on', () => {
      expect(notebook('--ServerApp.token=$(TOKEN)', [{ name: 'TOKEN', value: 'f3c1' }]).auth).toBe('on');
      expect(notebook('--ServerApp.token=$(TOKEN)', [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 't' } } }]).auth).toBe(
        'on',
      );
      expect(notebook('--ServerApp.token=$(TOKEN)', [], { envFrom: [{ secretRef: { name: 'nb' } }] }).auth).toBe('on');
      expect(notebook('--ServerApp.token=$(TOKEN)', []).auth).toBe('on');
      expect(notebook('--ServerApp.token=$$(TOKEN)', [{ name: 'TOKEN', value: '' }]).auth).toBe('on');
      expect(notebook('--ServerApp.token=$TOKEN', [{ name: 'TOKEN', value: '' }]).auth).toBe('on');
    });
    it('every reference of the value is expanded: two empty ones make it empty, and both are named', () => {
      const s = notebook('--ServerApp.token=$(A)$(B)', [
        { name: 'A', value: '' },
        { name: 'B', value: '' },
      ]);
      expect(s.auth).toBe('off');
      expect(s.authReason).toBe('--ServerApp.token=$(A)$(B) (A and B are empty) disables the token and no password is set');
      expect(notebook('--ServerApp.token=$(A)$(B)', [{ name: 'A', value: '' }]).auth).toBe('on');
    });
    it('a variable whose value gives the flag and its value: the kubelet puts them in the script, the shell splits them', () => {
      const s = one({
        image: 'registry.acme.dev/ml/trainer:1',
        command: ['/bin/sh', '-c'],
        args: ['exec jupyter lab $(LAB_ARGS)'],
        env: [{ name: 'LAB_ARGS', value: "--ip=0.0.0.0 --ServerApp.token=''" }],
      });
      expect(s.auth).toBe('off');
      expect(s.authReason).toBe("--ServerApp.token='' (given by $(LAB_ARGS)) disables the token and no password is set");
    });
    describe("in a sh -c script, a shell's $TOKEN is the container's variable", () => {
      const script = (token: string, env: unknown[], extra: Record<string, unknown> = {}) =>
        one({
          image: 'registry.acme.dev/ml/trainer:1',
          command: ['sh', '-c', `exec jupyter lab --ip=0.0.0.0 --ServerApp.token=${token}`],
          env,
          ...extra,
        });
      it('empty: authentication off, named as the script writes it', () => {
        const s = script('$TOKEN', [{ name: 'TOKEN', value: '' }]);
        expect(s.auth).toBe('off');
        expect(s.authReason).toBe('--ServerApp.token=$TOKEN (TOKEN is empty) disables the token and no password is set');
        expect(script('"${TOKEN}"', [{ name: 'TOKEN', value: '' }]).auth).toBe('off');
        expect(
          script('$TOKEN', [
            { name: 'NONE', value: '' },
            { name: 'TOKEN', value: '$(NONE)' },
          ]).auth,
        ).toBe('off');
      });
      it('set, from a Secret or envFrom, or not defined (the image may set it): on', () => {
        expect(script('$TOKEN', [{ name: 'TOKEN', value: 'f3c1' }]).auth).toBe('on');
        expect(script('$TOKEN', [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 't' } } }]).auth).toBe('on');
        expect(script('$TOKEN', [], { envFrom: [{ secretRef: { name: 'nb' } }] }).auth).toBe('on');
        expect(script('$TOKEN', []).auth).toBe('on');
        expect(script('$(TOKEN)', [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 't' } } }]).auth).toBe('on');
      });
      it('$(TOKEN) that names no variable stays for the shell, which runs it as a command: not known', () => {
        const s = script('$(TOKEN)', []);
        expect(s.auth).toBe('unknown');
        expect(s.authReason).toBe(
          '--ServerApp.token=$(TOKEN) is a command substitution: the shell runs TOKEN and the token is what it prints, not known before it runs',
        );
        expect(script('$$(TOKEN)', [{ name: 'TOKEN', value: 'f3c1' }]).auth).toBe('unknown');
        expect(script('"$(cat /run/secrets/token)"', []).auth).toBe('unknown');
        // A token in JUPYTER_TOKEN does not count: the command line's token comes first.
        expect(script('$(TOKEN)', [{ name: 'JUPYTER_TOKEN', value: 'f3c1' }]).auth).toBe('unknown');
      });
    });
  });
  it('Jupyter with a token from a secret is authenticated', () => {
    const s = one({
      image: 'jupyter/base-notebook',
      env: [{ name: 'JUPYTER_TOKEN', valueFrom: { secretKeyRef: { name: 't', key: 't' } } }],
    });
    expect(s.auth).toBe('on');
  });
  it('JupyterHub single-user servers authenticate through the hub; Kubeflow notebooks do not', () => {
    expect(one({ image: 'quay.io/jupyterhub/k8s-singleuser-sample:3.3.8', args: ['jupyterhub-singleuser'] }).auth).toBe('on');
    expect(one({ image: 'kubeflownotebookswg/jupyter-scipy:v1.9.2', env: [{ name: 'NB_PREFIX', value: '/notebook/team/nb' }] }).auth).toBe(
      'off',
    );
  });
  it('Kubeflow notebook images pulled through a proxy cache or mirror (a path before the project) start without a token', () => {
    for (const image of [
      'my-registry.example.com/kubeflownotebookswg/jupyter-scipy:v1.9.0',
      'harbor.example.com/dockerhub-cache/kubeflownotebookswg/jupyter-scipy:v1.9.0',
      'harbor.example.com/ghcr-proxy/kubeflow/kubeflow/notebook-servers/jupyter-pytorch-cuda:v1.10.0',
      'ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-scipy:v1.10.0',
    ])
      expect(one({ image, ports: [{ containerPort: 8888 }] }).auth, image).toBe('off');
    // Another project's image whose name ends the same way is not Kubeflow's.
    expect(one({ image: 'harbor.example.com/team/notkubeflownotebookswg/jupyter-scipy:1', ports: [{ containerPort: 8888 }] }).auth).toBe(
      'unknown',
    );
  });
  it('Jupyter via --IdentityProvider.token="" and a custom port', () => {
    const s = one({
      image: 'myorg/trainer:1',
      command: ['jupyter', 'lab'],
      args: ['--IdentityProvider.token=""', '--ServerApp.port=9000'],
      ports: [{ containerPort: 9000, name: 'nb' }],
    });
    expect(s.auth).toBe('off');
    expect(s.ports).toEqual([{ port: 9000, name: 'nb', role: 'notebook server (runs code)', impact: 'control' }]);
  });
  it('Ray head by command, and by image on a KubeRay head group', () => {
    expect(
      one({ image: 'rayproject/ray:2.9.0', command: ['ray', 'start', '--head', '--dashboard-host=0.0.0.0'] }).ports.map((p) => p.port),
    ).toEqual([8265, 10001]);
    expect(one({ image: 'rayproject/ray:2.9.0' }, { rayHead: true }).auth).toBe('off');
    expect(recogniseAiServices({ image: 'rayproject/ray:2.9.0' })).toEqual([]);
    expect(one({ image: 'rayproject/ray:2.52.0', env: [{ name: 'RAY_AUTH_MODE', value: 'token' }] }, { rayHead: true }).auth).toBe('on');
  });
  it('MLflow with and without basic-auth', () => {
    expect(one({ image: 'ghcr.io/mlflow/mlflow:v2.16.0', command: ['mlflow', 'server', '--host', '0.0.0.0'] }).auth).toBe('off');
    expect(one({ image: 'ghcr.io/mlflow/mlflow:v2.16.0', command: ['mlflow', 'server', '--app-name', 'basic-auth'] }).auth).toBe('on');
    expect(one({ image: 'ghcr.io/mlflow/mlflow:v2.16.0', command: ['mlflow', 'server', '--app-name=oidc-auth'] }).auth).toBe('on');
  });
  it('Ollama by image or OLLAMA_HOST', () => {
    const s = one({ image: 'ollama/ollama:0.3.12', env: [{ name: 'OLLAMA_HOST', value: '0.0.0.0:11500' }] });
    expect(s.type).toBe('ollama');
    expect(s.ports[0].port).toBe(11500);
  });
  it('vLLM with and without an API key', () => {
    expect(one({ image: 'vllm/vllm-openai:v0.6.3', args: ['--model', 'm'] }).auth).toBe('off');
    expect(one({ image: 'vllm/vllm-openai:v0.6.3', args: ['--api-key', 'k'] }).auth).toBe('on');
    expect(
      one({ image: 'vllm/vllm-openai:v0.6.3', env: [{ name: 'VLLM_API_KEY', valueFrom: { secretKeyRef: { name: 'k', key: 'k' } } }] }).auth,
    ).toBe('on');
    expect(one({ image: 'vllm/vllm-openai:v0.6.3', envFrom: [{ secretRef: { name: 'k' } }] }).auth).toBe('unknown');
    const docsExample = {
      image: 'vllm/vllm-openai:latest',
      command: ['/bin/sh', '-c'],
      args: ['vllm serve meta-llama/Llama-3.2-1B-Instruct --trust-remote-code --max_num_batched_tokens 1024'],
      env: [{ name: 'HUGGING_FACE_HUB_TOKEN', valueFrom: { secretKeyRef: { name: 'hf-token-secret', key: 'token' } } }],
      ports: [{ containerPort: 8000 }],
    };
    expect(one(docsExample).auth).toBe('off');
    expect(one(docsExample).signals).toEqual(["image 'vllm/vllm-openai:latest'", "command 'vllm serve'"]);
    expect(
      one({ image: 'python:3.11', command: ['python', '-m', 'vllm.entrypoints.openai.api_server', '--port', '8080'] }).ports[0].port,
    ).toBe(8080);
  });
  it('an API key read as the server receives it: $(KEY) from the env, a shell variable, an empty key variable', () => {
    const vllm = (container: Record<string, unknown>) => one({ image: 'vllm/vllm-openai:v0.6.3', ...container });
    const secret = { valueFrom: { secretKeyRef: { name: 'k', key: 'k' } } };
    const emptyKey = vllm({ args: ['--api-key', '$(KEY)'], env: [{ name: 'KEY', value: '' }] });
    expect([emptyKey.auth, emptyKey.authReason]).toEqual([
      'off',
      'started with --api-key $(KEY) (KEY is empty), an empty API key: anyone who reaches the port can use the model',
    ]);
    expect(
      vllm({
        args: ['--api-key=$(KEY)'],
        env: [
          { name: 'NONE', value: '' },
          { name: 'KEY', value: '$(NONE)' },
        ],
      }).auth,
    ).toBe('off');
    expect(vllm({ args: ['--api-key', '$(KEY)'], env: [{ name: 'KEY', ...secret }] }).auth).toBe('on');
    expect(vllm({ args: ['--api-key', '$(KEY)'], env: [{ name: 'KEY', value: 'k-1' }] }).auth).toBe('on');
    // Not a variable of the container: the kubelet leaves `$(KEY)` as written, and that text is the key.
    expect(vllm({ args: ['--api-key', '$(KEY)'] }).auth).toBe('on');
    const shell = (script: string, env: unknown[]) => vllm({ command: ['sh', '-c', script], env });
    expect(shell('vllm serve m --api-key "$KEY"', [{ name: 'KEY', value: '' }]).auth).toBe('off');
    expect(shell('vllm serve m --api-key ${KEY:-}', []).auth).toBe('off');
    expect(shell("vllm serve m --api-key '$KEY'", [{ name: 'KEY', value: '' }]).auth).toBe('on');
    expect(shell('vllm serve m --api-key "$KEY"', [{ name: 'KEY', ...secret }]).auth).toBe('on');
    expect(shell('vllm serve m --api-key "$(cat /run/key)"', []).auth).toBe('unknown');
    const emptyEnv = vllm({ env: [{ name: 'VLLM_API_KEY', value: '' }], envFrom: [{ secretRef: { name: 'k' } }] });
    expect([emptyEnv.auth, emptyEnv.authReason]).toEqual([
      'off',
      'started without --api-key or VLLM_API_KEY (VLLM_API_KEY empty): anyone who reaches the port can use the model',
    ]);
    expect(
      vllm({
        env: [
          { name: 'E', value: '' },
          { name: 'VLLM_API_KEY', value: '$(E)' },
        ],
      }).auth,
    ).toBe('off');
    expect(one({ image: 'ghcr.io/huggingface/text-generation-inference:2.4', env: [{ name: 'API_KEY', value: '' }] }).auth).toBe('off');
  });
  it('a Redis password, an MLflow auth app and the Ray auth mode read through the same variables', () => {
    const emptyPass = one({ image: 'redis:7.4', args: ['--requirepass', '$(P)'], env: [{ name: 'P', value: '' }] });
    expect(emptyPass.auth).toBe('off');
    expect(emptyPass.authReason).toBe('started with --requirepass $(P) (P is empty), an empty password: Redis accepts every client');
    expect(
      one({ image: 'redis:7.4', command: ['sh', '-c', 'redis-server --requirepass "$P"'], env: [{ name: 'P', value: '' }] }).auth,
    ).toBe('off');
    expect(
      one({
        image: 'bitnami/redis:7.4',
        env: [
          { name: 'E', value: '' },
          { name: 'REDIS_PASSWORD', value: '$(E)' },
        ],
      }).auth,
    ).toBe('on');
    const mlflow = (args: string[], env: unknown[] = []) =>
      one({ image: 'ghcr.io/mlflow/mlflow:v2.16.0', command: ['mlflow', 'server', ...args], env });
    expect(mlflow(['--app-name', '$(APP)'], [{ name: 'APP', value: '' }]).auth).toBe('off');
    expect(mlflow(['--app-name', '$(APP)'], [{ name: 'APP', value: 'basic-auth' }]).authReason).toBe('--app-name basic-auth');
    const ray = (env: unknown[]) => one({ image: 'rayproject/ray:2.52.0', env }, { rayHead: true }).auth;
    expect(
      ray([
        { name: 'MODE', value: 'token' },
        { name: 'RAY_AUTH_MODE', value: '$(MODE)' },
      ]),
    ).toBe('on');
  });
  it('Gradio started by python -c code that imports it, in a sh -c script or as the command itself', () => {
    const code = 'import gradio as gr; gr.Interface(fn=str, inputs="text", outputs="text").launch(server_name="0.0.0.0")';
    const inScript = one({ image: 'myorg/demo:1', command: ['sh', '-c', `cd /app && python -c '${code}'`] });
    expect([inScript.type, inScript.ports[0].port, inScript.signals]).toEqual(['gradio', 7860, ["python -c code importing 'gradio'"]]);
    // As the command itself, an entry holding spaces is read as a script: `gradio` is one of its words.
    expect(one({ image: 'myorg/demo:1', command: ['python3', '-c', code] }).type).toBe('gradio');
    expect(
      recogniseAiServices({ image: 'myorg/demo:1', command: ['sh', '-c', `python -c 'import os; print(1)'; echo "import gradio"`] }, {}),
    ).toEqual([]);
  });
  it('Triton, TorchServe, Argo server, TensorBoard, Gradio, Streamlit, Istio gateway', () => {
    expect(
      one({ image: 'nvcr.io/nvidia/tritonserver:24.08-py3', args: ['tritonserver', '--model-repository=s3://m'] }).ports.map((p) => p.port),
    ).toEqual([8000, 8001, 8002]);
    expect(one({ image: 'pytorch/torchserve:0.12.0-gpu', args: ['torchserve', '--start', '--disable-token-auth'] }).auth).toBe('off');
    expect(one({ image: 'quay.io/argoproj/argocli:v3.5.11', args: ['server', '--auth-mode=server'] }).auth).toBe('off');
    expect(one({ image: 'quay.io/argoproj/argocli:v3.5.11', args: ['server', '--auth-mode', 'sso'] }).auth).toBe('on');
    expect(one({ image: 'tensorflow/tensorflow:2.16.1', command: ['tensorboard', '--logdir', '/logs', '--bind_all'] }).type).toBe(
      'tensorboard',
    );
    expect(one({ image: 'myorg/demo:1', env: [{ name: 'GRADIO_SERVER_NAME', value: '0.0.0.0' }] }).ports[0].port).toBe(7860);
    expect(one({ image: 'myorg/demo:1', command: ['streamlit', 'run', 'app.py'] }).ports[0].port).toBe(8501);
    expect(one({ image: 'docker.io/istio/proxyv2:1.22.1', args: ['proxy', 'router'] }).type).toBe('istio-ingressgateway');
  });
  it('survives adversarial containers (regexes are linear, inputs bounded)', () => {
    const long = 'a/'.repeat(100_000) + 'jupyter-' + '-'.repeat(100_000) + ':' + '1'.repeat(50_000);
    expect(
      recogniseAiServices({
        image: long,
        command: ['--x='.repeat(50_000)],
        args: [' '.repeat(200_000)],
        env: [{ name: 'OLLAMA_HOST', value: ':' + '9'.repeat(100_000) }],
      }).map((s) => s.type),
    ).toEqual(['jupyter', 'ollama']);
    expect(recogniseAiServices({ image: 'raaaaaay'.repeat(50_000), ports: 'x', env: 'y', command: 'z' })).toEqual([]);
  });
  it('never by name or port alone', () => {
    expect(recogniseAiServices({ name: 'jupyter', image: 'nginx:1.27', ports: [{ containerPort: 8888 }] })).toEqual([]);
    expect(recogniseAiServices({ name: 'vllm', image: 'myorg/api:1', ports: [{ containerPort: 8000 }] })).toEqual([]);
    expect(recogniseAiServices({ image: 'docker.io/istio/proxyv2:1.22.1', args: ['proxy', 'sidecar'] })).toEqual([]);
  });
});

describe('data stores and the KubeRay API server', () => {
  it('Redis: off by default, on with a password, unknown when it may hide in envFrom', () => {
    const off = one({ image: 'redis:7.4', ports: [{ containerPort: 6379, name: 'redis' }] });
    expect([off.type, off.label, off.auth, off.dataStore, off.ports[0].name, off.ports[0].impact]).toEqual([
      'redis',
      'Redis',
      'off',
      true,
      'redis',
      'control',
    ]);
    expect(one({ image: 'redis:7.4', args: ['--requirepass', '$(REDIS_PASSWORD)'] }).auth).toBe('on');
    expect(
      one({ image: 'bitnami/redis:7.4', env: [{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'r', key: 'p' } } }] }).auth,
    ).toBe('on');
    expect(one({ image: 'bitnami/redis:7.4', env: [{ name: 'ALLOW_EMPTY_PASSWORD', value: 'yes' }] }).auth).toBe('off');
    expect(one({ image: 'redis:7.4', envFrom: [{ secretRef: { name: 'r' } }] }).auth).toBe('unknown');
    expect(one({ image: 'python:3.12', command: ['redis-server', '--port', '6380'] }).ports[0].port).toBe(6380);
  });

  it('vector databases by image, with their authentication settings', () => {
    const q = one({ image: 'qdrant/qdrant:v1.12.1' });
    expect([q.label, q.auth, q.ports.map((p) => p.port)]).toEqual(['Qdrant', 'off', [6333, 6334]]);
    expect(
      one({
        image: 'qdrant/qdrant:v1.12.1',
        env: [{ name: 'QDRANT__SERVICE__API_KEY', valueFrom: { secretKeyRef: { name: 'q', key: 'k' } } }],
      }).auth,
    ).toBe('on');
    expect(
      one({ image: 'cr.weaviate.io/semitechnologies/weaviate:1.27.0', env: [{ name: 'AUTHENTICATION_APIKEY_ENABLED', value: 'true' }] })
        .auth,
    ).toBe('on');
    expect(
      one({ image: 'semitechnologies/weaviate:1.27.0', env: [{ name: 'AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED', value: 'true' }] }).auth,
    ).toBe('off');
    expect(one({ image: 'milvusdb/milvus:v2.4.15' }).auth).toBe('unknown');
    expect(one({ image: 'chromadb/chroma:0.5.20' }).label).toBe('Chroma');
  });

  it('the KubeRay API server runs code through Ray clusters it creates', () => {
    const s = one({ image: 'quay.io/kuberay/apiserver:v1.2.2' });
    expect([s.type, s.auth, s.ports.map((p) => `${p.port} ${p.impact}`)]).toEqual([
      'kuberay-apiserver',
      'off',
      ['8888 control', '8887 control'],
    ]);
  });

  it('an application that only talks to Redis is not Redis', () => {
    expect(recogniseAiServices({ image: 'acme/api:1.0', env: [{ name: 'REDIS_URL', value: 'redis://redis:6379' }] })).toEqual([]);
  });
});
