import { defineRule } from '../../core/rule.js';
import type { DependencyDocument } from '../../parsers/deps/deps-document.js';
import { redactUrl } from './lib/packages.js';

export default defineRule<DependencyDocument>({
  meta: {
    id: 'SCA-0004',
    slug: 'extra-package-index',
    title: 'Extra package index next to the public one (dependency confusion)',
    severity: 'medium',
    scanner: 'deps',
    appliesTo: ['deps'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.001' },
    ],
    rationale:
      "pip's `--extra-index-url` does not give the private index priority: pip collects candidates from every index and installs the highest version, wherever it comes from. Anyone who uploads a package with an internal name and a higher version to the public index gets it installed; this is how the compromised PyTorch-nightly `torchtriton` dependency was delivered in December 2022.",
    remediation:
      'Use a single index that proxies the public one (`--index-url` to a mirror such as devpi, Artifactory or Nexus), or an installer that pins each package to its index (uv `[tool.uv.sources]` with `explicit = true`, Poetry sources with `priority = "explicit"`); pin hashes.',
    references: [
      'https://pytorch.org/blog/compromised-nightly-dependency/',
      'https://docs.astral.sh/uv/concepts/indexes/#searching-across-multiple-indexes',
    ],
    examples: {
      bad: [{ path: 'requirements.txt', content: '--extra-index-url https://download.pytorch.org/whl/nightly/cu121\ntorch==2.6.0\n' }],
      good: [{ path: 'requirements.txt', content: '--index-url https://download.pytorch.org/whl/cu121\ntorch==2.6.0\n' }],
    },
  },
  check(doc, ctx) {
    for (const index of doc.manifest.indexes) {
      if (index.role !== 'extra') continue;
      ctx.report({
        message: `Packages are looked up on ${redactUrl(index.url)} and on the public index; the highest version from either wins`,
        at: index.span,
      });
    }
  },
});
