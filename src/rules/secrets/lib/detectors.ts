import type { Severity } from '../../../core/types.js';
import { validGithubChecksum, validPypiToken, validSlackLayout } from './checksum.js';
import type { SecretRule } from './types.js';
import { charClasses, entropy } from './values.js';

/**
 * A detector anchored on a literal marker of the format (`sk-ant-`, `AKIA`, `-----BEGIN`). The
 * prefilter finds markers in one pass; the sticky `pattern` then runs at the marker (or `back`
 * characters before it). Named group `s`, when present, is the secret; otherwise the whole match.
 * Every pattern uses bounded quantifiers only, so each attempt costs a bounded number of steps.
 */
export interface MarkerDetector {
  id: string;
  rule: SecretRule;
  label: string;
  severity: Severity;
  markers: readonly string[];
  pattern: RegExp;
  back?: number;
  /** The character before the match must not be a word character (default true). */
  wordStart?: boolean;
  /** Length of the public prefix shown in evidence. */
  prefix: number;
  /** Extra validation (checksum, marker, entropy); may adjust the hit. */
  check?(value: string): boolean | { severity?: Severity; label?: string; note?: string; prefix?: number };
  priority?: number;
}

/**
 * A detector gated by the name it is assigned to (`COHERE_API_KEY=…`, `wandb_api_key: …`): the
 * value must have the format of the provider's keys.
 */
export interface ContextDetector {
  id: string;
  rule: SecretRule;
  label: string;
  severity: Severity;
  /** Tested on the lower-cased key name. */
  key: RegExp;
  /** Tested on the whole value. */
  value: RegExp;
  minEntropy?: number;
  prefix?: number;
}

const END = '(?![A-Za-z0-9_-])';

const endAlnum = '(?![A-Za-z0-9])';

function randomish(v: string, min = 3): boolean {
  return entropy(v) >= min && charClasses(v) >= 2;
}

