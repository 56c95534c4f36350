import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument } from '../../parsers/dockerfile/dockerfile-document.js';
import { instructionCommands } from './lib/commands.js';

/** True for modes that make files writable by every user: `777`, `0666`, `o+w`, `a=rwx`; not `1777` (sticky, /tmp-like). */
export function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) {
    if (mode.length === 4 && (Number(mode[0]) & 1) === 1) return false;
    return (Number(mode[mode.length - 1]) & 2) === 2;
  }
  return mode.split(',').some((clause) => {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (!m) return false;
    const [, who, op, perms] = m;
    return (who.includes('o') || who.includes('a')) && op !== '-' && perms.includes('w');
  });
}

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0008',
    slug: 'dockerfile-world-writable-permissions',
    title: 'World-writable permissions (chmod 777)',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [{ id: 'cis-docker', control: '4.8' }],
    rationale:
      '`chmod 777` (or any mode writable by others) lets every user in the container replace the files: model weights, Python packages, entrypoint scripts. A low-privilege process that gets code execution can then plant code that a more privileged one runs, or tamper with the model.',
    remediation:
      'Give ownership to the user that needs to write (`COPY --chown=app:app`, `chown -R app:app /data`) and use restrictive modes such as `755` for directories and `644` for files. Use the sticky bit (`1777`) only for shared scratch directories.',
    references: ['https://docs.docker.com/reference/dockerfile/#copy---chown---chmod', 'https://cwe.mitre.org/data/definitions/732.html'],
    examples: {
      bad: [{ path: 'Dockerfile', content: 'FROM python:3.12\nRUN mkdir /models && chmod -R 777 /models\n' }],
      good: [{ path: 'Dockerfile', content: 'FROM python:3.12\nRUN mkdir /models && chown -R 10001:10001 /models && chmod 755 /models\n' }],
    },
  },
  check(doc, ctx) {
    for (const ins of doc.instructions) {
      if (ins.keyword === 'RUN') {
        for (const cmd of instructionCommands(doc, ins)) {
          if (cmd.program !== 'chmod') continue;
          const mode = cmd.args.find((a) => !a.value.startsWith('-') || /^-[rwxXst]+$/.test(a.value));
          if (mode && worldWritable(mode.value))
            ctx.report({ message: `chmod ${mode.value} makes files writable by every user`, at: cmd.span });
        }
      } else if (ins.keyword === 'COPY' || ins.keyword === 'ADD') {
        const chmod = ins.flag('chmod');
        if (chmod?.value && worldWritable(chmod.value))
          ctx.report({ message: `${ins.keyword} --chmod=${chmod.value} makes files writable by every user`, at: chmod.span });
      }
    }
  },
});
