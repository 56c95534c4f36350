import { testRule } from '../../testing/rule-tester.js';
import { ALNUM, fake, fakes } from './lib/fakes.js';
import rule from './stripe-api-key.js';

const live = fakes.stripeLive();
const test = fakes.stripeTest();
const restricted = `rk_live_${fake(ALNUM, 99, 'rk')}`;
const webhook = `whsec_${fake(ALNUM, 32, 'wh')}`;

testRule(rule, {
  valid: [
    { name: 'Stripe documentation key', path: 'README.md', content: 'stripe.api_key = "sk_test_4eC39HqLyjWDarjtT1zdp7dc"\n' },
    { name: 'environment lookup', path: 'billing.ts', content: 'export const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);\n' },
    { name: 'publishable key', path: 'checkout.ts', content: `const pk = "pk_live_${fake(ALNUM, 99, 'pk')}";\n` },
  ],
  invalid: [
    {
      path: 'billing.ts',
      content: `export const stripe = new Stripe("${live}");\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 35,
          endLine: 1,
          endColumn: 142,
          message: 'Stripe secret live key in plain text',
          severity: 'critical',
          evidence: `Stripe secret live key sk_live_${live.slice(8, 10)}… (107 chars)`,
        },
      ],
    },
    {
      path: '.env',
      content: `STRIPE_KEY=${restricted}\nSTRIPE_TEST_KEY=${test}\nSTRIPE_WEBHOOK_SECRET=${webhook}\n`,
      findings: [
        {
          startLine: 1,
          startColumn: 12,
          endLine: 1,
          endColumn: 119,
          message: 'Stripe restricted live key in plain text',
          severity: 'critical',
        },
        { startLine: 2, startColumn: 17, endLine: 2, endColumn: 124, message: 'Stripe secret test key in plain text', severity: 'low' },
        {
          startLine: 3,
          startColumn: 23,
          endLine: 3,
          endColumn: 61,
          message: 'Stripe webhook signing secret in plain text',
          severity: 'medium',
        },
      ],
    },
  ],
});