export const MARKER_DETECTORS: readonly MarkerDetector[] = [
  // OpenAI: every key carries the marker `T3BlbkFJ` (base64 of "OpenAI") between two random halves.
  {
    id: 'openai-project-key',
    rule: 'openai-api-key',
    label: 'OpenAI API key',
    severity: 'high',
    markers: ['sk-'],
    pattern: new RegExp(`sk-(proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,120}T3BlbkFJ[A-Za-z0-9_-]{20,120}${END}`, 'y'),
    prefix: 8,
    check: (v) => {
      const kind = v.slice(3, v.indexOf('-', 3));
      const label =
        kind === 'proj'
          ? 'OpenAI project API key'
          : kind === 'svcacct'
            ? 'OpenAI service-account key'
            : kind === 'admin'
              ? 'OpenAI admin key'
              : 'OpenAI API key';
      return { label, severity: kind === 'admin' ? 'critical' : 'high' };
    },
  },
  {
    id: 'openai-legacy-key',
    rule: 'openai-api-key',
    label: 'OpenAI API key (legacy format)',
    severity: 'high',
    markers: ['sk-'],
    pattern: new RegExp(`sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}${END}`, 'y'),
    prefix: 3,
  },
  {
    id: 'anthropic-key',
    rule: 'anthropic-api-key',
    label: 'Anthropic API key',
    severity: 'high',
    markers: ['sk-'],
    // Keys end with the two-character marker `AA`.
    pattern: new RegExp(`sk-ant-(api03|admin01|oat01|ort01)-[A-Za-z0-9_-]{80,110}AA${END}`, 'y'),
    prefix: 7,
    check: (v) => {
      if (v.startsWith('sk-ant-admin01')) return { label: 'Anthropic admin API key', severity: 'critical' };
      if (v.startsWith('sk-ant-oat01') || v.startsWith('sk-ant-ort01')) return { label: 'Anthropic OAuth token' };
      return true;
    },
  },
  {
    id: 'huggingface-user-token',
    rule: 'huggingface-token',
    label: 'Hugging Face access token',
    severity: 'high',
    markers: ['hf_'],
    pattern: new RegExp(`hf_[A-Za-z]{34}${endAlnum}`, 'y'),
    prefix: 3,
    check: (v) => randomish(v.slice(3), 3.5),
  },
  {
    id: 'huggingface-org-token',
    rule: 'huggingface-token',
    label: 'Hugging Face organization API token',
    severity: 'high',
    markers: ['api_org_'],
    pattern: new RegExp(`api_org_[A-Za-z]{34}${endAlnum}`, 'y'),
    prefix: 8,
    check: (v) => randomish(v.slice(8), 3.5),
  },
  {
    id: 'google-api-key',
    rule: 'google-cloud-credential',
    label: 'Google API key',
    severity: 'high',
    markers: ['AIza'],
    pattern: new RegExp(`AIza[0-9A-Za-z_-]{35}${END}`, 'y'),
    prefix: 4,
    check: (v) => randomish(v.slice(4), 3.5),
  },
  {
    id: 'google-oauth-client-secret',
    rule: 'google-cloud-credential',
    label: 'Google OAuth client secret',
    severity: 'high',
    markers: ['GOCSPX-'],
    pattern: new RegExp(`GOCSPX-[0-9A-Za-z_-]{28}${END}`, 'y'),
    prefix: 7,
  },
  {
    id: 'aws-access-key-id',
    rule: 'aws-credentials',
    label: 'AWS access key ID',
    severity: 'high',
    markers: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    pattern: new RegExp(`(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}${endAlnum}`, 'y'),
    prefix: 4,
    check: (v) => {
      if (v.startsWith('ASIA')) return { label: 'AWS temporary access key ID', severity: 'medium' };
      return randomish(v.slice(4), 2.5);
    },
  },
  {
    id: 'azure-cognitive-key',
    rule: 'azure-credential',
    label: 'Azure AI services key',
    severity: 'high',
    // Identifiable Azure AI services (Cognitive Services, Azure OpenAI) keys: 84 characters with
    // the signature `JQQJ99` at offset 52.
    markers: ['JQQJ9'],
    back: 52,
    pattern: new RegExp(`[A-Za-z0-9]{52}JQQJ9[9DH][A-Za-z0-9]{26}${endAlnum}`, 'y'),
    prefix: 0,
  },
  {
    id: 'azure-storage-account-key',
    rule: 'azure-credential',
    label: 'Azure Storage account key',
    severity: 'critical',
    markers: ['AccountKey='],
    wordStart: false,
    pattern: /AccountKey=(?<s>[A-Za-z0-9+/]{86}==)/dy,
    prefix: 0,
  },
  {
    id: 'azure-entra-client-secret',
    rule: 'azure-credential',
    label: 'Microsoft Entra ID client secret',
    severity: 'high',
    // Client secrets carry `Q~` after three characters and a digit.
    markers: ['Q~'],
    back: 4,
    pattern: new RegExp(`[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])`, 'y'),
    prefix: 0,
    check: (v) => randomish(v, 3.5),
  },
  {
    id: 'github-token',
    rule: 'github-token',
    label: 'GitHub token',
    severity: 'high',
    markers: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    pattern: new RegExp(`gh[pousr]_[A-Za-z0-9]{36}${endAlnum}`, 'y'),
    prefix: 4,
    check: (v) => {
      if (!validGithubChecksum(v)) return false;
      const kind = v[2];
      const label =
        kind === 'p'
          ? 'GitHub personal access token (classic)'
          : kind === 'o'
            ? 'GitHub OAuth access token'
            : kind === 'u'
              ? 'GitHub App user-to-server token'
              : kind === 's'
                ? 'GitHub App installation token'
                : 'GitHub refresh token';
      return { label };
    },
  },
  {
    id: 'github-fine-grained-pat',
    rule: 'github-token',
    label: 'GitHub fine-grained personal access token',
    severity: 'high',
    markers: ['github_pat_'],
    pattern: new RegExp(`github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}${endAlnum}`, 'y'),
    prefix: 11,
    check: (v) => randomish(v.slice(11), 4),
  },
  {
    id: 'npm-token',
    rule: 'github-token',
    label: 'npm access token',
    severity: 'high',
    markers: ['npm_'],
    pattern: new RegExp(`npm_[A-Za-z0-9]{36}${endAlnum}`, 'y'),
    prefix: 4,
    check: (v) => validGithubChecksum(v),
  },
  {
    id: 'pypi-token',
    rule: 'github-token',
    label: 'PyPI API token',
    severity: 'high',
    // `pypi-` then a base64url macaroon whose header begins with the location `pypi.org` (`AgEIcHlwaS5vcmc`)
    // or `test.pypi.org` (`AgENdGVzdC5weXBpLm9yZw`).
    markers: ['pypi-AgEIcHlwaS5vcmc', 'pypi-AgENdGVzdC5weXBpLm9yZw'],
    pattern: /pypi-Ag[A-Za-z0-9_-]{50,1000}(?![A-Za-z0-9_-])/y,
    prefix: 5,
    check: (v) => (validPypiToken(v) ? (v.startsWith('pypi-AgEN') ? { label: 'TestPyPI API token', severity: 'medium' } : true) : false),
  },
  {
    id: 'gitlab-token',
    rule: 'gitlab-token',
    label: 'GitLab token',
    severity: 'high',
    markers: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'gloas-', 'glsoat-', 'glagent-', 'GR1348941'],
    pattern:
      /(?<p>glpat-|gldt-|glrt-|glptt-|glcbt-|gloas-|glsoat-|glagent-|GR1348941)[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{2}[0-9a-z]{7})?(?![A-Za-z0-9_-])/dy,
    prefix: 0,
    check: (v) => {
      const labels: Record<string, string> = {
        'glpat-': 'GitLab personal access token',
        'gldt-': 'GitLab deploy token',
        'glrt-': 'GitLab runner authentication token',
        'glptt-': 'GitLab pipeline trigger token',
        'glcbt-': 'GitLab CI/CD job token',
        'gloas-': 'GitLab OAuth application secret',
        'glsoat-': 'GitLab SCIM token',
        'glagent-': 'GitLab agent for Kubernetes token',
        GR1348941: 'GitLab runner registration token',
      };
      const p = Object.keys(labels).find((k) => v.startsWith(k))!;
      return randomish(v.slice(p.length), 3) ? { label: labels[p], prefix: p.length } : false;
    },
  },
  {
    id: 'slack-token',
    rule: 'slack-token',
    label: 'Slack token',
    severity: 'high',
    markers: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxe-', 'xoxe.', 'xapp-'],
    pattern:
      /(?:xox[bpasr]-[0-9]{6,16}-[0-9A-Za-z-]{10,200}|xoxe\.xox[bp]-1-[A-Za-z0-9-]{60,250}|xoxe-1-[A-Za-z0-9-]{60,250}|xapp-1-[A-Z0-9]{6,16}-[0-9]{6,16}-[a-f0-9]{32,80})(?![A-Za-z0-9-])/y,
    prefix: 5,
    check: (v) => {
      const label = v.startsWith('xoxb')
        ? 'Slack bot token'
        : v.startsWith('xoxp')
          ? 'Slack user token'
          : v.startsWith('xapp')
            ? 'Slack app-level token'
            : 'Slack token';
      if (!validSlackLayout(v)) return false;
      return randomish(v, 3.5) ? { label } : false;
    },
  },
  {
    id: 'slack-webhook',
    rule: 'slack-token',
    label: 'Slack incoming webhook URL',
    severity: 'medium',
    markers: ['hooks.slack.com/'],
    wordStart: false,
    pattern:
      /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?<s>T[A-Z0-9]{6,12}\/[A-Z0-9]{6,14}\/[A-Za-z0-9]{20,40})(?![A-Za-z0-9])/dy,
    prefix: 1,
  },
  {
    id: 'replicate-token',
    rule: 'llm-provider-api-key',
    label: 'Replicate API token',
    severity: 'high',
    markers: ['r8_'],
    pattern: new RegExp(`r8_[A-Za-z0-9_-]{37}${END}`, 'y'),
    prefix: 3,
    check: (v) => randomish(v.slice(3), 3.5),
  },
  {
    id: 'groq-key',
    rule: 'llm-provider-api-key',
    label: 'Groq API key',
    severity: 'high',
    markers: ['gsk_'],
    pattern: new RegExp(`gsk_[A-Za-z0-9]{52}${endAlnum}`, 'y'),
    prefix: 4,
    check: (v) => randomish(v.slice(4), 4),
  },
  {
    id: 'perplexity-key',
    rule: 'llm-provider-api-key',
    label: 'Perplexity API key',
    severity: 'high',
    markers: ['pplx-'],
    pattern: new RegExp(`pplx-[A-Za-z0-9]{48}${endAlnum}`, 'y'),
    prefix: 5,
    check: (v) => randomish(v.slice(5), 4),
  },
  {
    id: 'xai-key',
    rule: 'llm-provider-api-key',
    label: 'xAI API key',
    severity: 'high',
    markers: ['xai-'],
    pattern: new RegExp(`xai-[A-Za-z0-9_]{80}${END}`, 'y'),
    prefix: 4,
    check: (v) => randomish(v.slice(4), 4),
  },
  {
    id: 'fireworks-key',
    rule: 'llm-provider-api-key',
    label: 'Fireworks AI API key',
    severity: 'high',
    markers: ['fw_'],
    pattern: new RegExp(`fw_[A-Za-z0-9]{24,48}${endAlnum}`, 'y'),
    prefix: 3,
    check: (v) => randomish(v.slice(3), 3.8) && charClasses(v.slice(3)) >= 3,
  },
  {
    id: 'together-key',
    rule: 'llm-provider-api-key',
    label: 'Together AI API key',
    severity: 'high',
    markers: ['tgp_v1_'],
    pattern: new RegExp(`tgp_v1_[A-Za-z0-9_-]{40,64}${END}`, 'y'),
    prefix: 7,
    check: (v) => randomish(v.slice(7), 4),
  },
  {
    id: 'nvidia-api-key',
    rule: 'llm-provider-api-key',
    label: 'NVIDIA API key',
    severity: 'high',
    markers: ['nvapi-'],
    pattern: new RegExp(`nvapi-[A-Za-z0-9_-]{64}${END}`, 'y'),
    prefix: 6,
    check: (v) => randomish(v.slice(6), 4),
  },
  {
    id: 'databricks-token',
    rule: 'ml-platform-token',
    label: 'Databricks personal access token',
    severity: 'high',
    markers: ['dapi'],
    pattern: /dapi[0-9a-f]{32}(?:-[0-9])?(?![A-Za-z0-9])/y,
    prefix: 4,
    check: (v) => randomish(v.slice(4), 3),
  },
  {
    id: 'langsmith-key',
    rule: 'ml-platform-token',
    label: 'LangSmith API key',
    severity: 'high',
    markers: ['lsv2_'],
    pattern: /lsv2_(?:pt|sk)_[0-9a-f]{32}_[0-9a-f]{10}(?![A-Za-z0-9])/y,
    prefix: 8,
    check: (v) => ({ label: v.startsWith('lsv2_sk') ? 'LangSmith service key' : 'LangSmith personal access token' }),
  },
  {
    id: 'wandb-v1-key',
    rule: 'ml-platform-token',
    label: 'Weights & Biases API key',
    severity: 'high',
    // The longer keys W&B issues since SDK 0.22.3 (86 characters): `wandb_v1_`, 27 and 49 alphanumerics.
    markers: ['wandb_v1_'],
    pattern: new RegExp(`wandb_v1_[A-Za-z0-9]{20,40}_[A-Za-z0-9]{40,60}${END}`, 'y'),
    prefix: 9,
    check: (v) => randomish(v.slice(9), 4),
  },
  {
    id: 'pinecone-key',
    rule: 'ml-platform-token',
    label: 'Pinecone API key',
    severity: 'high',
    markers: ['pcsk_'],
    pattern: new RegExp(`pcsk_[A-Za-z0-9]{4,10}_[A-Za-z0-9]{40,90}${endAlnum}`, 'y'),
    prefix: 5,
    check: (v) => randomish(v.slice(5), 4),
  },
  {
    id: 'kaggle-json',
    rule: 'ml-platform-token',
    label: 'Kaggle API key',
    severity: 'high',
    markers: ['"username"'],
    wordStart: false,
    pattern: /"username"[ \t]{0,4}:[ \t]{0,4}"[^"\n]{1,64}"[ \t]{0,4},[ \t\r\n]{0,16}"key"[ \t]{0,4}:[ \t]{0,4}"(?<s>[0-9a-f]{32})"/dy,
    prefix: 0,
    check: (v) => randomish(v, 3),
  },
  {
    id: 'stripe-key',
    rule: 'stripe-api-key',
    label: 'Stripe API key',
    severity: 'critical',
    markers: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_'],
    pattern: new RegExp(`[sr]k_(?:live|test)_[0-9A-Za-z]{20,247}${endAlnum}`, 'y'),
    prefix: 8,
    check: (v) => {
      if (!randomish(v.slice(8), 3.5)) return false;
      const restricted = v[0] === 'r';
      if (v.includes('_test_')) return { label: restricted ? 'Stripe restricted test key' : 'Stripe secret test key', severity: 'low' };
      return { label: restricted ? 'Stripe restricted live key' : 'Stripe secret live key' };
    },
  },
  {
    id: 'stripe-webhook-secret',
    rule: 'stripe-api-key',
    label: 'Stripe webhook signing secret',
    severity: 'medium',
    markers: ['whsec_'],
    pattern: new RegExp(`whsec_[A-Za-z0-9+/]{32,64}${endAlnum}`, 'y'),
    prefix: 6,
    check: (v) => randomish(v.slice(6), 3.5),
  },
];

