import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'openai-api-key' } = {
  id: 'SEC-0001',
  slug: 'openai-api-key',
  title: 'OpenAI API key in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'owasp-llm-2025', control: 'LLM02' },
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'OpenAI keys bill every request to the owning organisation and, for admin keys, manage its projects and users. A key committed to a repository, baked into an image or stored in a notebook output is readable by everyone with access to any copy, forever. Detected: project keys (`sk-proj-`), service-account keys (`sk-svcacct-`), admin keys (`sk-admin-`, critical), keys of projects without a name (`sk-None-`) and legacy user keys (`sk-` + 48 characters). Every OpenAI key carries the marker `T3BlbkFJ` between its two random halves; a candidate without it is not reported, so `sk-...` placeholders stay quiet. Detector ids: `openai-project-key`, `openai-legacy-key`.',
  remediation:
    'Revoke the key on the OpenAI dashboard (API keys page) and create a new one; the old value stays valid in every clone and image layer until it is revoked. Load the new key from the environment (`OPENAI_API_KEY`) injected from a secret store (Kubernetes Secret from External Secrets / Sealed Secrets, Vault, a cloud secret manager), never from a committed file. Clear notebook outputs before committing (`jupyter nbconvert --clear-output`).',
  references: [
    'https://help.openai.com/en/articles/5112595-best-practices-for-api-key-safety',
    'https://platform.openai.com/docs/api-reference/authentication',
  ],
  examples: {
    bad: [{ path: '.env', content: `OPENAI_API_KEY=${fakes.openaiProject()}\n` }],
    good: [
      { path: '.env', content: 'OPENAI_API_KEY=sk-proj-...\n# OPENAI_API_KEY is injected from the llm-keys Secret at run time\n' },
      { path: 'app.py', content: 'import os\nclient = OpenAI(api_key=os.environ["OPENAI_API_KEY"])\n' },
    ],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
