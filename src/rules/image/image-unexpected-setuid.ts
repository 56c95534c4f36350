import { defineRule } from '../../core/rule.js';
import type { ImageFactsDocument } from '../../parsers/image/image-facts.js';
import { imageFactsJson } from './lib/examples.js';

/** SUID/SGID programs base images ship on purpose (Debian, Ubuntu, Alpine, UBI). */
const USUAL = new Set([
  'su',
  'sudo',
  'passwd',
  'chsh',
  'chfn',
  'gpasswd',
  'newgrp',
  'mount',
  'umount',
  'ping',
  'ping6',
  'expiry',
  'chage',
  'unix_chkpwd',
  'pam_timestamp_check',
  'ssh-agent',
  'ssh-keysign',
  'wall',
  'write',
  'crontab',
  'dbus-daemon-launch-helper',
  'pkexec',
  'polkit-agent-helper-1',
  'fusermount',
  'fusermount3',
  'newuidmap',
  'newgidmap',
  'bsd-write',
  'at',
  'staprun',
  'Xorg.wrap',
  'chromium-sandbox',
  'chrome-sandbox',
  'mount.nfs',
  'mount.cifs',
  'userhelper',
  'utempter',
  'locate',
  'plocate',
  'mlocate',
  'screen',
  'traceroute6.iputils',
  'arping',
  'sg',
  'vmware-user-suid-wrapper',
  'busybox',
  'bbsuid',
]);

export default defineRule<ImageFactsDocument>({
  meta: {
    id: 'IMG-0006',
    slug: 'image-unexpected-setuid',
    title: 'SUID or SGID file outside the usual set',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['image-facts'],
    frameworks: [{ id: 'cis-docker', control: '4.8' }],
    rationale:
      "A file with the set-user-ID or set-group-ID bit runs with its owner's privileges whoever starts it. Base images carry a known set (passwd, su, mount); any other, such as a shell, an interpreter, a copied tool or a file in /tmp or /home, is a ready-made privilege escalation, and a known trick of backdoored images.",
    remediation:
      'Remove the bit in the Dockerfile (`RUN chmod u-s,g-s /path`), or strip all of them: `RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +`. Run the container with `allowPrivilegeEscalation: false` so that no SUID file can raise privileges.',
    references: ['https://gtfobins.github.io/#+suid', 'https://docs.docker.com/engine/security/#linux-kernel-capabilities'],
    examples: {
      bad: [
        {
          path: 'image-facts.json',
          content: imageFactsJson([{ kind: 'setuid', path: '/usr/local/bin/python3.11', mode: '4755', layer: 0 }]),
        },
      ],
      good: [{ path: 'image-facts.json', content: imageFactsJson([{ kind: 'setuid', path: '/usr/bin/passwd', mode: '4755', layer: 0 }]) }],
    },
  },
  check(doc, ctx) {
    for (const fact of doc.facts) {
      if (fact.kind !== 'setuid' && fact.kind !== 'setgid') continue;
      const name = fact.path.slice(fact.path.lastIndexOf('/') + 1);
      const usualPlace = /^\/(?:usr\/)?(?:s?bin|lib(?:exec)?(?:64)?)\//.test(fact.path);
      if (USUAL.has(name) && usualPlace) continue;
      const bit = fact.kind === 'setuid' ? 'SUID' : 'SGID';
      ctx.report({ message: `${fact.path} is ${bit} (mode ${fact.mode}), outside the set base images ship`, at: ['facts', fact.index] });
    }
  },
});
