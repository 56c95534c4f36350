import { defineRule } from '../../core/rule.js';
import type { HostEventDocument } from '../../parsers/events/event-documents.js';
import { eventLog, tetragonExec } from './lib/examples.js';
import { baseName, commandLine, describePod, hostPath } from './lib/process.js';

const MINERS = new Set([
  'xmrig',
  'xmr-stak',
  'minerd',
  'cpuminer',
  'cpuminer-multi',
  'ethminer',
  't-rex',
  'nbminer',
  'lolminer',
  'phoenixminer',
  'nanominer',
  'gminer',
  'teamredminer',
  'bzminer',
  'srbminer',
  'srbminer-multi',
  'rigel',
  'xmrig-cuda',
  'ccminer',
  'kawpowminer',
]);
/** Stratum pool URLs and the flags every miner takes; each alternative is anchored on literal text (linear). */
const MINER_ARGS =
  /stratum\+(?:tcp|ssl|tls):\/\/|--donate-level\b|--coin[= ](?:monero|xmr|etc|rvn|kas)\b|\b(?:--algo|-a)[= ](?:rx\/0|randomx|kawpow|ethash|etchash|autolykos2|kheavyhash)\b|\bnicehash\b|\bmoneroocean\b|\bnanopool\.org\b|\b2miners\.com\b|\bf2pool\.com\b|\bethermine\.org\b/i;
const FALCO_MINER_RULES = /miner|mining/i;

export default defineRule<HostEventDocument>({
  meta: {
    id: 'RT-0025',
    slug: 'cryptominer-activity',
    title: 'Cryptominer running',
    severity: 'critical',
    scanner: 'runtime',
    appliesTo: ['host-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0034' },
      { id: 'mitre-atlas', control: 'AML.T0029' },
    ],
    rationale:
      'GPU nodes are the most profitable place to mine: exposed notebooks, Ray clusters (ShadowRay) and model servers with code execution flaws are mined within hours of being found. A miner is recognised by its executable name, by pool URLs (`stratum+tcp://`) and the flags every miner takes, and by Falco rules about mining.',
    remediation:
      'Kill the pod and block the pool at egress; find how it got in (exposed dashboard, stolen credentials, vulnerable server), rotate what the pod could read, and quota GPUs per namespace.',
    references: [
      'https://www.oligo.security/blog/shadowray-attack-ai-workloads-actively-exploited-in-the-wild',
      'https://falco.org/docs/reference/rules/default-rules/',
    ],
    examples: {
      bad: [
        eventLog(
          'tetragon.json',
          tetragonExec({
            binary: '/tmp/.x/xmrig',
            args: '-o stratum+tcp://pool.supportxmr.com:3333 -u 4A… --donate-level 1',
            parent: '/bin/bash',
            pod: 'ray-head-7xk2p',
            namespace: 'ray',
            image: 'rayproject/ray:2.9.0',
          }),
        ),
      ],
      good: [
        eventLog(
          'tetragon.json',
          tetragonExec({
            binary: '/usr/bin/nvidia-smi',
            args: '--query-gpu=utilization.gpu --format=csv',
            parent: '/bin/bash',
            pod: 'ray-head-7xk2p',
            namespace: 'ray',
            image: 'rayproject/ray:2.9.0',
          }),
        ),
      ],
    },
  },
  check(doc, ctx) {
    const h = doc.host;
    const byRule = h.falcoRule !== undefined && FALCO_MINER_RULES.test(h.falcoRule);
    if (h.type !== 'exec' && !byRule) return;
    const name = baseName(h.binary).toLowerCase();
    const byName = MINERS.has(name);
    const byArgs = MINER_ARGS.test(h.args ?? '');
    if (!byName && !byArgs && !byRule) return;
    const why = byName ? `miner executable '${name}'` : byArgs ? 'mining pool arguments' : `Falco rule '${h.falcoRule}'`;
    ctx.report({
      at: hostPath(doc, 'binary'),
      message: `Cryptominer in ${describePod(doc, doc.facts.target)} (${why}): ${commandLine(doc)}`,
      evidence: commandLine(doc),
    });
  },
});
