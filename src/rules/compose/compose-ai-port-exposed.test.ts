import type { Severity } from '../../core/types.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-ai-port-exposed.js';

/** Services built from a Dockerfile: no image name, the command alone says what runs and how it authenticates. */
const BUILT = `services:
  lab:
    build: .
    command: ["python", "-m", "jupyterlab", "--ServerApp.token=", "--ip=0.0.0.0"]
    ports: ["8888:8888"]
  nb:
    build:
      context: ./nb
    command: jupyter notebook --NotebookApp.token='' --NotebookApp.password=''
    ports: ["8889:8888"]
  srv:
    build: ./srv
    command: ["--IdentityProvider.token=''"]
    ports: ["9000:9000"]
  quoted:
    build: .
    entrypoint: ["jupyter", "server"]
    command: ['--NotebookApp.token=""']
    ports: ["8890:8888"]
  shell:
    build: .
    command: sh -c "exec jupyter lab --ServerApp.token= --port=8080"
    ports: ["8080:8080"]
  login:
    build: .
    command: jupyter lab --PasswordIdentityProvider.hashed_password=argon2:abc
    ports: ["8081:8081"]
  empty-env-token:
    image: quay.io/jupyter/base-notebook:2024-10-07
    environment:
      JUPYTER_TOKEN: ""
    ports: ["8082:8888"]
  env-token:
    image: quay.io/jupyter/base-notebook:2024-10-07
    environment: [JUPYTER_TOKEN=s3cr3t-from-env]
    ports: ["8083:8888"]
`;

/** Jupyter tokens from variables: compose interpolates `${VAR}` with the environment of `docker compose`, a shell reads the container's. */
const VARIABLES = `services:
  default-empty:
    build: .
    command: ["jupyter", "lab", "--ServerApp.token=\${LAB_TOKEN:-}"]
    ports: ["8888:8888"]
  from-compose-env:
    build: .
    command: ["jupyter", "lab", "--ServerApp.token=\${LAB_TOKEN:?set LAB_TOKEN}"]
    ports: ["8889:8888"]
  shell-empty:
    build: .
    command: ["sh", "-c", "exec jupyter lab --ServerApp.token=$$TOKEN --ip=0.0.0.0"]
    environment:
      TOKEN: \${TOKEN:-}
    ports: ["8890:8888"]
  shell-env-file:
    build: .
    command: ["sh", "-c", "exec jupyter lab --ServerApp.token=$$TOKEN --ip=0.0.0.0"]
    env_file: lab.env
    ports: ["8891:8888"]
  shell-command:
    build: .
    command: ["sh", "-c", "exec jupyter lab --ServerApp.token=$$(cat /run/secrets/token) --ip=0.0.0.0"]
    ports: ["8892:8888"]
  env-default-empty:
    image: quay.io/jupyter/base-notebook:2024-10-07
    environment: ["JUPYTER_TOKEN=\${JUPYTER_TOKEN:-}"]
    ports: ["8893:8888"]
  text-quoted:
    build: .
    command: sh -c "exec jupyter lab --ip=0.0.0.0 --ServerApp.token=''"
    ports: ["8894:8888"]
  text-shell-empty:
    build: .
    command: sh -c "exec jupyter lab --ServerApp.token=$$TOKEN"
    environment: [TOKEN=]
    ports: ["8895:8888"]
  shell-default-empty:
    build: .
    command: ["sh", "-c", "jupyter lab --ServerApp.token=$\${TOKEN:-}"]
    environment: [TOKEN=]
    ports: ["8896:8888"]
  shell-default-token:
    build: .
    command: ["sh", "-c", "jupyter lab --ServerApp.token=$\${TOKEN:-fallback}"]
    environment: [TOKEN=]
    ports: ["8897:8888"]
  shell-default-required:
    build: .
    command: ["sh", "-c", "jupyter lab --ServerApp.token=$\${TOKEN:?set TOKEN}"]
    environment: [TOKEN=]
    ports: ["8898:8888"]
  nested-default-empty:
    build: .
    command: ["jupyter", "lab", "--ServerApp.token=\${LAB_TOKEN:-\${OTHER_TOKEN:-}}"]
    ports: ["8899:8888"]
  length-form:
    build: .
    command: ["jupyter", "lab", "--ServerApp.token=\${#LAB_TOKEN}"]
    ports: ["8900:8888"]
  shell-single-quoted:
    build: .
    command: sh -c "exec jupyter lab --ServerApp.token='$$TOKEN'"
    environment: [TOKEN=]
    ports: ["8901:8888"]
`;

