import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument, DockerInstruction } from '../../parsers/dockerfile/dockerfile-document.js';
import type { ShellCommand } from '../../parsers/shell/shell.js';
import { instructionCommands, pipInstallArgs } from './lib/commands.js';
import { managerOf, packageInstall, subcommand } from './lib/packages.js';

const CACHE_DIRS: Record<string, RegExp> = {
  apt: /\/var\/lib\/apt\/lists|\/var\/cache\/apt/,
  apk: /\/var\/cache\/apk/,
  yum: /\/var\/cache\/(yum|dnf|libdnf5)/,
  pip: /\.cache(?:\/pip)?\/?(?:,|$)/,
};

/** apt sub-commands that read the package lists `apt-get update` fetched. */
const APT_CONSUMERS = new Set(['install', 'upgrade', 'dist-upgrade', 'full-upgrade', 'build-dep', 'source']);

function cacheMounts(ins: DockerInstruction): string[] {
  return ins.flags.filter((f) => f.name === 'mount' && f.value && /(^|,)type=cache(,|$)/.test(f.value)).map((f) => f.value!);
}

function removes(cmds: readonly ShellCommand[], dir: RegExp): boolean {
  return cmds.some((c) => c.program === 'rm' && c.args.some((a) => dir.test(a.value)));
}

/** `PIP_NO_CACHE_DIR` set to a true value in the stage (pip reads `1`, `true`, `yes`, `on` and, historically, `off`). */
function pipCacheDisabled(doc: DockerfileDocument, ins: DockerInstruction): boolean {
  const v = doc.variablesAt(ins).get('PIP_NO_CACHE_DIR');
  return v !== undefined && v !== null && /^(1|true|yes|on|off)$/i.test(v);
}

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0011',
    slug: 'dockerfile-package-cache-not-cleaned',
    title: 'Package manager cache left in the image',
    severity: 'low',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '4.7' },
      { id: 'cis-docker', control: '4.3' },
    ],
    rationale:
      'Package indexes and download caches (`/var/lib/apt/lists`, `/var/cache/apk`, the dnf cache, `~/.cache/pip`: often gigabytes for CUDA wheels) stay in the layer of the RUN that created them, bloating the image and shipping stale metadata. `apt-get update` in a RUN of its own is worse: later builds reuse the cached, outdated index layer (CIS 4.7).',
    remediation:
      'Update, install and clean in one RUN: `apt-get update && apt-get install -y --no-install-recommends … && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache …`, `dnf install -y … && dnf clean all`, `pip install --no-cache-dir …`, or use BuildKit cache mounts (`RUN --mount=type=cache,target=/var/cache/apt …`).',
    references: [
      'https://docs.docker.com/build/building/best-practices/#apt-get',
      'https://docs.docker.com/build/cache/optimize/#use-cache-mounts',
      'https://github.com/hadolint/hadolint/wiki/DL3009',
    ],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8\n' }],
      good: [
        {
          path: 'Dockerfile',
          content: 'FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const ins of doc.byKeyword('RUN')) {
      const cmds = instructionCommands(doc, ins);
      const mounts = cacheMounts(ins);
      // Each asked once per RUN, however many installs it has (asked at every install, a RUN of n
      // installs took n²: minutes for a few hundred KB).
      const cachedKinds = new Map<string, boolean>();
      const cached = (kind: string): boolean => {
        let known = cachedKinds.get(kind);
        if (known === undefined) {
          known = removes(cmds, CACHE_DIRS[kind]) || mounts.some((m) => CACHE_DIRS[kind].test(m));
          cachedKinds.set(kind, known);
        }
        return known;
      };
      let yumCleans: boolean | undefined;
      const aptSub = (c: ShellCommand): string | undefined => (managerOf(c) === 'apt' ? subcommand(c, 'apt')?.name : undefined);
      const installsApt = cmds.some((c) => APT_CONSUMERS.has(aptSub(c) ?? ''));
      // One finding per package manager and RUN: the fix (clean up at the end) is the same.
      const reported = new Set<string>();
      const once = (kind: string): boolean => !reported.has(kind) && reported.add(kind) !== undefined;
      for (const cmd of cmds) {
        const install = packageInstall(cmd);
        if (APT_CONSUMERS.has(aptSub(cmd) ?? '') && !cached('apt') && once('apt'))
          ctx.report({
            message: `${cmd.program} ${aptSub(cmd)} leaves the apt package lists in the layer; remove /var/lib/apt/lists/* in the same RUN`,
            at: cmd.span,
          });
        else if (install?.manager === 'apk' && !install.options.some((o) => o.value === '--no-cache') && !cached('apk') && once('apk'))
          ctx.report({ message: 'apk add without --no-cache leaves the package index in the layer', at: cmd.span });
        else if (install?.manager === 'yum') {
          yumCleans ??= cmds.some((c) => managerOf(c) === 'yum' && subcommand(c, 'yum')?.name === 'clean');
          if (!yumCleans && !cached('yum') && once('yum'))
            ctx.report({
              message: `${cmd.program} install without '${cmd.program} clean all' leaves its cache in the layer`,
              at: cmd.span,
            });
        } else if (aptSub(cmd) === 'update' && !installsApt && mounts.length === 0) {
          ctx.report({
            message: `${cmd.program} update without an install in the same RUN leaves a stale package index layer`,
            at: cmd.span,
          });
        } else if (!install) {
          const pip = pipInstallArgs(cmd);
          if (
            pip &&
            !pip.some((a) => a.value === '--no-cache-dir') &&
            !cached('pip') &&
            !pipCacheDisabled(doc, ins) &&
            cmd.program !== 'uv'
          )
            ctx.report({ message: 'pip install without --no-cache-dir keeps downloaded wheels in the layer', at: cmd.span });
        }
      }
    }
  },
});
