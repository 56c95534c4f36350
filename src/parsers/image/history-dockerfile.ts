import type { HistoryEntry } from '../../sources/image/image-source.js';

/** What a legacy builder writes before metadata steps. */
const NOP = /^\/bin\/(?:ba)?sh -c #\(nop\)\s*/;
const SHELL_PREFIX = /^\/bin\/(?:ba)?sh -c\s+/;
const BUILDKIT_SUFFIX = '# buildkit';
/** `|2 A=1 B=2 /bin/sh -c …`: the build arguments a RUN step saw. */
const BUILD_ARGS = /^\|(\d{1,3})\s+/;
/** Steps kept out of the rebuilt Dockerfile: their result is in the image config, which image rules read. */
const CONFIG_STEPS = new Set(['ENV', 'LABEL', 'MAINTAINER']);
const KEYWORDS = new Set([
  'RUN',
  'ADD',
  'COPY',
  'ENV',
  'ARG',
  'USER',
  'WORKDIR',
  'EXPOSE',
  'CMD',
  'ENTRYPOINT',
  'HEALTHCHECK',
  'LABEL',
  'VOLUME',
  'SHELL',
  'STOPSIGNAL',
  'ONBUILD',
  'MAINTAINER',
]);

/**
 * The image's build history (`created_by` of each step, from the legacy builder, BuildKit or
 * buildah) written back as a Dockerfile, so that the Dockerfile rules judge the steps that made the
 * image: `RUN` commands with the build arguments they saw (as `ARG`), `ADD`/`COPY` sources, `USER`,
 * `EXPOSE`. `ENV` and `LABEL` are left out: their values are in the config, which image rules read.
 * Returns undefined when the history holds no step.
 */
export function historyToDockerfile(history: readonly HistoryEntry[]): string | undefined {
  const lines: string[] = ['# Rebuilt by sanctum from the image history (one instruction per step)', 'FROM scratch'];
  let steps = 0;
  for (const h of history) {
    const step = stepOf(h.created_by ?? '');
    if (!step) continue;
    steps++;
    for (const item of step) lines.push(item);
  }
  return steps === 0 ? undefined : lines.join('\n') + '\n';
}

/**
 * The step without BuildKit's ` # buildkit` suffix (spaces before it required). Not a regular
 * expression anchored at the end (`\s+# buildkit$`): tried from every space of a long run of them,
 * it took quadratic time (27 s for a config of 130 KB).
 */
function withoutBuildkitSuffix(text: string): string {
  if (!text.endsWith(BUILDKIT_SUFFIX)) return text;
  const head = text.slice(0, -BUILDKIT_SUFFIX.length);
  const trimmed = head.trimEnd();
  return trimmed.length < head.length ? trimmed : text;
}

function stepOf(createdBy: string): string[] | undefined {
  let text = withoutBuildkitSuffix(createdBy.trim());
  if (text === '') return undefined;
  if (NOP.test(text)) text = text.replace(NOP, '');
  else if (SHELL_PREFIX.test(text) || BUILD_ARGS.test(text)) text = `RUN ${text}`;
  const keyword = /^([A-Za-z]+)\b/.exec(text)?.[1]?.toUpperCase();
  if (!keyword || !KEYWORDS.has(keyword)) return [`# ${oneLine(text)}`];
  if (CONFIG_STEPS.has(keyword)) return undefined;
  let rest = text.slice(keyword.length).trim();
  if (keyword === 'RUN') {
    const out: string[] = [];
    const args = BUILD_ARGS.exec(rest);
    if (args) {
      rest = rest.slice(args[0].length);
      for (let i = 0; i < Number(args[1]); i++) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)\s*/.exec(rest);
        if (!m) break;
        out.push(`ARG ${m[1]}=${m[2]}`);
        rest = rest.slice(m[0].length);
      }
    }
    rest = rest.replace(SHELL_PREFIX, '');
    out.push(`RUN ${oneLine(rest)}`);
    return out;
  }
  if (keyword === 'ADD' || keyword === 'COPY') {
    // Legacy: `ADD file:0123… in /` names the source by its content hash.
    const legacy = /^(\S+) in (\S+)\s*$/.exec(rest);
    if (legacy) rest = `${legacy[1]} ${legacy[2]}`;
  }
  if (keyword === 'EXPOSE') {
    // BuildKit: `EXPOSE map[8080/tcp:{} 22/tcp:{}]`.
    const map = /^map\[(.*)\]$/.exec(rest);
    if (map) rest = map[1].replace(/:\{\}/g, '');
  }
  if (keyword === 'HEALTHCHECK' || keyword === 'SHELL' || keyword === 'ONBUILD' || keyword === 'VOLUME' || keyword === 'STOPSIGNAL')
    return [`# ${keyword} ${oneLine(rest)}`];
  return [`${keyword} ${oneLine(rest)}`];
}

/** One physical line: newlines inside a step are continued with a backslash. */
function oneLine(s: string): string {
  return s.replace(/\r?\n/g, ' \\\n  ');
}