/** Value shape of a context-gated detector, tested on the whole value. */
const hex = (n: number) => new RegExp(`^[0-9a-f]{${n}}$`);
const alnum = (min: number, max = min) => new RegExp(`^[A-Za-z0-9]{${min},${max}}$`);

export const CONTEXT_DETECTORS: readonly ContextDetector[] = [
  {
    id: 'aws-secret-access-key',
    rule: 'aws-credentials',
    label: 'AWS secret access key',
    severity: 'critical',
    key: /aws.{0,20}secret|secret.{0,3}access.{0,3}key/,
    value: /^[A-Za-z0-9/+]{40}$/,
    minEntropy: 4,
  },
  {
    id: 'azure-openai-key',
    rule: 'azure-credential',
    label: 'Azure OpenAI / AI services key',
    severity: 'high',
    key: /azure|cognitive/,
    value: hex(32),
    minEntropy: 3,
  },
  {
    id: 'cohere-key',
    rule: 'llm-provider-api-key',
    label: 'Cohere API key',
    severity: 'high',
    key: /cohere|^co_api_key$/,
    value: alnum(40),
    minEntropy: 4,
  },
  {
    id: 'mistral-key',
    rule: 'llm-provider-api-key',
    label: 'Mistral AI API key',
    severity: 'high',
    key: /mistral/,
    value: alnum(32),
    minEntropy: 4,
  },
  {
    id: 'deepseek-key',
    rule: 'llm-provider-api-key',
    label: 'DeepSeek API key',
    severity: 'high',
    key: /deepseek/,
    value: /^sk-[0-9a-f]{32}$/,
    minEntropy: 3,
    prefix: 3,
  },
  {
    id: 'together-legacy-key',
    rule: 'llm-provider-api-key',
    label: 'Together AI API key',
    severity: 'high',
    key: /together/,
    value: hex(64),
    minEntropy: 3,
  },
  {
    id: 'nvidia-ngc-key',
    rule: 'llm-provider-api-key',
    label: 'NVIDIA NGC API key',
    severity: 'high',
    key: /ngc/,
    value: /^[A-Za-z0-9+/]{80,90}={0,2}$/,
    minEntropy: 4,
  },
  {
    id: 'wandb-key',
    rule: 'ml-platform-token',
    label: 'Weights & Biases API key',
    severity: 'high',
    key: /wandb|weights.{0,3}biases/,
    value: /^(?:local-)?[0-9a-f]{40}$/,
    minEntropy: 3,
  },
  {
    id: 'modal-token-secret',
    rule: 'ml-platform-token',
    label: 'Modal token secret',
    severity: 'high',
    // `MODAL_TOKEN_SECRET`, or `token_secret` of `~/.modal.toml`; its pair, the token ID (`ak-`), is not secret.
    key: /(?:^|[^a-z])modal|^token_secret$/,
    value: /^as-(?=[A-Za-z0-9]{0,21}[a-z])(?=[A-Za-z0-9]{0,21}[A-Z])[A-Za-z0-9]{22}$/,
    minEntropy: 3.5,
    prefix: 3,
  },
  {
    id: 'pinecone-legacy-key',
    rule: 'ml-platform-token',
    label: 'Pinecone API key (legacy)',
    severity: 'high',
    key: /pinecone/,
    value: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    minEntropy: 3,
  },
  {
    id: 'weaviate-key',
    rule: 'ml-platform-token',
    label: 'Weaviate API key',
    severity: 'high',
    key: /weaviate/,
    value: /^[A-Za-z0-9_-]{24,80}$/,
    minEntropy: 4,
  },
  {
    id: 'qdrant-key',
    rule: 'ml-platform-token',
    label: 'Qdrant API key',
    severity: 'high',
    key: /qdrant/,
    value: /^[A-Za-z0-9_|.-]{24,128}$/,
    minEntropy: 4,
  },
  {
    id: 'kaggle-key',
    rule: 'ml-platform-token',
    label: 'Kaggle API key',
    severity: 'high',
    key: /kaggle/,
    value: /^(?:KGAT_)?[0-9a-f]{32}$/,
    minEntropy: 3,
  },
];

/** Every detector id, for documentation and the `detectors` rule option. */
export function detectorIds(rule: SecretRule): string[] {
  return [...MARKER_DETECTORS, ...CONTEXT_DETECTORS].filter((d) => d.rule === rule).map((d) => d.id);
}
