import { defineFramework } from '../core/framework.js';

export const owaspLlm2025 = defineFramework({
  id: 'owasp-llm-2025',
  title: 'OWASP Top 10 for LLM Applications 2025',
  url: 'https://genai.owasp.org/llm-top-10/',
  controls: {
    LLM01: 'Prompt Injection',
    LLM02: 'Sensitive Information Disclosure',
    LLM03: 'Supply Chain',
    LLM04: 'Data and Model Poisoning',
    LLM05: 'Improper Output Handling',
    LLM06: 'Excessive Agency',
    LLM07: 'System Prompt Leakage',
    LLM08: 'Vector and Embedding Weaknesses',
    LLM09: 'Misinformation',
    LLM10: 'Unbounded Consumption',
  },
});
