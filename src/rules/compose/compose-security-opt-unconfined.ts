import { defineRule } from '../../core/rule.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';
import { removeItem } from './lib/edits.js';

/** `seccomp:unconfined`, `seccomp=unconfined`, `apparmor:unconfined`, `label:disable`, `no-new-privileges:false`. */
function disables(opt: string): string | undefined {
  const m = /^\s*([a-z-]+)\s*[:=]\s*(\S+)\s*$/i.exec(opt);
  if (!m) return undefined;
  const [, key, value] = m;
  const k = key.toLowerCase();
  const v = value.toLowerCase();
  if (k === 'seccomp' && v === 'unconfined') return 'seccomp';
  if (k === 'apparmor' && v === 'unconfined') return 'AppArmor';
  if (k === 'label' && v === 'disable') return 'SELinux labelling';
  if (k === 'systempaths' && v === 'unconfined') return 'masked /proc and /sys paths';
  return undefined;
}

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0007',
    slug: 'compose-security-opt-unconfined',
    title: 'Compose service disables seccomp or AppArmor',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [
      { id: 'cis-docker', control: '5.22' },
      { id: 'cis-docker', control: '5.2' },
    ],
    rationale:
      'The default seccomp profile blocks the system calls behind most kernel exploits and container escapes, and the default AppArmor profile confines writes to /proc and /sys. `seccomp:unconfined` or `apparmor:unconfined` removes that layer for everything in the container, including code a model or agent runs.',
    remediation:
      'Remove the option to get Docker\'s defaults back. If one system call is missing, ship a custom seccomp profile that adds only it (`security_opt: ["seccomp=./seccomp.json"]`).',
    references: [
      'https://docs.docker.com/engine/security/seccomp/',
      'https://docs.docker.com/engine/security/apparmor/',
      'https://docs.docker.com/reference/compose-file/services/#security_opt',
    ],
    fixable: true,
    examples: {
      bad: [
        { path: 'compose.yaml', content: 'services:\n  sandbox:\n    image: python:3.12\n    security_opt:\n      - seccomp:unconfined\n' },
      ],
      good: [
        {
          path: 'compose.yaml',
          content: 'services:\n  sandbox:\n    image: python:3.12\n    security_opt:\n      - no-new-privileges:true\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      const opts = s.service.security_opt;
      if (!Array.isArray(opts)) continue;
      const what = opts.map((o) => (typeof o === 'string' ? disables(o) : undefined));
      const bad = what.filter(Boolean).length;
      what.forEach((w, i) => {
        if (!w) return;
        const listPath = [...s.path, 'security_opt'];
        const fix = removeItem(doc, listPath, i, opts.length - bad + 1, `Remove '${String(opts[i])}' from service '${s.name}'`);
        ctx.report({
          message: `Service '${s.name}' disables ${w} with '${String(opts[i])}'`,
          at: [...listPath, i],
          ...(fix ? { fix } : {}),
        });
      });
    }
  },
});
