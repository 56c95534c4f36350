import { defineRule } from '../../core/rule.js';
import type { DependencyDocument, DependencySetDocument } from '../../parsers/deps/deps-document.js';
import { findingPackage } from '../../parsers/deps/purl.js';
import { judgedPackages, requestedBy } from './lib/lockfiles.js';
import { affecting, describePackage, onceInCondaFile } from './lib/packages.js';

export default defineRule<DependencyDocument | DependencySetDocument>({
  meta: {
    id: 'SCA-0001',
    slug: 'vulnerable-dependency',
    title: 'Dependency with a known vulnerability',
    severity: 'high',
    scanner: 'deps',
    appliesTo: ['deps', 'deps-set'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.001' },
    ],
    rationale:
      "A pinned or locked version that a published advisory (OSV: GitHub, PyPI, Go advisories) names as affected is exploitable as shipped: ML libraries such as torch, transformers and langchain have had remote code execution through model loading and prompt-driven code paths. The finding carries the advisory, its aliases and the versions that fix it; its severity is the advisory's. A package that a manifest asks for (`requirements.in`, `pyproject.toml`, `package.json`) and a lockfile beside it resolves (the `requirements.txt` pip-compile wrote from it, `uv.lock`, `poetry.lock`, `Pipfile.lock`, `package-lock.json`, `pnpm-lock.yaml`, `yarn.lock`) is reported once, at the lockfile, which says what installs.",
    remediation:
      'Upgrade to a fixed version (the finding lists them) and regenerate the lockfile; if no fix exists, remove the dependency or isolate the code path the advisory describes.',
    references: ['https://osv.dev/', 'https://github.com/advisories/GHSA-53q9-r3pm-6pq6'],
    examples: {
      bad: [{ path: 'requirements.txt', content: 'torch==2.1.0\n' }],
      good: [{ path: 'requirements.txt', content: 'torch==2.6.0\n' }],
    },
  },
  check(doc, ctx) {
    const db = ctx.settings.vulnerabilities;
    if (!db) return;
    const once = onceInCondaFile();
    for (const { doc: manifest, dep, requestedIn } of judgedPackages(doc)) {
      if (!dep.version) continue;
      for (const v of affecting(db, dep)) {
        if (v.malicious || !once(manifest, dep, v.id)) continue;
        const aliases = v.aliases.length ? ` (${v.aliases.join(', ')})` : '';
        const fix = v.fixed.length ? `fixed in ${v.fixed.join(', ')}` : 'no fixed version';
        ctx.report({
          doc: manifest,
          message: `${describePackage(dep)}${requestedBy(requestedIn)} is affected by ${v.id}${aliases}: ${v.summary}; ${fix}`,
          at: dep.span,
          severity: v.severity,
          vulnerability: {
            id: v.id,
            aliases: v.aliases,
            summary: v.summary,
            severity: v.severity,
            ...(v.cvss ? { cvss: v.cvss } : {}),
            fixed: v.fixed,
            references: v.references,
          },
          package: findingPackage(dep),
        });
      }
    }
  },
});
