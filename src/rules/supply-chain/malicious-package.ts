import { defineRule } from '../../core/rule.js';
import type { VulnerabilityMatch } from '../../core/vulnerability.js';
import type { DependencyDocument, DependencySetDocument } from '../../parsers/deps/deps-document.js';
import { findingPackage } from '../../parsers/deps/purl.js';
import { judgedPackages, requestedBy } from './lib/lockfiles.js';
import { affecting, describePackage, onceInCondaFile } from './lib/packages.js';

export default defineRule<DependencyDocument | DependencySetDocument>({
  meta: {
    id: 'SCA-0002',
    slug: 'malicious-package',
    title: 'Known malicious package',
    severity: 'critical',
    scanner: 'deps',
    appliesTo: ['deps', 'deps-set'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010.001' },
    ],
    rationale:
      'An OSV `MAL-` record reports the package (or the named versions) as malware: typosquats, dependency-confusion uploads and hijacked releases run their payload at install or import time, steal credentials and tokens, or tamper with what the program does. When the manifest does not pin a version and no lockfile beside it says which release installs, a range can resolve to a malicious release; an entry of a lockfile is reported at the lockfile, once.',
    remediation:
      'Remove the package, or pin a version the report does not name; treat every machine and CI runner that installed it as compromised (rotate the credentials it could read).',
    references: ['https://github.com/ossf/malicious-packages', 'https://osv.dev/list?q=MAL-'],
    examples: {
      bad: [{ path: 'package.json', content: '{\n  "dependencies": {\n    "chalk": "5.6.1"\n  }\n}\n' }],
      good: [{ path: 'package.json', content: '{\n  "dependencies": {\n    "chalk": "5.6.2"\n  }\n}\n' }],
    },
  },
  check(doc, ctx) {
    const db = ctx.settings.vulnerabilities;
    if (!db) return;
    const once = onceInCondaFile();
    for (const { doc: manifest, dep, requestedIn } of judgedPackages(doc)) {
      // A conda package is not judged by the malicious uploads of its PyPI namesake: dependency-confusion
      // uploads squat on PyPI the names that exist only on conda channels (torchtriton), and their records
      // affect every version, so a pinned channel package would be a critical false positive. Only a
      // package conda publishes under another name (`pytorch` → torch, `CONDA_TO_PYPI`), pinned, is
      // judged as that project.
      if (dep.pypi && (!dep.version || dep.pypi.by === 'name')) continue;
      const reports: VulnerabilityMatch[] = dep.version
        ? affecting(db, dep).filter((v) => v.malicious)
        : db.knownMalicious(dep.ecosystem, dep.name);
      for (const v of reports) {
        if (dep.version && !once(manifest, dep, v.id)) continue;
        const what = dep.version
          ? `${describePackage(dep)}${requestedBy(requestedIn)} is malicious`
          : `${dep.name} has malicious releases and the manifest does not pin a version`;
        ctx.report({
          doc: manifest,
          message: `${what} (${v.id}): ${v.summary}`,
          at: dep.span,
          severity: 'critical',
          vulnerability: {
            id: v.id,
            aliases: v.aliases,
            summary: v.summary,
            severity: 'critical',
            fixed: v.fixed,
            references: v.references,
          },
          package: findingPackage(dep),
        });
      }
    }
  },
});
