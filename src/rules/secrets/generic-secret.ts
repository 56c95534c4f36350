import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'generic-secret' } = {
  id: 'SEC-0016',
  slug: 'generic-secret',
  title: 'Possible secret assigned to a secret-like name',
  severity: 'low',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'Catches credentials no provider-specific rule knows: a value assigned to a name containing `api_key`, `secret`, `token`, `password`, `credential`, `private_key`, `access_key` or `authorization` (in `.env`, YAML, JSON, INI/TOML, Dockerfile `ENV`/`ARG`, compose `environment`, Kubernetes `env` name/value pairs, shell `export`, and quoted literals in code), when the value looks random enough: at least `minLength` characters (8 for passwords), `minEntropy` bits per character and two character classes. Names that describe rather than hold a secret (`token_type`, `max_tokens`, `secretName`, `password_file`) and values that are references (`${VAR}`, `os.environ[…]`, `process.env.X`), placeholders (and, in documentation — README, `.md`/`.rst`, `docs/` — a word for the password with a short number: `Password123!`; in a `.env`, compose file or ConfigMap it is a weak password and reported; `Basic` credentials are judged by their decoded password, so one whose password is under 8 characters is not reported, the floor for passwords), UUIDs, paths, module paths (`github.com/org/pkg`, `@scope/pkg/x.js`, `pkg.module:Class`, `pkg/module.Class`), names made of words in `/`, `:` or `.` segments (feature flags `@scope/pkg:flagName`, IAM actions `service:GetAccessToken`), ARNs, URLs, integrity hashes, names of environment variables (`AZURE_OPENAI_API_KEY`), YAML aliases (`*ref`; after an `&anchor` the value that follows is checked), Kubernetes object names under `…Secret`/`…SecretRef` keys, the key name itself in another case convention, keywords in the last segment of a qualified name followed by `:` or `,` (`"AWS::ApiGateway::ApiKey": …`, `"iam:GetAccessToken", …`, `users.*.password`), and assignments on comment lines (commented examples) are skipped, and so are lock files. Documentation samples published by vendors are listed, with their sources, in `lib/known-false.ts`. Lines longer than 4,096 characters (minified bundles) are left to the provider-specific rules, which scan them in full. Low severity: review and suppress with a reason when the value is not a secret. Detector ids: `generic-secret`, `generic-password`.',
  remediation:
    'Move the value to a secret store and reference it (`${VAR}`, `secretKeyRef`, `--mount=type=secret`), then rotate it. When the value is not a secret, suppress the finding inline or in `.sanctum.yaml` with a reason.',
  references: [
    'https://cwe.mitre.org/data/definitions/798.html',
    'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html',
  ],
  examples: {
    bad: [{ path: 'app.ini', content: `[upstream]\napi_token = ${fakes.token()}\n` }],
    good: [{ path: 'app.ini', content: '[upstream]\napi_token = ${UPSTREAM_API_TOKEN}\ntoken_type = bearer\n' }],
  },
  options: {
    ...DETECTOR_OPTION,
    minEntropy: { description: 'Least Shannon entropy of the value, in bits per character', default: 3 },
    minLength: { description: 'Shortest value reported (passwords: 8)', default: 16 },
  },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(
      doc,
      ctx,
      meta,
      (h) =>
        (h.entropy ?? 0) >= Number(ctx.options.minEntropy) &&
        (h.detector === 'generic-password' || h.value.length >= Number(ctx.options.minLength)),
    );
  },
});
