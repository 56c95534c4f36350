import { testRule } from '../../testing/rule-tester.js';
import rule from './azure-credential.js';
import { fakes } from './lib/fakes.js';

const hex = fakes.azureOpenaiHex();
const ai = fakes.azureAiKey();
const storage = fakes.azureStorageKey();
const entra = fakes.entraClientSecret();

testRule(rule, {
  valid: [
    { name: 'placeholder', path: '.env', content: 'AZURE_OPENAI_API_KEY=<your-azure-openai-key>\n' },
    { name: '32 hex without Azure context', path: '.env', content: `BUILD_ID=${hex}\n` },
    {
      name: 'connection string without a key',
      path: 'app.config',
      content: 'DefaultEndpointsProtocol=https;AccountName=models;AccountKey=${STORAGE_KEY}\n',
    },
  ],
  invalid: [
    {
      name: 'AZURE_* name',
      path: '.env',
      content: `AZURE_OPENAI_ENDPOINT=https://contoso.openai.azure.com/\nAZURE_OPENAI_API_KEY=${hex}\n`,
      findings: [{ startLine: 2, startColumn: 22, endLine: 2, endColumn: 54, message: 'Azure OpenAI / AI services key in plain text' }],
    },
    {
      name: 'api-key next to an Azure endpoint',
      path: 'client.py',
      content: `ENDPOINT = "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions"\nheaders = {"api-key": "${hex}"}\n`,
      findings: [
        {
          startLine: 2,
          startColumn: 24,
          endLine: 2,
          endColumn: 56,
          message: 'Azure OpenAI / AI services key in plain text (next to an Azure endpoint)',
        },
      ],
    },
    {
      name: 'identifiable 84-character key',
      path: 'keys.txt',
      content: `key1: ${ai}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 7,
          endLine: 1,
          endColumn: 91,
          message: 'Azure AI services key in plain text',
          evidence: `Azure AI services key ${ai.slice(0, 2)}… (84 chars)`,
        },
      ],
    },
    {
      name: 'storage connection string',
      path: 'appsettings.json',
      content: `{"Storage": "DefaultEndpointsProtocol=https;AccountName=models;AccountKey=${storage};EndpointSuffix=core.windows.net"}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 75,
          endLine: 1,
          endColumn: 163,
          severity: 'critical',
          message: 'Azure Storage account key in plain text',
        },
      ],
    },
    {
      name: 'Entra ID client secret',
      path: 'auth.yaml',
      content: `clientSecret: ${entra}\n`,
      findings: [{ startLine: 1, startColumn: 15, endLine: 1, endColumn: 55, message: 'Microsoft Entra ID client secret in plain text' }],
    },
  ],
});
