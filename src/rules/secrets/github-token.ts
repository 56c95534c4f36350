import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'github-token' } = {
  id: 'SEC-0007',
  slug: 'github-token',
  title: 'GitHub, npm or PyPI token in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'GitHub personal access tokens (`ghp_`), OAuth tokens (`gho_`), App user and installation tokens (`ghu_`, `ghs_`), refresh tokens (`ghr_`) and npm tokens (`npm_`) end with a CRC32 checksum of their random part; only tokens with a valid checksum are reported, so made-up strings stay quiet. Fine-grained personal access tokens (`github_pat_…`) are recognised by their layout, and PyPI API tokens (`pypi-…`) by their structure: a base64url macaroon in the v2 binary format with a `pypi.org` (or `test.pypi.org`, medium) location, an identifier, caveat sections and a 32-byte signature; anything else after `pypi-` is not reported. A value in one of these shapes that fails its checksum or structure is a placeholder and is not reported by the generic rule either. A leaked token pushes code, reads private repositories or publishes packages as its owner. Detector ids: `github-token`, `github-fine-grained-pat`, `npm-token`, `pypi-token`.',
  remediation:
    'Revoke the token (GitHub Settings → Developer settings, `npm token revoke`, or PyPI Account settings → API tokens) and audit its recent use. In CI use the job-scoped `GITHUB_TOKEN` or OIDC trusted publishing instead of long-lived tokens.',
  references: [
    'https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/',
    'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens',
    'https://pypi.org/help/#apitoken',
  ],
  examples: {
    bad: [{ path: '.npmrc', content: `//npm.pkg.github.com/:_authToken=${fakes.githubClassic()}\n` }],
    good: [{ path: '.npmrc', content: '//npm.pkg.github.com/:_authToken=${NODE_AUTH_TOKEN}\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
