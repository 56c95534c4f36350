import { defineRule, type RuleMeta } from '../../core/rule.js';
import { fakes } from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'gitlab-token' } = {
  id: 'SEC-0008',
  slug: 'gitlab-token',
  title: 'GitLab token in plain text',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'GitLab tokens carry a type prefix: personal, project and group access tokens (`glpat-`), deploy tokens (`gldt-`), runner tokens (`glrt-`, `GR1348941`), pipeline trigger tokens (`glptt-`), CI/CD job tokens (`glcbt-`), OAuth application secrets (`gloas-`), SCIM tokens (`glsoat-`) and agent tokens (`glagent-`), in the legacy and the routable (`….01.…`) layouts. Detector id: `gitlab-token`.',
  remediation:
    'Revoke the token in GitLab (User/Project/Group settings → Access tokens, or the runner/deploy token page) and rotate it. Use CI/CD variables marked masked and protected, or the job token, instead of committed tokens.',
  references: ['https://docs.gitlab.com/ee/security/tokens/', 'https://docs.gitlab.com/ee/user/profile/personal_access_tokens.html'],
  examples: {
    bad: [{ path: '.gitlab-ci.yml', content: `variables:\n  MODEL_REGISTRY_TOKEN: ${fakes.gitlab()}\n` }],
    good: [{ path: '.gitlab-ci.yml', content: 'variables:\n  MODEL_REGISTRY_TOKEN: $CI_JOB_TOKEN\n' }],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