/** Model-server API keys as the server receives them: compose interpolation, the shell of `sh -c`, the key variables. */
const API_KEYS = `services:
  default-empty:
    image: vllm/vllm-openai:v0.6.3
    command: ["--model", "org/m", "--api-key", "\${VLLM_KEY:-}"]
    ports: ["8000:8000"]
  env-empty:
    image: vllm/vllm-openai:v0.6.3
    environment: {VLLM_API_KEY: ""}
    ports: ["8001:8000"]
  shell-empty:
    image: vllm/vllm-openai:v0.6.3
    entrypoint: ["sh", "-c", "vllm serve org/m --api-key \\"$$KEY\\""]
    environment: [KEY=]
    ports: ["8002:8000"]
  shell-quoted:
    image: vllm/vllm-openai:v0.6.3
    entrypoint: ["sh", "-c", "vllm serve org/m --api-key '$$KEY'"]
    environment: [KEY=]
    ports: ["8003:8000"]
  tgi-empty:
    image: ghcr.io/huggingface/text-generation-inference:2.4
    environment: [API_KEY=]
    ports: ["8004:80"]
  tgi-from-compose-env:
    image: ghcr.io/huggingface/text-generation-inference:2.4
    environment: [API_KEY]
    ports: ["8005:80"]
  sglang-other-server-variable:
    image: lmsysorg/sglang:v0.4.0
    environment: [VLLM_API_KEY=k-1]
    ports: ["30000:30000"]
  shell-secret-file:
    image: vllm/vllm-openai:v0.6.3
    entrypoint: ["sh", "-c", "vllm serve org/m --api-key $$(cat /run/secrets/key)"]
    ports: ["8006:8000"]
`;

