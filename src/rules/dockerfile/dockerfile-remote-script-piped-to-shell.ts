import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import type { ShellCommand, ShellScript } from '../../parsers/shell/shell.js';
import { commandsOf, programFamily } from './lib/commands.js';

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch']);
const INTERPRETERS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'python', 'perl', 'ruby', 'node']);
/** True when a word holds `$(curl …)`, `` `wget …` `` or `<(curl …)`. */
function substitutedDownload(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (!(c === '`' || ((c === '$' || c === '<') && word[i + 1] === '('))) continue;
    let j = c === '`' ? i + 1 : i + 2;
    while (word[j] === ' ' || word[j] === '\t') j++;
    let k = j;
    while (k < word.length && word[k] !== ' ' && word[k] !== '\t' && word[k] !== ')' && word[k] !== '`') k++;
    const prog = word.slice(j, k);
    const base = prog.slice(prog.lastIndexOf('/') + 1);
    if (DOWNLOADERS.has(base)) return true;
  }
  return false;
}

function interpreter(cmd: ShellCommand): boolean {
  let c = cmd;
  if (c.program === 'sudo' || c.program === 'env') {
    const k = c.args.findIndex((a) => !a.value.startsWith('-') && !a.value.includes('='));
    if (k === -1) return false;
    c = { ...c, program: c.args[k].value.slice(c.args[k].value.lastIndexOf('/') + 1), args: c.args.slice(k + 1) };
  }
  if (!INTERPRETERS.has(programFamily(c.program))) return false;
  // `| python3 -c "…"` parses the download, `| bash -c "…"` runs the string: neither runs the stream.
  return !c.args.some((a) => a.value === '-c' || a.value === '-m' || a.value === '-e');
}

/**
 * For each command of a script, the first interpreter running the stream later in its pipeline: one
 * pass from the end (the commands of a pipeline are consecutive), so that a pipeline of n downloads
 * costs n, not n² (`curl x | curl x | …` of a few hundred KB took minutes).
 */
function laterInterpreters(script: ShellScript): Map<ShellCommand, ShellCommand | undefined> {
  const out = new Map<ShellCommand, ShellCommand | undefined>();
  const cmds = script.commands;
  let next: ShellCommand | undefined;
  for (let k = cmds.length - 1; k >= 0; k--) {
    const after = cmds[k + 1];
    if (after === undefined || after.pipeline !== cmds[k].pipeline) next = undefined;
    else if (interpreter(after)) next = after;
    out.set(cmds[k], next);
  }
  return out;
}

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0006',
    slug: 'dockerfile-remote-script-piped-to-shell',
    title: 'Remote script piped into a shell',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'cis-docker', control: '4.11' },
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'mitre-atlas', control: 'AML.T0010' },
    ],
    rationale:
      '`curl … | sh` runs whatever the server sends, unverified, as the build user (usually root): a compromised install script, CDN or DNS answer owns the image and everything built from it. Installer one-liners for model runtimes and CUDA tooling are a favourite target.',
    remediation:
      'Download to a file, verify it against a pinned checksum or signature, then run it: `curl -fsSLo install.sh URL && echo "<sha256>  install.sh" | sha256sum -c - && sh install.sh`. Better, install a pinned package or copy the binary from a digest-pinned image.',
    references: [
      'https://docs.docker.com/build/building/best-practices/#using-pipes',
      'https://www.idontplaydarts.com/2016/04/detecting-curl-pipe-bash-server-side/',
    ],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM ubuntu:24.04\nRUN curl -fsSL https://ollama.com/install.sh | sh\n' }],
      good: [
        {
          path: 'Dockerfile',
          content: `FROM ubuntu:24.04\nRUN curl -fsSLo /tmp/install.sh https://ollama.com/install.sh \\\n && echo "${'1'.repeat(64)}  /tmp/install.sh" | sha256sum -c - \\\n && sh /tmp/install.sh\n`,
        },
      ],
    },
  },
  check(doc, ctx) {
    let shells: { script: ShellScript; next: Map<ShellCommand, ShellCommand | undefined> } | undefined;
    for (const { script, cmd } of commandsOf(doc, ['RUN', 'CMD', 'ENTRYPOINT'])) {
      if (DOWNLOADERS.has(cmd.program)) {
        if (shells?.script !== script) shells = { script, next: laterInterpreters(script) };
        const shell = shells.next.get(cmd);
        if (shell)
          ctx.report({
            message: `Output of ${cmd.program} is piped into ${shell.program === 'sudo' ? shell.args.find((a) => !a.value.startsWith('-'))?.value : shell.program} and run unverified`,
            at: { start: cmd.span.start, end: shell.span.end },
          });
      } else if (INTERPRETERS.has(programFamily(cmd.program))) {
        const sub = cmd.args.find((a) => substitutedDownload(a.value));
        if (sub) ctx.report({ message: `${cmd.program} runs a script downloaded by command substitution, unverified`, at: cmd.span });
      }
    }
  },
});
