import { defineRule } from '../../core/rule.js';
import type { DependencyDocument } from '../../parsers/deps/deps-document.js';
import { endOfLife } from '../../vulndb/os-eol.js';

export default defineRule<DependencyDocument>({
  meta: {
    id: 'SCA-0100',
    slug: 'os-end-of-life',
    title: 'Operating system release past its end of life',
    severity: 'high',
    scanner: 'deps',
    appliesTo: ['deps'],
    frameworks: [{ id: 'owasp-llm-2025', control: 'LLM03' }],
    rationale:
      'A base image or root filesystem whose release no longer gets security updates (Debian past its LTS, Ubuntu past standard support, an Alpine branch past its support window, CentOS 7 and 8) keeps every vulnerability found after that date: no fixed package will ever be published, and advisory databases stop tracking it, so a scan finds less the older it gets. AI images are often built once on an old CUDA base and never rebuilt.',
    remediation:
      'Rebuild on a supported release of the same distribution (or a paid extended-support stream), and rebuild images on a schedule so they pick up security updates.',
    references: [
      'https://endoflife.date/',
      'https://wiki.debian.org/LTS',
      'https://ubuntu.com/about/release-cycle',
      'https://alpinelinux.org/releases/',
    ],
    examples: {
      bad: [
        {
          path: 'rootfs/etc/os-release',
          content: 'PRETTY_NAME="Debian GNU/Linux 10 (buster)"\nNAME="Debian GNU/Linux"\nVERSION_ID="10"\nID=debian\n',
        },
      ],
      good: [
        {
          path: 'rootfs/etc/os-release',
          content: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    const os = doc.manifest.os;
    if (doc.manifest.kind !== 'os-release' || !os) return;
    const today = ctx.settings.today ?? new Date().toISOString().slice(0, 10);
    const eol = endOfLife(os.id, os.versionId, today);
    if (!eol?.ended) return;
    ctx.report({
      message: `${os.name} reached its end of life on ${eol.date}: its packages get no more security updates`,
      at: doc.manifest.osSpan,
    });
  },
});
