import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import { commandsOf } from './lib/commands.js';
import { isPinned, packageInstall } from './lib/packages.js';

const EXAMPLE: Record<string, string> = { apt: 'curl=8.5.0-2ubuntu10', apk: 'curl=8.9.1-r2', yum: 'curl-7.76.1' };

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0010',
    slug: 'dockerfile-package-version-unpinned',
    title: 'OS packages installed without pinned versions',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [{ id: 'cis-docker', control: '4.7' }],
    rationale:
      'Without versions, `apt-get install`, `apk add` and `dnf install` take whatever the mirror serves on build day: builds are not reproducible, and a rebuild can silently pull a broken or compromised package. The risk is modest (distribution archives are signed), hence low severity.',
    remediation:
      'Pin versions (`apt-get install curl=8.5.0-2ubuntu10`, `apk add curl=8.9.1-r2`, `dnf install curl-7.76.1`) and let a bot update them, or build from a digest-pinned base image that already has the packages.',
    references: ['https://docs.docker.com/build/building/best-practices/#apt-get', 'https://github.com/hadolint/hadolint/wiki/DL3008'],
    examples: {
      bad: [
        {
          path: 'Dockerfile',
          content: 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n',
        },
      ],
      good: [
        {
          path: 'Dockerfile',
          content:
            'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const { cmd } of commandsOf(doc)) {
      const install = packageInstall(cmd);
      if (!install) continue;
      const loose = install.packages.filter((p) => !isPinned(install.manager, p.value)).map((p) => p.value);
      if (loose.length === 0) continue;
      const shown = loose.length > 3 ? `${loose.slice(0, 3).join(', ')} and ${loose.length - 3} more` : loose.join(', ');
      ctx.report({
        message: `${cmd.program} installs ${shown} without a pinned version (e.g. ${EXAMPLE[install.manager]})`,
        at: cmd.span,
      });
    }
  },
});
