import { defineRule } from '../../core/rule.js';
import type { DependencyDocument, DependencySetDocument } from '../../parsers/deps/deps-document.js';
import type { ManifestKind } from '../../parsers/deps/types.js';
import { hasLockfileFormat, Lockfiles } from './lib/lockfiles.js';
import { registryPackages } from './lib/packages.js';

/** Files that install exactly what they name: their own entries must be pinned. */
const INSTALL_LISTS = new Set<ManifestKind>(['requirements', 'dockerfile', 'conda']);

export default defineRule<DependencySetDocument>({
  meta: {
    id: 'SCA-0005',
    slug: 'unpinned-dependency',
    title: 'Unpinned dependency in an application without a lockfile',
    severity: 'low',
    scanner: 'deps',
    appliesTo: ['deps-set'],
    frameworks: [{ id: 'owasp-llm-2025', control: 'LLM03' }],
    rationale:
      'An application that installs ranges (`torch>=2.0`, `^4.17.0`) with no lockfile gets whatever is newest on the day of the build: builds are not reproducible, a vulnerability scan cannot tell which version ships, and a hijacked or malicious release is picked up automatically. Libraries declare ranges on purpose; applications should lock.',
    remediation:
      'Pin exact versions (`torch==2.6.0`, with `--hash` for pip), or commit the lockfile your tool writes (`uv lock`, `poetry lock`, `npm install` → `package-lock.json`) and install from it.',
    references: [
      'https://pip.pypa.io/en/stable/topics/repeatable-installs/',
      'https://docs.npmjs.com/cli/configuring-npm/package-lock-json',
    ],
    examples: {
      bad: [{ path: 'requirements.txt', content: 'torch>=2.0\n' }],
      good: [{ path: 'requirements.txt', content: 'torch==2.6.0\n' }],
    },
  },
  check(set, ctx) {
    const lockfiles = new Lockfiles(set.manifests);
    for (const doc of set.manifests) {
      if (!isUnlocked(doc, lockfiles)) continue;
      for (const dep of registryPackages(doc.manifest)) {
        if (dep.version || dep.direct === false || dep.dev) continue;
        const range = dep.requirement ? ` (${dep.requirement})` : '';
        ctx.report({ doc, message: `${dep.name}${range} is not pinned to a version and nothing locks it`, at: dep.span });
      }
    }
  },
});

function isUnlocked(doc: DependencyDocument, lockfiles: Lockfiles): boolean {
  const m = doc.manifest;
  if (m.lockfile || !m.application) return false;
  // A lockfile beside it resolves it, an install list too (conda's environment.yml by conda-lock's files).
  const lockable = hasLockfileFormat(m.kind);
  if (lockable && lockfiles.of(doc).length > 0) return false;
  if (INSTALL_LISTS.has(m.kind)) return !m.includes.some((i) => i.constraint);
  return lockable;
}
