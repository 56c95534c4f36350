import { defineRule } from '../../core/rule.js';
import type { Severity } from '../../core/types.js';
import type { ComposeDocument } from '../../parsers/compose/compose-document.js';

/** Host directories that hand over the host: its configuration, kernel interfaces, boot files, root's home, Kubernetes state. */
const SYSTEM_DIRS = ['/etc', '/root', '/boot', '/proc', '/sys', '/var/lib/kubelet', '/var/lib/containerd'];

/** Files under /etc that images commonly read for the time zone or trust store: a bind of one of them gives nothing else. */
const HARMLESS_FILES = [
  '/etc/localtime',
  '/etc/timezone',
  '/etc/hostname',
  '/etc/machine-id',
  '/etc/os-release',
  '/etc/ssl/certs',
  '/etc/ca-certificates',
  '/etc/pki/ca-trust',
];

/** Credential directories in a user's home, and what they hold. */
const CREDENTIAL_DIRS: Record<string, string> = {
  '.ssh': 'SSH keys',
  '.aws': 'AWS credentials',
  '.kube': 'Kubernetes credentials',
  '.docker': 'registry credentials',
  '.config/gcloud': 'Google Cloud credentials',
  '.azure': 'Azure credentials',
  '.gnupg': 'GPG keys',
  '.cache/huggingface/token': 'Hugging Face token',
  '.huggingface/token': 'Hugging Face token',
};

const HOME = /^(~|\$HOME|\$\{HOME\}|\/root|\/home\/[^/]+|\/Users\/[^/]+)(?=\/|$)/;

function normalize(p: string): string {
  const squeezed = p.replace(/\/+/g, '/');
  return squeezed.length > 1 && squeezed.endsWith('/') ? squeezed.slice(0, -1) : squeezed;
}

const within = (p: string, dir: string) => p === dir || p.startsWith(dir + '/');

/** What a host path gives the service, with the severity; undefined for ordinary directories. */
function sensitivity(src: string, readOnly: boolean): { what: string; severity: Severity } | undefined {
  if (src === '/') return { what: "the host's root filesystem", severity: 'critical' };
  // One device (`/dev/dri` for a GPU) is a narrow grant; all of /dev is every disk of the host.
  if (src === '/dev') return { what: "the host's /dev (every device, disks included)", severity: readOnly ? 'high' : 'critical' };
  const home = HOME.exec(src);
  if (home) {
    const rest = src.slice(home[0].length + 1);
    for (const [dir, what] of Object.entries(CREDENTIAL_DIRS))
      if (rest && within(rest, dir)) return { what: `the host user's ${what} (${src})`, severity: 'high' };
    if (!rest) return { what: `the home directory ${src} of the host`, severity: home[0] === '/root' ? 'critical' : 'high' };
  }
  if (HARMLESS_FILES.some((f) => within(src, f))) return undefined;
  for (const dir of SYSTEM_DIRS) if (within(src, dir)) return { what: `the host's ${src}`, severity: readOnly ? 'high' : 'critical' };
  return undefined;
}

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0013',
    slug: 'compose-sensitive-host-mount',
    title: "Service mounts the host's root, system directories or credentials",
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [{ id: 'cis-docker', control: '5.5' }],
    rationale:
      "A bind mount of the host's `/`, `/etc`, `/root`, `/proc`, `/sys`, `/dev`, `/boot` or the kubelet's directory gives the service the host: written to, it plants cron jobs, SSH keys or binaries that run as root on the host; read-only, it still reads `/etc/shadow`, private keys and every other container's secrets. Mounting a user's `~/.ssh`, `~/.aws`, `~/.kube` or `~/.docker` hands the service that user's credentials: a notebook or agent that runs model-suggested code then reaches the cloud account or cluster. Mounts of `/etc/localtime`, `/etc/timezone` and the CA store are common and harmless, and are not reported. The container runtime socket is `CMP-0005`.",
    remediation:
      "Mount only the directory the service needs (`./models:/models:ro`), or a named volume. Give credentials as Compose `secrets` or short-lived tokens scoped to the service, never the host user's whole credential directory. Monitoring agents that need host directories belong on hosts of their own, with the mounts read-only.",
    references: [
      'https://docs.docker.com/reference/compose-file/services/#volumes',
      'https://docs.docker.com/engine/storage/bind-mounts/',
      'https://docs.docker.com/compose/how-tos/use-secrets/',
    ],
    examples: {
      bad: [
        {
          path: 'docker-compose.yml',
          content:
            'services:\n  notebook:\n    image: quay.io/jupyter/pytorch-notebook:2024-10-07\n    volumes:\n      - /:/host\n      - ~/.aws:/home/jovyan/.aws:ro\n',
        },
      ],
      good: [
        {
          path: 'docker-compose.yml',
          content:
            'services:\n  notebook:\n    image: quay.io/jupyter/pytorch-notebook:2024-10-07\n    volumes:\n      - ./work:/home/jovyan/work\n      - /etc/localtime:/etc/localtime:ro\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      for (const v of doc.volumes(s)) {
        if (!v.source || (v.type !== 'bind' && !/^(\/|~|\$)/.test(v.source))) continue;
        const src = normalize(v.source);
        const hit = sensitivity(src, v.readOnly);
        if (!hit) continue;
        ctx.report({
          message: `Service '${s.name}' mounts ${hit.what}${v.readOnly ? ' (read-only)' : ''}${v.target ? ` at ${v.target}` : ''}`,
          at: v.path,
          severity: hit.severity,
          evidence: v.source,
        });
      }
    }
  },
});
