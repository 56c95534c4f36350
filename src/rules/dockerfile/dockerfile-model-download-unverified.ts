import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import type { ShellCommand } from '../../parsers/shell/shell.js';
import { instructionCommands, programFamily } from './lib/commands.js';
import { COMMIT, isModelUrl, isMutableModelUrl, isWeightsUrl, urlPath } from './lib/models.js';

const CHECKSUM_TOOLS = new Set(['sha256sum', 'sha512sum', 'sha384sum', 'shasum', 'b2sum', 'b3sum']);
const HUB_CALL = /\b(snapshot_download|hf_hub_download|from_pretrained)\s*\(/;

function verifies(cmds: readonly ShellCommand[]): boolean {
  return cmds.some(
    (c) =>
      (CHECKSUM_TOOLS.has(c.program) &&
        c.args.some((a) => a.value === '-c' || a.value === '--check' || /^-[a-z]*c[a-z]*$/.test(a.value))) ||
      (c.program === 'gpg' && c.args.some((a) => a.value === '--verify')) ||
      (c.program === 'cosign' && c.args.some((a) => a.value.startsWith('verify'))),
  );
}

/** `git checkout <commit>`, `git -C dir checkout <commit>`, `git reset --hard <commit>`. */
function checksOutCommit(cmds: readonly ShellCommand[]): boolean {
  return cmds.some(
    (c) =>
      c.program === 'git' && c.args.some((a) => a.value === 'checkout' || a.value === 'reset') && c.args.some((a) => COMMIT.test(a.value)),
  );
}

function optionValue(cmd: ShellCommand, name: string): string | undefined {
  for (let i = 0; i < cmd.args.length; i++) {
    const v = cmd.args[i].value;
    if (v === name) return cmd.args[i + 1]?.value;
    if (v.startsWith(`${name}=`)) return v.slice(name.length + 1);
  }
  return undefined;
}

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0014',
    slug: 'dockerfile-model-download-unverified',
    title: 'Model weights fetched at build time without verification',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM03' },
      { id: 'owasp-llm-2025', control: 'LLM04' },
      { id: 'mitre-atlas', control: 'AML.T0010.003' },
      { id: 'mitre-atlas', control: 'AML.T0018' },
    ],
    rationale:
      'Weights baked into an image are trusted by everything that runs it. Downloading them from a branch (`main`), an unpinned hub repository or a plain URL without checking a digest means a re-uploaded, poisoned or backdoored model (or a pickle payload) ships silently with the next build.',
    remediation:
      'Pin hub downloads to a commit (`huggingface-cli download org/model --revision <40-hex sha>`, `snapshot_download(..., revision="<sha>")`, `/resolve/<sha>/` URLs) or verify a known digest in the same RUN (`echo "<sha256>  model.safetensors" | sha256sum -c -`) or with `ADD --checksum=sha256:…`. Prefer safetensors over pickle formats.',
    references: [
      'https://huggingface.co/docs/huggingface_hub/guides/cli#download-a-specific-revision',
      'https://huggingface.co/docs/hub/security-pickle',
      'https://atlas.mitre.org/techniques/AML.T0010.003',
    ],
    examples: {
      bad: [
        { path: 'Dockerfile', content: 'FROM python:3.12\nADD https://huggingface.co/org/model/resolve/main/model.safetensors /models/\n' },
        {
          path: 'Dockerfile',
          content: 'FROM python:3.12\nRUN huggingface-cli download meta-llama/Llama-3.1-8B-Instruct --local-dir /models/llama\n',
        },
      ],
      good: [
        {
          path: 'Dockerfile',
          content:
            'FROM python:3.12\nRUN huggingface-cli download meta-llama/Llama-3.1-8B-Instruct --revision 0e9e39f249a16976918f6564b8830bc894c89659 --local-dir /models/llama\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const ins of doc.byKeyword('RUN', 'ADD')) {
      if (ins.keyword === 'ADD') {
        if (ins.flag('checksum')?.value) continue;
        for (const src of ins.args.slice(0, -1))
          if (isMutableModelUrl(src.value))
            ctx.report({ message: `ADD downloads model files from ${urlPath(src.value)} without --checksum`, at: src.span });
        continue;
      }
      const cmds = instructionCommands(doc, ins);
      const verified = verifies(cmds);
      const pinnedGit = checksOutCommit(cmds);
      for (const cmd of cmds) {
        const sub = cmd.args.find((a) => !a.value.startsWith('-'))?.value;
        if ((cmd.program === 'huggingface-cli' || cmd.program === 'hf') && sub === 'download') {
          const rev = optionValue(cmd, '--revision');
          if (!rev || !COMMIT.test(rev)) {
            const repo = cmd.args.filter((a) => !a.value.startsWith('-'))[1]?.value ?? 'a repository';
            ctx.report({
              message: `${cmd.program} download of ${repo} ${rev ? `uses the mutable revision '${rev}'` : 'has no --revision'}; pin a commit`,
              at: cmd.span,
            });
          }
        } else if (cmd.program === 'curl' || cmd.program === 'wget') {
          const url = cmd.args.find((a) => isModelUrl(a.value));
          if (url && !verified && (isWeightsUrl(url.value) || isMutableModelUrl(url.value)))
            ctx.report({
              message: `${cmd.program} downloads model weights from ${urlPath(url.value)} without verifying a checksum`,
              at: cmd.span,
            });
        } else if (cmd.program === 'git' && !pinnedGit) {
          const lfs = cmd.args[0]?.value === 'lfs' && ['pull', 'fetch', 'clone'].includes(cmd.args[1]?.value ?? '');
          const hubClone = sub === 'clone' && cmd.args.some((a) => /huggingface\.co\//i.test(a.value));
          if (lfs || hubClone)
            ctx.report({
              message: `git ${lfs ? 'lfs ' : ''}${lfs ? cmd.args[1].value : 'clone'} fetches model files without checking out a pinned commit`,
              at: cmd.span,
            });
        } else if (programFamily(cmd.program) === 'python') {
          const code = cmd.args.find((a) => HUB_CALL.test(a.value));
          if (code && !/\brevision\s*=/.test(code.value))
            ctx.report({ message: `${cmd.program} downloads a hub model without a pinned revision`, at: cmd.span });
        }
      }
    }
  },
});
