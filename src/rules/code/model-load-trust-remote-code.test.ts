import { testRule } from '../../testing/rule-tester.js';
import rule from './model-load-trust-remote-code.js';
import { pins } from '../../testing/memory-packages.js';

const LOAD =
  'from transformers import AutoModelForCausalLM, pipeline\n\nmodel = AutoModelForCausalLM.from_pretrained(repo, revision=commit)\n';

testRule(rule, {
  valid: [
    {
      name: 'argparse defines the flag, nothing launches it',
      path: 'cli.py',
      content: 'import argparse\np = argparse.ArgumentParser()\np.add_argument("--trust-remote-code", action="store_true")\n',
    },
    {
      name: 'a server launched without the flag',
      path: 'launch.py',
      content: 'import subprocess\nsubprocess.Popen(["vllm", "serve", "acme/x", "--port", "8000"])\n',
    },
    {
      name: 'the flag turned off',
      path: 'launch.py',
      content: 'import subprocess\nsubprocess.run("tgi --trust-remote-code=false", shell=True)\n',
    },
    { path: 'a.py', content: 'from transformers import AutoModel\nm = AutoModel.from_pretrained("acme/x", trust_remote_code=False)\n' },
    {
      path: 'a.py',
      content: 'from transformers import AutoModel\nm = AutoModel.from_pretrained("acme/x")\n# trust_remote_code=True is not needed\n',
    },
    { name: 'flag off, transformers version unknown', path: 'load.py', content: LOAD },
    {
      name: 'flag off on a transformers release with no published bypass',
      path: 'svc/load.py',
      content: LOAD,
      settings: { packages: pins({ transformers: { version: '5.5.0', path: 'uv.lock', line: 900 } }) },
    },
    {
      name: 'flag off before the LightGlue config existed',
      path: 'svc/load.py',
      content: LOAD,
      settings: { packages: pins({ transformers: { version: '4.46.3', path: 'requirements.txt', line: 12 } }) },
    },
    {
      name: 'a task pipeline with its default model, and a loader of another library',
      path: 'svc/load.py',
      content: 'import transformers\nclf = transformers.pipeline("sentiment-analysis")\npipe = DiffusionPipeline.from_pretrained(repo)\n',
      settings: { packages: pins({ transformers: { version: '5.2.0', path: 'requirements.txt', line: 3 } }) },
    },
  ],
  invalid: [
    {
      name: 'a vLLM server launched with an argument list built in steps',
      path: 'launch.py',
      content:
        'import subprocess\n\ndef start(model):\n    cmd = ["vllm", "serve", model, "--port", "8000"]\n    cmd.append("--trust-remote-code")\n    return subprocess.Popen(cmd)\n',
      findings: [
        {
          startLine: 5,
          startColumn: 16,
          endLine: 5,
          endColumn: 37,
          message:
            'subprocess.Popen() starts a process with --trust-remote-code: the server it launches runs code from the model repository',
        },
      ],
    },
    {
      name: 'a shell string and an f-string',
      path: 'serve.py',
      content:
        'import os, subprocess\nos.system("python -m vllm.entrypoints.openai.api_server --model acme/x --trust-remote-code &")\ndef up(m):\n    subprocess.run(f"sglang.launch_server --model-path {m} --trust_remote_code", shell=True)\n',
      findings: [
        { startLine: 2, startColumn: 11, endLine: 2, endColumn: 94 },
        { startLine: 4, startColumn: 20, endLine: 4, endColumn: 80 },
      ],
    },
    {
      name: 'Node child_process spawn',
      path: 'serve.ts',
      content: 'import { spawn } from "node:child_process";\nspawn("vllm", ["serve", "acme/x", "--trust-remote-code"]);\n',
      findings: [{ startLine: 2, startColumn: 35, endLine: 2, endColumn: 56 }],
    },
    {
      path: 'load.py',
      content:
        'from transformers import AutoModelForCausalLM\nmodel = AutoModelForCausalLM.from_pretrained("acme/chat-7b", trust_remote_code=True)\n',
      findings: [
        {
          startLine: 2,
          startColumn: 62,
          endLine: 2,
          endColumn: 84,
          message: 'AutoModelForCausalLM.from_pretrained() runs code from the model repository (trust_remote_code=True)',
        },
      ],
    },
    {
      name: 'pipeline and datasets',
      path: 'a.py',
      content:
        'p = pipeline("text-generation", model="acme/x", trust_remote_code=True)\nds = load_dataset("acme/data",\n    trust_remote_code=True)\n',
      findings: [
        { startLine: 1, startColumn: 49, endLine: 1, endColumn: 71 },
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 27 },
      ],
    },
    {
      name: 'flag off on transformers 5.2.0: the LightGlue bypass (medium)',
      path: 'svc/load.py',
      content: LOAD + 'gen = pipeline("text-generation", model=repo)\n',
      settings: { packages: pins({ transformers: { version: '5.2.0', path: 'svc/requirements.txt', line: 7 } }) },
      findings: [
        {
          startLine: 3,
          startColumn: 9,
          endLine: 3,
          endColumn: 68,
          severity: 'medium',
          message:
            'AutoModelForCausalLM.from_pretrained() relies on trust_remote_code being off, which a crafted model repository bypasses in transformers 5.2.0 (pinned in svc/requirements.txt:7) (CVE-2026-5241, fixed in 5.5.0)',
        },
        {
          startLine: 4,
          startColumn: 7,
          endLine: 4,
          endColumn: 46,
          severity: 'medium',
          message: /^pipeline\(\) relies on trust_remote_code being off/,
        },
      ],
    },
    {
      name: 'transformers 4.57.1 with kernels pinned: both bypasses',
      path: 'svc/load.py',
      content: LOAD,
      settings: {
        packages: pins({
          transformers: { version: '4.57.1', path: 'svc/uv.lock', line: 2210 },
          kernels: { version: '0.10.2', path: 'svc/uv.lock', line: 980 },
        }),
      },
      findings: [
        {
          startLine: 3,
          startColumn: 9,
          endLine: 3,
          endColumn: 68,
          severity: 'medium',
          message:
            'AutoModelForCausalLM.from_pretrained() relies on trust_remote_code being off, which a crafted model repository bypasses in transformers 4.57.1 (pinned in svc/uv.lock:2210) (CVE-2026-5241, fixed in 5.5.0; CVE-2026-4372 with kernels installed, fixed in 5.3.0)',
        },
      ],
    },
    {
      name: 'the flag on is high whatever the version, and is not reported twice',
      path: 'svc/load.py',
      content: 'from transformers import AutoModel\nm = AutoModel.from_pretrained(repo, trust_remote_code=True)\n',
      settings: { packages: pins({ transformers: { version: '5.2.0', path: 'svc/requirements.txt', line: 7 } }) },
      findings: [{ startLine: 2, startColumn: 37, endLine: 2, endColumn: 59, severity: 'high' }],
    },
  ],
});
