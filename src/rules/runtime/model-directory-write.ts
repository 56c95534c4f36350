import { defineRule } from '../../core/rule.js';
import type { HostEventDocument } from '../../parsers/events/event-documents.js';
import { eventLog, falcoAlert } from './lib/examples.js';
import { baseName, describePod, hostPath } from './lib/process.js';

/** Directories model servers load weights from, and weight files by extension. */
const MODEL_DIRS =
  /^\/(?:models?|mnt\/models|opt\/ml\/model|data\/models|root\/\.cache\/huggingface|home\/[^/]+\/\.cache\/huggingface|root\/\.ollama\/models|var\/lib\/ollama)(?:\/|$)/;
const MODEL_FILES = /\.(?:safetensors|gguf|ggml|pt|pth|ckpt|onnx|pkl|pickle|joblib|h5|keras|mar|engine|plan)$/i;
/** Containers and programs whose job is to put models in place. */
const LOADERS = /^(?:storage-initializer|model-downloader|model-init|init-model|download-model|modelcar)$/;
const LOADER_BINARIES = new Set(['huggingface-cli', 'hf', 'aws', 'gsutil', 'gcloud', 'azcopy', 'rclone', 'git-lfs', 'ollama']);

const write = (path: string, container = 'vllm') =>
  falcoAlert(
    'Write below model directory',
    {
      'evt.type': 'openat',
      'evt.is_open_write': true,
      'fd.name': path,
      'proc.name': 'python3',
      'proc.exepath': '/usr/bin/python3',
      'proc.cmdline': 'python3 -c import pickle',
      'proc.pname': 'bash',
      'k8s.pod.name': 'vllm-6c9f7d5b8-q2w3e',
      'container.name': container,
      'container.image.repository': 'vllm/vllm-openai',
      'container.image.tag': 'v0.6.3',
    },
    '2026-03-02T10:15:00.000000000Z',
    'Warning',
  );

export default defineRule<HostEventDocument>({
  meta: {
    id: 'RT-0023',
    slug: 'model-directory-write',
    title: 'Write to a model directory or weight file at runtime',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['host-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0018' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
    ],
    rationale:
      "Weights are written once, by the step that downloads them (KServe's storage initializer, an init container, the hub client), and only read afterwards. A write to a model directory (`/models`, `/mnt/models`, the Hugging Face cache, Ollama's store) or to a weight file by anything else is a model being replaced: a backdoored checkpoint or a pickle payload that runs at the next load.",
    remediation:
      'Find the writing process and compare the file with its published hash; mount model volumes read-only in serving containers and verify weights by digest at load.',
    references: [
      'https://kserve.github.io/website/latest/modelserving/storage/storagecontainers/',
      'https://atlas.mitre.org/techniques/AML.T0018',
    ],
    examples: {
      bad: [eventLog('falco.json', write('/mnt/models/model.safetensors'))],
      good: [eventLog('falco.json', write('/mnt/models/model.safetensors', 'storage-initializer'))],
    },
  },
  check(doc, ctx) {
    const h = doc.host;
    if (h.type !== 'write' || !h.path) return;
    if (!MODEL_DIRS.test(h.path) && !MODEL_FILES.test(h.path)) return;
    if ((h.container && LOADERS.test(h.container)) || LOADER_BINARIES.has(baseName(h.binary))) return;
    // The hub client writes its cache through the library: the lock and temp files of a download are not weights replaced.
    if (/\.(?:lock|incomplete|tmp)$/.test(h.path)) return;
    ctx.report({
      at: hostPath(doc, 'path'),
      message: `${baseName(h.binary) || 'a process'} in ${describePod(doc, doc.facts.target)} wrote ${h.path}`,
    });
  },
});