testRule(rule, {
  valid: [
    {
      name: 'built services: Jupyter on loopback, a trainer that is no server',
      path: 'compose.yaml',
      content:
        'services:\n  lab:\n    build: .\n    command: ["python", "-m", "jupyterlab", "--ServerApp.token="]\n    ports: ["127.0.0.1:8888:8888"]\n  train:\n    build: .\n    command: python -m notebooks.train --token=\n    ports: ["9000:9000"]\n',
    },
    {
      name: 'loopback bindings and non-AI services',
      path: 'compose.yaml',
      content:
        'services:\n  ollama:\n    image: ollama/ollama:0.3.14\n    ports:\n      - "127.0.0.1:11434:11434"\n      - target: 8080\n        host_ip: 127.0.0.1\n        published: 8080\n  web:\n    image: nginx:1.27\n    ports:\n      - "8080:80"\n      - "5000:5000"\n  jupyter:\n    image: quay.io/jupyter/base-notebook:2024-10-07\n    ports:\n      - "${BIND_ADDR}:8888:8888"\n      - "${LAB_BIND:-127.0.0.1}:8889:8888"\n  mlflow:\n    image: ghcr.io/mlflow/mlflow:v2.17.0\n    expose:\n      - "5000"\n',
    },
  ],
  invalid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  ollama:\n    image: ollama/ollama:0.3.14\n    ports:\n      - "11434:11434"\n  vllm:\n    image: registry.acme.dev/serving:1\n    command: ["vllm", "serve", "org/m", "--port", "9000"]\n    ports:\n      - 0.0.0.0:9000:9000\n      - target: 9001\n        published: 9001\n  notebook:\n    image: acme/notebook:3\n    ports: ["8888:8888"]\n  ray:\n    image: rayproject/ray:2.37.0\n    ports:\n      - "${RAY_DASHBOARD_PORT:-8265}:8265"\n',
      findings: [
        {
          startLine: 5,
          startColumn: 9,
          endLine: 5,
          endColumn: 22,
          message: "Ollama port 11434 of service 'ollama' is published on host port 11434 on all interfaces",
          objectPath: '/services/ollama/ports/0',
        },
        {
          startLine: 10,
          startColumn: 9,
          endLine: 10,
          endColumn: 26,
          message: "vLLM port 9000 of service 'vllm' is published on host port 9000 on all interfaces",
        },
        { startLine: 11, startColumn: 9, endLine: 12, endColumn: 24 },
        {
          startLine: 15,
          startColumn: 13,
          endLine: 15,
          endColumn: 24,
          message: "Jupyter port 8888 of service 'notebook' is published on host port 8888 on all interfaces",
        },
        {
          startLine: 19,
          startColumn: 9,
          endLine: 19,
          endColumn: 43,
          message: "Ray port 8265 of service 'ray' is published on host port 8265 on all interfaces",
        },
      ],
    },
    {
      name: 'authentication disabled or required',
      path: 'compose.yaml',
      content:
        'services:\n  lab:\n    image: quay.io/jupyter/base-notebook:2024-10-07\n    command: start-notebook.py --ServerApp.token=\'\'\n    ports: ["8888:8888"]\n  vllm:\n    image: vllm/vllm-openai:v0.6.3\n    command: ["--model", "org/m", "--api-key", "${VLLM_KEY}"]\n    ports: ["8000:8000"]\n  ui:\n    image: ghcr.io/open-webui/open-webui:v0.3.35\n    environment:\n      WEBUI_AUTH: "False"\n    ports: ["3000:8080"]\n',
      findings: [
        {
          startLine: 5,
          startColumn: 13,
          endLine: 5,
          endColumn: 24,
          severity: 'critical',
          message: "Jupyter port 8888 of service 'lab' is published on host port 8888 on all interfaces with authentication disabled",
        },
        { startLine: 9, startColumn: 13, endLine: 9, endColumn: 24, severity: 'medium', message: /\(it requires an API key or a login\)$/ },
        {
          startLine: 14,
          startColumn: 13,
          endLine: 14,
          endColumn: 24,
          severity: 'critical',
          message: "Open WebUI port 8080 of service 'ui' is published on host port 3000 on all interfaces with authentication disabled",
        },
      ],
    },
    {
      name: 'services built from a Dockerfile are judged by their command',
      path: 'compose.yaml',
      content: BUILT,
      findings: [
        ...(
          [
            ['lab', 5, 8888, 8888],
            ['nb', 10, 8888, 8889],
            ['srv', 14, 9000, 9000],
            ['quoted', 19, 8888, 8890],
            ['shell', 23, 8080, 8080],
          ] as const
        ).map(([service, line, target, published]) => ({
          startLine: line,
          startColumn: 13,
          endLine: line,
          endColumn: 24,
          severity: 'critical' as Severity,
          message: `Jupyter port ${target} of service '${service}' is published on host port ${published} on all interfaces with authentication disabled`,
        })),
        {
          startLine: 27,
          startColumn: 13,
          endLine: 27,
          endColumn: 24,
          severity: 'medium',
          message:
            "Jupyter port 8081 of service 'login' is published on host port 8081 on all interfaces (it requires an API key or a login)",
        },
        {
          startLine: 32,
          startColumn: 13,
          endLine: 32,
          endColumn: 24,
          severity: 'high',
          message: "Jupyter port 8888 of service 'empty-env-token' is published on host port 8082 on all interfaces",
        },
        {
          startLine: 36,
          startColumn: 13,
          endLine: 36,
          endColumn: 24,
          severity: 'medium',
          message:
            "Jupyter port 8888 of service 'env-token' is published on host port 8083 on all interfaces (it requires an API key or a login)",
        },
      ],
    },
    {
      name: 'an API key: empty by a compose default, an empty key variable or an empty shell variable is no key; single quotes keep $KEY as text',
      path: 'compose.yaml',
      content: API_KEYS,
      findings: (
        [
          ['vLLM', 'default-empty', 5, 8000, 8000, undefined],
          ['vLLM', 'env-empty', 9, 8000, 8001, undefined],
          ['vLLM', 'shell-empty', 14, 8000, 8002, undefined],
          ['vLLM', 'shell-quoted', 19, 8000, 8003, 'medium'],
          ['Text Generation Inference', 'tgi-empty', 23, 80, 8004, undefined],
          ['Text Generation Inference', 'tgi-from-compose-env', 27, 80, 8005, 'medium'],
          ['SGLang', 'sglang-other-server-variable', 31, 30000, 30000, undefined],
          ['vLLM', 'shell-secret-file', 35, 8000, 8006, 'medium'],
        ] as const
      ).map(([name, service, line, target, published, severity]) => ({
        startLine: line,
        startColumn: 13,
        endLine: line,
        endColumn: 15 + `${published}:${target}`.length,
        ...(severity ? { severity: severity as Severity } : {}),
        message: `${name} port ${target} of service '${service}' is published on host port ${published} on all interfaces${severity ? ' (it requires an API key or a login)' : ''}`,
      })),
    },
    {
      name: "a token from variables: a compose default (nested too), the environment of docker compose, the container's variables in sh -c (with a shell default), a command",
      path: 'compose.yaml',
      content: VARIABLES,
      findings: (
        [
          ['default-empty', 5, 8888, 'critical', ' with authentication disabled'],
          ['from-compose-env', 9, 8889, 'medium', ' (it requires an API key or a login)'],
          ['shell-empty', 15, 8890, 'critical', ' with authentication disabled'],
          ['shell-env-file', 20, 8891, 'medium', ' (it requires an API key or a login)'],
          ['shell-command', 24, 8892, 'high', ''],
          ['env-default-empty', 28, 8893, 'high', ''],
          ['text-quoted', 32, 8894, 'critical', ' with authentication disabled'],
          ['text-shell-empty', 37, 8895, 'critical', ' with authentication disabled'],
          ['shell-default-empty', 42, 8896, 'critical', ' with authentication disabled'],
          ['shell-default-token', 47, 8897, 'medium', ' (it requires an API key or a login)'],
          ['shell-default-required', 52, 8898, 'medium', ' (it requires an API key or a login)'],
          ['nested-default-empty', 56, 8899, 'critical', ' with authentication disabled'],
          ['length-form', 60, 8900, 'medium', ' (it requires an API key or a login)'],
          ['shell-single-quoted', 65, 8901, 'medium', ' (it requires an API key or a login)'],
        ] as const
      ).map(([service, line, published, severity, note]) => ({
        startLine: line,
        startColumn: 13,
        endLine: line,
        endColumn: 24,
        severity: severity as Severity,
        message: `Jupyter port 8888 of service '${service}' is published on host port ${published} on all interfaces${note}`,
      })),
    },
  ],
});
