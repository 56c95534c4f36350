import { defineRule } from '../../core/rule.js';
import type { DependencyDocument } from '../../parsers/deps/deps-document.js';
import { redactUrl } from './lib/packages.js';

const LOOPBACK = /^http:\/\/(?:localhost|127\.\d+\.\d+\.\d+|\[::1\])(?:[:/]|$)/i;

export default defineRule<DependencyDocument>({
  meta: {
    id: 'SCA-0003',
    slug: 'package-index-plain-http',
    title: 'Packages fetched from a plain-HTTP index',
    severity: 'high',
    scanner: 'deps',
    appliesTo: ['deps'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.001' },
    ],
    rationale:
      'An index, registry or find-links page reached over plain HTTP can be answered by anyone on the path: a swapped wheel or tarball runs its code at install time, and without hashes nothing notices. Installers warn (pip requires `--trusted-host` for it) because the transport is the only thing vouching for the files.',
    remediation:
      'Serve the index over HTTPS (with a certificate the installer verifies) and pin hashes (`--require-hashes`, a lockfile with integrity).',
    references: ['https://pip.pypa.io/en/stable/topics/https-certificates/', 'https://pip.pypa.io/en/stable/topics/secure-installs/'],
    examples: {
      bad: [{ path: 'requirements.txt', content: '--index-url http://pypi.internal.example/simple\ntorch==2.6.0\n' }],
      good: [{ path: 'requirements.txt', content: '--index-url https://pypi.internal.example/simple\ntorch==2.6.0\n' }],
    },
  },
  check(doc, ctx) {
    // A Dockerfile's `pip install --index-url http://…` is DF-rule territory (dockerfile-pip-insecure-source).
    if (doc.manifest.kind === 'dockerfile') return;
    for (const index of doc.manifest.indexes) {
      if (!/^http:\/\//i.test(index.url) || LOOPBACK.test(index.url)) continue;
      const what = index.role === 'find-links' ? 'find-links page' : index.role === 'extra' ? 'extra index' : 'package index';
      ctx.report({ message: `Packages are fetched from the ${what} ${redactUrl(index.url)} over plain HTTP`, at: index.span });
    }
  },
});
