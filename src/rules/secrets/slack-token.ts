import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'slack-token' } = {
  id: 'SEC-0009',
  slug: 'slack-token',
  title: 'Slack token or webhook in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'Slack bot (`xoxb-`), user (`xoxp-`), app-level (`xapp-`), configuration and refresh tokens read and post in the workspace as the app or the user. Bot and user tokens are checked against their layout (workspace and user ids, then 24 alphanumerics for a bot token or 32 hex digits for a user token); a value with these prefixes out of layout is not reported, nor is the token of the Slack API documentation. Incoming webhook URLs (`hooks.slack.com/services/…`, medium) post to a channel without any other credential: a favourite target for phishing from a trusted channel. Detector ids: `slack-token`, `slack-webhook`.',
  remediation:
    'Revoke the token or the webhook in the Slack app configuration (OAuth & Permissions, Incoming Webhooks) and issue a new one from a secret store at run time.',
  references: ['https://api.slack.com/authentication/token-types', 'https://api.slack.com/messaging/webhooks'],
  examples: {
    bad: [{ path: 'alerts.py', content: `SLACK_WEBHOOK = "${fakes.slackWebhook()}"\n` }],
    good: [{ path: 'alerts.py', content: 'import os\nSLACK_WEBHOOK = os.environ["SLACK_WEBHOOK_URL"]\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
