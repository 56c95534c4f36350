import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'azure-credential' } = {
  id: 'SEC-0006',
  slug: 'azure-credential',
  title: 'Azure credential in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'Azure OpenAI and Azure AI services keys call the resource they belong to, billed to its subscription. They are recognised by format where the format is identifiable (84-character keys with the `JQQJ99` signature), and otherwise by context: a 32-character hexadecimal value assigned to an `AZURE_*` name or to an `api-key` next to an `*.openai.azure.com` endpoint. Storage account keys in connection strings (`AccountKey=…`) give full control of the account (critical); Microsoft Entra ID client secrets (`…Q~…`) authenticate an application. Detector ids: `azure-cognitive-key`, `azure-openai-key`, `azure-storage-account-key`, `azure-entra-client-secret`.',
  remediation:
    'Regenerate the key (Keys and Endpoint, Access keys) or delete the client secret, then use Microsoft Entra ID authentication with managed identities or workload identity instead of keys. Where a key is unavoidable keep it in Key Vault and inject it at run time.',
  references: [
    'https://learn.microsoft.com/en-us/azure/ai-services/authentication',
    'https://learn.microsoft.com/en-us/azure/storage/common/storage-account-keys-manage',
  ],
  examples: {
    bad: [
      {
        path: '.env',
        content: `AZURE_OPENAI_ENDPOINT=https://contoso.openai.azure.com/\nAZURE_OPENAI_API_KEY=${fakes.azureOpenaiHex()}\n`,
      },
    ],
    good: [
      { path: '.env', content: 'AZURE_OPENAI_ENDPOINT=https://contoso.openai.azure.com/\nAZURE_OPENAI_API_KEY=<your-azure-openai-key>\n' },
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
