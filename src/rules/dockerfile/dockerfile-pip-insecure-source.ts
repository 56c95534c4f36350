import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import type { ShellWord } from '../../parsers/shell/shell.js';
import { instructionCommands, pipInstallArgs } from './lib/commands.js';

const INDEX_OPTIONS = new Set(['-i', '--index-url', '--extra-index-url', '-f', '--find-links']);
const HASH_PINNED = /#(sha256|sha384|sha512)=[0-9a-f]{64,}|@[0-9a-f]{40}(#|$)/i;
const REMOTE = /^(https?|ftp):\/\/|^git\+|^[A-Za-z0-9_.-]+ @ (https?|git\+)/i;

interface OptionHit {
  name: string;
  value: string;
  span: ShellWord['span'];
}

/** `--opt value` and `--opt=value` pairs among pip arguments. */
function options(args: readonly ShellWord[]): OptionHit[] {
  const out: OptionHit[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i];
    const eq = w.value.indexOf('=');
    if (w.value.startsWith('--') && eq !== -1) out.push({ name: w.value.slice(0, eq), value: w.value.slice(eq + 1), span: w.span });
    else if (w.value.startsWith('-') && i + 1 < args.length && (INDEX_OPTIONS.has(w.value) || w.value === '--trusted-host')) {
      out.push({ name: w.value, value: args[i + 1].value, span: { start: w.span.start, end: args[i + 1].span.end } });
      i++;
    }
  }
  return out;
}

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0012',
    slug: 'dockerfile-pip-insecure-source',
    title: 'pip installs from an unverified source',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '4.11' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010' },
    ],
    rationale:
      '`--trusted-host` turns off TLS verification for a package index and an `http://` index or find-links URL sends packages in clear text: anyone on the path can swap a wheel of torch, transformers or a custom CUDA kernel. Installing straight from a URL or a git branch without a hash pins nothing (medium).',
    remediation:
      'Use HTTPS indexes with valid certificates (add the internal CA with `--cert` instead of `--trusted-host`), and install from URLs only with a hash (`pkg @ https://…/pkg.whl#sha256=…`, `--require-hashes`) or a git commit (`git+https://…@<commit>`).',
    references: [
      'https://pip.pypa.io/en/stable/topics/secure-installs/',
      'https://pip.pypa.io/en/stable/cli/pip_install/#cmdoption-trusted-host',
    ],
    examples: {
      bad: [
        {
          path: 'Dockerfile',
          content:
            'FROM python:3.12\nRUN pip install --no-cache-dir --trusted-host pypi.internal --index-url http://pypi.internal/simple torch\n',
        },
      ],
      good: [
        {
          path: 'Dockerfile',
          content: 'FROM python:3.12\nRUN pip install --no-cache-dir --index-url https://pypi.internal/simple torch==2.4.0\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const ins of doc.instructions) {
      if (ins.keyword === 'ENV') {
        for (const p of ins.properties) {
          if (p.name === 'PIP_TRUSTED_HOST' && p.value)
            ctx.report({ message: `ENV PIP_TRUSTED_HOST turns off TLS verification for ${p.value}`, at: p.span });
          else if (/^PIP_(EXTRA_)?INDEX_URL$|^PIP_FIND_LINKS$/.test(p.name) && p.value && /(^|\s)http:\/\//i.test(p.value))
            ctx.report({ message: `ENV ${p.name} points pip at a plain-HTTP index`, at: p.span });
        }
        continue;
      }
      if (ins.keyword !== 'RUN') continue;
      for (const cmd of instructionCommands(doc, ins)) {
        const args = pipInstallArgs(cmd);
        if (!args) continue;
        for (const o of options(args)) {
          if (o.name === '--trusted-host')
            ctx.report({ message: `pip install --trusted-host ${o.value} turns off TLS verification for that host`, at: o.span });
          else if (INDEX_OPTIONS.has(o.name) && /^http:\/\//i.test(o.value))
            ctx.report({ message: `pip install ${o.name} ${o.value} fetches packages over plain HTTP`, at: o.span });
        }
        const hashed = args.some((a) => a.value === '--require-hashes' || a.value.startsWith('--hash'));
        for (let i = 0; i < args.length; i++) {
          const a = args[i];
          if (a.value.startsWith('-')) {
            if (INDEX_OPTIONS.has(a.value) || a.value === '--trusted-host' || a.value === '-r' || a.value === '-c') i++;
            continue;
          }
          if (REMOTE.test(a.value) && !HASH_PINNED.test(a.value) && !hashed)
            ctx.report({
              message: `pip install ${a.value} installs from a URL without a hash or pinned commit`,
              at: a.span,
              severity: 'medium',
            });
        }
      }
    }
  },
});
