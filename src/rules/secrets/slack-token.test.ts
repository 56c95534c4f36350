import { testRule } from '../../testing/rule-tester.js';
import { ALNUM, DIGITS, HEX, UPPER, fake, fakes } from './lib/fakes.js';
import rule from './slack-token.js';

const bot = fakes.slackBot();
const hook = fakes.slackWebhook();
const app = `xapp-1-A${fake(UPPER + DIGITS, 10, 'app')}-${fake(DIGITS, 13, 'app2')}-${fake(HEX, 64, 'app3')}`;

testRule(rule, {
  valid: [
    { name: 'documentation placeholder', path: 'README.md', content: 'SLACK_BOT_TOKEN=xoxb-your-token-here\n' },
    { name: 'environment lookup', path: 'alerts.py', content: 'SLACK_WEBHOOK = os.environ["SLACK_WEBHOOK_URL"]\n' },
    {
      name: 'bot and user tokens out of their layout (and not generic secrets either)',
      path: '.env',
      content: `SLACK_BOT_TOKEN=${bot}x\nSLACK_USER_TOKEN=xoxp-${fake(DIGITS, 11, 'u1')}-${fake(DIGITS, 11, 'u2')}-${fake(ALNUM, 40, 'u3')}\n`,
    },
  ],
  invalid: [
    {
      path: '.env',
      content: `SLACK_BOT_TOKEN=${bot}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 17,
          endLine: 1,
          endColumn: 17 + bot.length,
          message: 'Slack bot token in plain text',
          evidence: `Slack bot token xoxb-${bot.slice(5, 7)}… (${bot.length} chars)`,
        },
      ],
    },
    {
      path: 'socket-mode.env',
      content: `SLACK_APP_TOKEN=${app}\n`,
      findings: [{ startLine: 1, startColumn: 17, endLine: 1, endColumn: 17 + app.length, message: 'Slack app-level token in plain text' }],
    },
    {
      path: 'alerts.py',
      content: `SLACK_WEBHOOK = "${hook}"\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 51,
          endLine: 1,
          endColumn: 97,
          message: 'Slack incoming webhook URL in plain text',
          severity: 'medium',
        },
      ],
    },
  ],
});
