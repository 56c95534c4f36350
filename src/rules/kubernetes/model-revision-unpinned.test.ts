import { testRule } from '../../testing/rule-tester.js';
import { trainJobWithModelInitializer, trainJobWithTrainer } from '../../testing/kubeflow-trainer.js';
import rule from './model-revision-unpinned.js';

const SHA = '0e9e39f249a16976918f6564b8830bc894c89659';
const pod = (image: string, container: string) => `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: server
    image: ${image}
${container}`;
const VLLM = 'vllm/vllm-openai:v0.6.3';
const TGI = 'ghcr.io/huggingface/text-generation-inference:2.4.0';

testRule(rule, {
  valid: [
    { path: 'pod.yaml', content: pod(VLLM, `    args: ["--model", "meta-llama/Llama-3.1-8B-Instruct", "--revision", "${SHA}"]\n`) },
    { name: 'local model directory', path: 'pod.yaml', content: pod(VLLM, '    args: ["--model", "/models/llama"]\n') },
    {
      name: 'hub offline',
      path: 'pod.yaml',
      content: pod(VLLM, '    args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]\n    env:\n    - {name: HF_HUB_OFFLINE, value: "1"}\n'),
    },
    {
      name: 'TGI pinned through the environment',
      path: 'pod.yaml',
      content: pod(TGI, `    env:\n    - {name: MODEL_ID, value: bigscience/bloom-560m}\n    - {name: REVISION, value: ${SHA}}\n`),
    },
    {
      name: 'download pinned, then served from disk',
      path: 'pod.yaml',
      content: pod(
        'python:3.12-slim',
        `    command: ["sh", "-c", "huggingface-cli download acme/x --revision ${SHA} --local-dir /m && vllm serve /m"]\n`,
      ),
    },
    { name: 'a URL is not a hub id', path: 'pod.yaml', content: pod(VLLM, '    args: ["--model", "s3://bucket/llama"]\n') },
    {
      name: "a TrainJob's model initializer reading S3, its trainer downloading a pinned revision",
      path: 'trainjob.yaml',
      content:
        trainJobWithModelInitializer('').replace('hf://meta-llama/Llama-3.2-1B-Instruct', 's3://models/llama-3.2-1b-instruct') +
        '---\n' +
        trainJobWithTrainer(
          `    command: ["sh", "-c", "hf download acme/weights --revision ${SHA} --local-dir /m && torchrun train.py"]\n`,
        ),
    },
  ],
  invalid: [
    {
      name: "a TrainJob's trainer command downloading from the Hub",
      path: 'trainjob.yaml',
      content: trainJobWithTrainer('    command: ["sh", "-c", "hf download acme/weights --local-dir /m && torchrun train.py"]\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 40,
          endLine: 9,
          endColumn: 52,
          message: "Container 'trainer' pulls 'acme/weights' from the Hugging Face Hub with hf download without a pinned revision",
          objectPath: '/spec/trainer/command/2',
        },
      ],
    },
    {
      name: "a TrainJob's model initializer storageUri",
      path: 'trainjob.yaml',
      content: trainJobWithModelInitializer(''),
      findings: [
        {
          startLine: 10,
          startColumn: 7,
          endLine: 10,
          endColumn: 56,
          message: /^Container 'model' pulls 'meta-llama\/Llama-3\.2-1B-Instruct' from the Hugging Face Hub/,
          objectPath: '/spec/initializer/model/storageUri',
        },
      ],
    },
    {
      path: 'pod.yaml',
      content: pod(VLLM, '    args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]\n'),
      findings: [
        {
          startLine: 9,
          startColumn: 23,
          endLine: 9,
          endColumn: 57,
          message:
            "Container 'server' pulls 'meta-llama/Llama-3.1-8B-Instruct' from the Hugging Face Hub with vLLM without a pinned revision",
          objectPath: '/spec/containers/0/args/1',
          severity: 'medium',
        },
      ],
    },
    {
      name: 'vllm serve in a script, revision a branch',
      path: 'pod.yaml',
      content: pod(
        'python:3.12-slim',
        '    command:\n    - bash\n    - -c\n    - exec vllm serve Qwen/Qwen2.5-7B-Instruct --revision main --port 8000\n',
      ),
      findings: [
        {
          startLine: 12,
          startColumn: 23,
          endLine: 12,
          endColumn: 47,
          message:
            "Container 'server' pulls 'Qwen/Qwen2.5-7B-Instruct' with vLLM at revision 'main', a branch or tag that can move; pin a commit id",
          severity: 'low',
        },
      ],
    },
    {
      name: 'TGI MODEL_ID without REVISION',
      path: 'pod.yaml',
      content: pod(TGI, '    env:\n    - name: MODEL_ID\n      value: bigscience/bloom-560m\n'),
      findings: [
        {
          startLine: 11,
          startColumn: 7,
          endLine: 11,
          endColumn: 35,
          message: /pulls 'bigscience\/bloom-560m' .* with TGI without a pinned revision|with TGI without/,
          objectPath: '/spec/containers/0/env/0/value',
        },
      ],
    },
    {
      name: 'hf download in an init container, SGLang and TGI flags',
      path: 'pod.yaml',
      content: pod(
        TGI,
        '    args: ["--model-id", "acme/tgi-model"]\n  initContainers:\n  - name: fetch\n    image: python:3.12-slim\n    command: ["hf", "download", "--repo-type", "model", "acme/weights"]\n  - name: sglang\n    image: lmsysorg/sglang:v0.3.5\n    command: ["python3", "-m", "sglang.launch_server", "--model-path=acme/sg"]\n',
      ),
      findings: [
        { startLine: 9, startColumn: 26, endLine: 9, endColumn: 42, message: /with TGI without/ },
        {
          startLine: 13,
          startColumn: 57,
          endLine: 13,
          endColumn: 71,
          message: "Init container 'fetch' pulls 'acme/weights' from the Hugging Face Hub with hf download without a pinned revision",
        },
        { startLine: 16, startColumn: 56, endLine: 16, endColumn: 78, message: /'acme\/sg' .* SGLang/ },
      ],
    },
    {
      name: 'KServe hf:// storage URI',
      path: 'isvc.yaml',
      content: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llama
spec:
  predictor:
    model:
      modelFormat: {name: huggingface}
      storageUri: hf://meta-llama/Llama-3.1-8B-Instruct
`,
      findings: [
        {
          startLine: 9,
          startColumn: 7,
          endLine: 9,
          endColumn: 56,
          message: /KServe storage initializer/,
          objectPath: '/spec/predictor/model/storageUri',
        },
      ],
    },
    {
      name: "KServe's Hugging Face model format with --model_id in args (the runtime gives the image, the spec names none)",
      path: 'isvc.yaml',
      content: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llama
spec:
  predictor:
    model:
      modelFormat:
        name: huggingface
      args:
        - --model_name=llama3
        - --model_id=meta-llama/Meta-Llama-3-8B-Instruct
`,
      findings: [
        {
          startLine: 12,
          startColumn: 11,
          endLine: 12,
          endColumn: 57,
          message:
            "Container 'model' pulls 'meta-llama/Meta-Llama-3-8B-Instruct' from the Hugging Face Hub with KServe Hugging Face runtime without a pinned revision",
          objectPath: '/spec/predictor/model/args/1',
        },
      ],
    },
    {
      // The runtime loads from --model_id when it is given and only otherwise from /mnt/models, where the storage initializer put the storageUri.
      name: 'KServe --model_id with an s3:// storageUri: the Hugging Face runtime still loads the id from the Hub',
      path: 'isvc.yaml',
      content: `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llama
spec:
  predictor:
    model:
      modelFormat: {name: huggingface}
      storageUri: s3://models/llama-3-8b
      args:
      - --model_name=llama
      - --model_id=meta-llama/Meta-Llama-3-8B-Instruct
`,
      findings: [
        {
          startLine: 12,
          startColumn: 9,
          endLine: 12,
          endColumn: 55,
          message: /pulls 'meta-llama\/Meta-Llama-3-8B-Instruct' from the Hugging Face Hub with KServe Hugging Face runtime/,
          objectPath: '/spec/predictor/model/args/1',
        },
      ],
    },
  ],
});
