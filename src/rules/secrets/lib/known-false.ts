/**
 * Known false positives, as data: credentials that vendors publish in their documentation, emulators
 * and SDK samples. They have the exact shape (and where the format has one, a valid checksum) of real
 * credentials, but they are public and grant nothing. Each entry names where it is published; the
 * tests check that every value is still recognised by a detector when it is not in this list (so no
 * entry is dead weight) and that none of them is reported.
 */

export interface KnownFalseValue {
  value: string;
  /** What it is. */
  what: string;
  /** Where the vendor (or the tool that made it the de-facto sample) publishes it. */
  source: string;
}

export const KNOWN_FALSE_VALUES: readonly KnownFalseValue[] = [
  {
    value: 'AKIAIOSFODNN7EXAMPLE',
    what: 'AWS access key ID of the IAM and CLI documentation',
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
  },
  {
    value: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    what: 'AWS secret access key of the IAM and CLI documentation',
    source: 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html',
  },
  {
    value: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
    what: 'AWS secret access key of the second CLI profile in the documentation',
    source: 'https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html',
  },
  {
    value: 'ASIAIOSFODNN7EXAMPLE',
    what: 'AWS temporary access key ID of the STS documentation',
    source: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html',
  },
  {
    value: 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
    what: 'Azure Storage emulator (Azurite) account key of devstoreaccount1, built into the emulator',
    source: 'https://learn.microsoft.com/en-us/azure/storage/common/storage-use-azurite#http-connection-strings',
  },
  {
    value: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    what: 'Stripe secret test key shown in the API reference to signed-out readers',
    source: 'https://docs.stripe.com/api/authentication',
  },
  {
    value: 'sk_test_BQokikJOvBiI2HlWgH4olfQ2',
    what: 'Stripe secret test key of the older API reference and SDK READMEs',
    source: 'https://github.com/stripe/stripe-node (README, earlier versions)',
  },
  {
    value: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    what: 'GitHub token of the GitHub documentation and gitleaks samples (invalid checksum)',
    source: 'https://docs.github.com/en/actions/security-for-github-actions/security-guides/automatic-token-authentication',
  },
  {
    value: 'gho_16C7e42F292c6912E7710c838347Ae178B4a',
    what: 'GitHub OAuth token of the GitHub documentation (invalid checksum)',
    source: 'https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps',
  },
  {
    value: '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',
    what: 'GitHub token with a valid checksum, the sample of secretlint and of Yelp detect-secrets tests',
    source: 'https://secretlint.github.io/ ; https://github.com/Yelp/detect-secrets/blob/master/tests/plugins/github_token_test.py',
  },
  {
    value: 'xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy',
    what: 'Slack bot token of the Slack API documentation',
    source: 'https://api.slack.com/authentication/token-types#bot',
  },
  {
    value: 'xoxb-not-a-real-token-this-will-not-work',
    what: 'Slack token placeholder of the Slack SDK READMEs',
    source: 'https://github.com/slackapi/python-slack-sdk',
  },
];

/**
 * Hosts whose URLs in documentation carry example credentials (`https://anonymous:flabada@…`), beyond
 * the names reserved for documentation by RFC 2606 and RFC 6761 (`example.com`, `.test`, `.invalid`).
 */
export const DOCUMENTATION_HOSTS: readonly KnownFalseValue[] = [
  {
    value: 'developer.mozilla.org',
    what: 'MDN, whose URL API pages use `https://anonymous:flabada@developer.mozilla.org/…`',
    source: 'https://developer.mozilla.org/en-US/docs/Web/API/URL/password',
  },
];

const KNOWN_FALSE = new Set(KNOWN_FALSE_VALUES.map((k) => k.value));

/** True for a published sample credential (exact match): used by every rule that judges a value. */
export function isKnownFalse(value: string): boolean {
  return KNOWN_FALSE.has(value);
}
