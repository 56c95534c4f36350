import type { TextDocument } from '../../core/text-document.js';
import { defineRule } from '../../core/rule.js';
import { isDocumentation, mayHoldMalware, spans } from './lib/malware.js';

/** XMRig-style JSON settings: a `"donate-level"`, `"randomx"` or `"cpu"` block with `"pools"`. */
const XMRIG_KEYS = /"(?:donate-level|donate-over-proxy|randomx|nicehash)"\s*:/g;
/** Miner command lines: xmrig, cpuminer/minerd, ethminer, lolMiner, T-Rex, NBMiner with their pool and wallet options. */
const MINER_COMMAND =
  /\b(?:xmrig|xmr-stak(?:-rx)?|cpuminer(?:-multi|-opt)?|minerd|ethminer|lolminer|t-rex|nbminer|phoenixminer|gminer|nanominer|srbminer(?:-multi)?)\b[^\n]{0,200}?(?:\s--?(?:o|url|pool|P|user|u|wallet|algo|a|donate-level|coin)[\s=])/gi;

export default defineRule<TextDocument>({
  meta: {
    id: 'IMG-0010',
    slug: 'image-miner-configuration',
    title: 'Cryptocurrency miner configuration or command',
    severity: 'critical',
    scanner: 'malware',
    appliesTo: ['text'],
    frameworks: [{ id: 'mitre-atlas', control: 'AML.T0034' }],
    rationale:
      'XMRig settings (`"donate-level"`, `"randomx"`, pools and a wallet) or a miner started with its pool and wallet options turn the container, and the GPUs it is given, into someone else\'s mining rig: the cloud bill and the lost capacity are the owner\'s.',
    remediation:
      'Do not run the image. Remove the miner, rebuild from a trusted base, and find how it got into the build (a compromised base image, a dependency, leaked registry credentials).',
    references: ['https://xmrig.com/docs/miner/config', 'https://attack.mitre.org/techniques/T1496/'],
    examples: {
      bad: [
        {
          path: 'etc/config.json',
          content:
            '{\n  "donate-level": 0,\n  "cpu": { "enabled": true },\n  "pools": [{ "url": "pool.example.net:443", "user": "44AFFq5kSiGBoZ", "tls": true }]\n}\n',
        },
      ],
      good: [{ path: 'etc/config.json', content: '{\n  "model": "meta-llama/Llama-3.1-8B",\n  "pools": []\n}\n' }],
    },
  },
  check(doc, ctx) {
    if (isDocumentation(doc.file.path) || !mayHoldMalware(doc, ctx)) return;
    const text = doc.text;
    if (text.includes('"pools"')) {
      const keys = spans(text, XMRIG_KEYS);
      if (keys.length > 0)
        ctx.report({
          message: `XMRig miner settings (${keys.map((k) => k.match.replace(/\s*:$/, '')).join(', ')} with pools)`,
          at: keys[0],
        });
    }
    if (/miner|xmr|t-rex/i.test(text))
      for (const s of spans(text, MINER_COMMAND))
        ctx.report({ message: 'Cryptocurrency miner started with pool or wallet options', at: s, evidence: s.match.slice(0, 120) });
  },
});
