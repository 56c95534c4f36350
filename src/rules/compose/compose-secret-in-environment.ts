import { defineRule } from '../../core/rule.js';
import { interpolateDefaults, type ComposeDocument } from '../../parsers/compose/compose-document.js';
import { findSecret, redact } from '../dockerfile/lib/secrets.js';
import { SECRET_VALUE_RULE_IDS } from '../secrets/lib/value-rules.js';

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0009',
    slug: 'compose-secret-in-environment',
    title: 'Secret written into a compose file',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [
      { id: 'owasp-llm-2025', control: 'LLM02' },
      { id: 'mitre-atlas', control: 'AML.T0055' },
      { id: 'nsa-cisa', control: 'secrets' },
    ],
    rationale:
      'API keys and passwords written into `environment:` live in version control, in every clone and CI log, and in `docker inspect` output of the running container. Model-provider keys (OpenAI, Anthropic, Hugging Face) are directly billable and give access to private models and data. The values are judged as the compose file writes them: one the project\u2019s `.env` gives (`OPENAI_API_KEY: ${OPENAI_API_KEY}`) is not written into it, and the secret rules judge `.env` where it lies.',
    remediation:
      'Reference the value from the shell or an untracked `.env` file (`OPENAI_API_KEY: ${OPENAI_API_KEY}`), or better use compose `secrets:` and point the application at the file (`HF_TOKEN_FILE: /run/secrets/hf_token`). Rotate any key that was committed.',
    supersedes: SECRET_VALUE_RULE_IDS,
    references: [
      'https://docs.docker.com/compose/how-tos/use-secrets/',
      'https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/',
    ],
    examples: {
      bad: [
        {
          path: 'compose.yaml',
          content:
            'services:\n  ui:\n    image: ghcr.io/open-webui/open-webui:v0.3.32\n    environment:\n      OPENAI_API_KEY: sk-proj-Abcdefghijklmnopqrstuvwx1234\n',
        },
      ],
      good: [
        {
          path: 'compose.yaml',
          content:
            'services:\n  ui:\n    image: ghcr.io/open-webui/open-webui:v0.3.32\n    environment:\n      OPENAI_API_KEY: ${OPENAI_API_KEY}\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      // As written: a value the project's `.env` gives is no secret written into the compose file
      // (the remediation itself; the secret rules judge `.env` where it lies).
      for (const e of doc.environment(s, true)) {
        if (e.value === undefined) continue;
        // A default in `${VAR:-value}` is as literal as a plain value.
        const value = interpolateDefaults(e.value);
        const secret = findSecret(e.name, value);
        if (!secret) continue;
        ctx.report({
          message: `Service '${s.name}' sets ${e.name} to a literal ${secret.byValue ? secret.kind : 'secret'}`,
          at: e.path,
          evidence: `${e.name}=${redact(value)}`,
        });
      }
    }
  },
});
