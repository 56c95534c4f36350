import { defineRule } from '../../core/rule.js';
import type { HostEventDocument } from '../../parsers/events/event-documents.js';
import { eventLog, tetragonKprobe } from './lib/examples.js';
import { describePod, hostPath } from './lib/process.js';

/** RFC 1918, loopback, link-local, CGNAT and IPv6 unique-local addresses: inside the cluster or the VPC. */
const PRIVATE =
  /^(?:10\.|127\.|169\.254\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\.|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.|::1$|f[cd][0-9a-f]{2}:|fe80:)/i;

const connect = (ip: string, time: string) =>
  tetragonKprobe(
    { binary: '/usr/bin/python3', args: '-m vllm.entrypoints.openai.api_server --model meta-llama/Llama-3.1-8B-Instruct', time },
    'tcp_connect',
    [
      {
        sock_arg: {
          family: 'AF_INET',
          type: 'SOCK_STREAM',
          protocol: 'IPPROTO_TCP',
          saddr: '10.244.3.17',
          daddr: ip,
          sport: 51234,
          dport: 443,
        },
      },
    ],
  );

export default defineRule<HostEventDocument>({
  meta: {
    id: 'RT-0022',
    slug: 'model-server-new-destination',
    title: 'Model server connects to an address it never contacted',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['host-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0025' },
      { id: 'mitre-atlas', control: 'AML.T0072' },
      { id: 'owasp-llm-2025', control: 'LLM06' },
    ],
    rationale:
      'Once loaded, a model server talks to few places: its clients, its metrics collector, perhaps a model store. A connection to an address it did not use while Sanctum learned (the warm-up after the workload was first seen) is the sign of a reverse shell, exfiltration of weights or prompts, or an agent tool fetching from an attacker. Public addresses are high; new addresses inside the cluster or VPC medium.',
    remediation:
      'Check what process made the connection; give model servers a default-deny egress NetworkPolicy that allows only what they need.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic',
      'https://tetragon.io/docs/use-cases/network-observability/',
    ],
    examples: {
      bad: [
        eventLog(
          'tetragon.json',
          connect('10.96.0.10', '2026-03-02T08:00:00.000000000Z'),
          connect('198.51.100.23', '2026-03-02T10:30:00.000000000Z'),
        ),
      ],
      good: [
        eventLog(
          'tetragon.json',
          connect('10.96.0.10', '2026-03-02T08:00:00.000000000Z'),
          connect('10.96.0.10', '2026-03-02T10:30:00.000000000Z'),
        ),
      ],
    },
  },
  check(doc, ctx) {
    const target = doc.facts.target;
    const dest = doc.host.destination;
    if (!doc.facts.newDestination || !dest || target?.kind !== 'model-server') return;
    const internal = PRIVATE.test(dest.ip);
    ctx.report({
      at: hostPath(doc, 'destination'),
      severity: internal ? 'medium' : 'high',
      message: `${describePod(doc, target)} connected to ${dest.ip}${dest.port !== undefined ? `:${dest.port}` : ''}, ${internal ? 'an internal address' : 'a public address'} it never contacted before`,
    });
  },
});
