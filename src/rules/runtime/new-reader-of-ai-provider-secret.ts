import { defineRule, lazyExamples } from '../../core/rule.js';
import type { AuditEventDocument } from '../../parsers/events/event-documents.js';
import { describeActor, isRequest, objectName } from './lib/audit.js';
import { auditEvent, auditLog } from './lib/examples.js';

/** Secret names of AI provider credentials: OpenAI, Anthropic, Hugging Face, Cohere, Mistral, Gemini, Groq, … */
const PROVIDER =
  /(?:^|[-_.])(?:openai|azure-?openai|anthropic|claude|hf|huggingface|hugging-?face|cohere|mistral|gemini|google-?ai|vertex-?ai|groq|together|replicate|perplexity|deepseek|fireworks|bedrock|llm|wandb|langsmith|langchain|pinecone)(?:[-_.]|$)/i;

const read = (user: string, time: string) =>
  auditEvent({
    verb: 'get',
    resource: 'secrets',
    namespace: 'llm',
    name: 'openai-api-key',
    user,
    time,
    userAgent: 'kubectl/v1.30.2 (linux/amd64) kubernetes/3905d6c',
  });

export default defineRule<AuditEventDocument>({
  meta: {
    id: 'RT-0019',
    slug: 'new-reader-of-ai-provider-secret',
    title: 'New identity reads an AI provider key',
    severity: 'high',
    scanner: 'runtime',
    appliesTo: ['audit-event'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0055' },
      { id: 'mitre-atlas', control: 'AML.T0034' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      'Stolen LLM provider keys are sold and used for "LLMjacking": the victim pays for someone else\'s inference, often thousands a day. A Secret named for an AI provider (OpenAI, Anthropic, Hugging Face, Cohere, Mistral, Gemini, Groq, Bedrock, …) read by an identity that never read it while Sanctum learned who does is how that theft starts inside a cluster.',
    remediation:
      'Confirm the reader; if unexpected, rotate the key at the provider now and check its usage dashboard, then restrict `get` on the Secret with `resourceNames` to the workloads that need it.',
    references: [
      'https://sysdig.com/blog/llmjacking-stolen-cloud-credentials-used-in-new-ai-attack/',
      'https://genai.owasp.org/llmrisk/llm102025-unbounded-consumption/',
    ],
    examples: lazyExamples(() => ({
      bad: [
        auditLog(
          read('system:serviceaccount:llm:gateway', '2026-03-02T08:00:00.000000Z'),
          read('mallory@example.com', '2026-03-02T10:30:00.000000Z'),
        ),
      ],
      good: [
        auditLog(
          read('system:serviceaccount:llm:gateway', '2026-03-02T08:00:00.000000Z'),
          read('system:serviceaccount:llm:gateway', '2026-03-02T10:30:00.000000Z'),
        ),
      ],
    })),
  },
  check(doc, ctx) {
    if (!doc.facts.firstReadOfSecret || !isRequest(doc, ['get', 'watch'], 'secrets')) return;
    const name = doc.audit.objectRef?.name ?? '';
    if (!PROVIDER.test(name)) return;
    ctx.report({
      at: ['objectRef', 'name'],
      message: `${describeActor(doc)} read AI provider key secret ${objectName(doc)} for the first time`,
    });
  },
});
