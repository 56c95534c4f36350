import type { TextDocument } from '../../core/text-document.js';
import { defineRule } from '../../core/rule.js';
import { isDocumentation, mayHoldMalware, spans } from './lib/malware.js';

/** `stratum+tcp://host:port` and its TLS variants, the protocol of mining pools. */
const STRATUM = /\bstratum2?\+(?:tcp|ssl|tls|ws|wss):\/\/[A-Za-z0-9.-]{1,253}(?::\d{1,5})?/gi;
/** Public mining pools, named in miner configs and droppers. */
const POOLS =
  /\b(?:minexmr\.com|supportxmr\.com|xmrpool\.eu|moneroocean\.stream|nanopool\.org|c3pool\.(?:com|org)|hashvault\.pro|herominers\.com|unmineable\.com|2miners\.com|f2pool\.com|xmr\.pool\.minergate\.com|monerohash\.com|kryptex\.network)\b/gi;

export default defineRule<TextDocument>({
  meta: {
    id: 'IMG-0009',
    slug: 'image-miner-pool-url',
    title: 'Cryptocurrency mining pool address',
    severity: 'critical',
    scanner: 'malware',
    appliesTo: ['text'],
    frameworks: [{ id: 'mitre-atlas', control: 'AML.T0034' }],
    rationale:
      'A `stratum+tcp://` URL or the address of a public mining pool in a script, config or crontab is the mark of a cryptominer: GPU nodes that run AI workloads are the favourite target of cryptojacking, and images pushed to public registries with a miner inside are a known supply-chain attack.',
    remediation:
      'Do not run the image. Find the layer and the build step that added the file (`location.image`), rebuild from a trusted base without it, and check the build pipeline and registry credentials for compromise.',
    references: ['https://attack.mitre.org/techniques/T1496/', 'https://www.sysdig.com/blog/cryptominers-docker-hub-images'],
    examples: {
      bad: [{ path: 'start.sh', content: '#!/bin/sh\n./kthreadd -o stratum+tcp://pool.example.net:3333 -u 44AFFq5kSiGBoZ -p x &\n' }],
      good: [{ path: 'start.sh', content: '#!/bin/sh\nexec python -m vllm.entrypoints.openai.api_server --port 8000\n' }],
    },
  },
  check(doc, ctx) {
    if (isDocumentation(doc.file.path) || !mayHoldMalware(doc, ctx)) return;
    const text = doc.text;
    const lower = text.toLowerCase();
    const urls = lower.includes('stratum') ? spans(text, STRATUM) : [];
    for (const s of urls) ctx.report({ message: `Mining pool URL ${s.match}`, at: s, evidence: s.match });
    if (!/pool|xmr|miner|kryptex|2miners/.test(lower)) return;
    for (const s of spans(text, POOLS)) {
      // A pool named inside a stratum URL is that URL's finding.
      if (urls.some((u) => u.start <= s.start && s.end <= u.end)) continue;
      ctx.report({ message: `Public mining pool ${s.match}`, at: s, evidence: s.match, severity: 'high' });
    }
  },
});
