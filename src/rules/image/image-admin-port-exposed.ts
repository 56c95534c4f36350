import { defineRule } from '../../core/rule.js';
import type { ImageConfigDocument } from '../../parsers/image/image-config.js';
import { imageConfigJson } from './lib/examples.js';

/** Ports whose service administers the machine or the container platform, or runs code for whoever reaches it. */
const ADMIN_PORTS = new Map<number, string>([
  [22, 'SSH'],
  [23, 'Telnet'],
  [2375, 'the Docker API without TLS'],
  [2376, 'the Docker API'],
  [3389, 'RDP'],
  [5900, 'VNC'],
  [6443, 'the Kubernetes API'],
  [10250, 'the kubelet API'],
  [8265, 'the Ray dashboard (job submission runs code)'],
  [8888, 'Jupyter (a notebook runs code)'],
]);

export default defineRule<ImageConfigDocument>({
  meta: {
    id: 'IMG-0005',
    slug: 'image-admin-port-exposed',
    title: 'Image exposes an administration port',
    severity: 'medium',
    scanner: 'misconfig',
    appliesTo: ['image-config'],
    frameworks: [
      { id: 'cis-docker', control: '5.9' },
      { id: 'mitre-atlas', control: 'AML.T0049' },
    ],
    rationale:
      "An image that exposes SSH, a remote desktop, the Docker or Kubernetes API, a Jupyter server or the Ray dashboard advertises a way to run commands in the container. Published with `-P` or by a Service that takes the image's ports, it becomes reachable by anyone on the network.",
    remediation:
      'Remove the `EXPOSE` of administration ports from the Dockerfile; use `kubectl exec`/`docker exec` for administration, and reach notebooks or dashboards through an authenticated proxy.',
    references: ['https://docs.docker.com/reference/dockerfile/#expose'],
    examples: {
      bad: [{ path: 'config.json', content: imageConfigJson({ ExposedPorts: { '8000/tcp': {}, '22/tcp': {} } }) }],
      good: [{ path: 'config.json', content: imageConfigJson({ ExposedPorts: { '8000/tcp': {} } }) }],
    },
  },
  check(doc, ctx) {
    for (const p of doc.exposedPorts()) {
      const what = ADMIN_PORTS.get(p.port);
      if (what) ctx.report({ message: `The image exposes port ${p.port}/${p.protocol} (${what})`, at: p.path });
    }
  },
});
