import { defineRule, type RuleMeta } from '../../core/rule.js';
import {} from './lib/fakes.js';
import { DETECTOR_OPTION, reportSecrets, TEXT_KINDS } from './lib/report.js';
import type { TextLikeDocument } from './lib/types.js';

const meta: RuleMeta & { slug: 'credentials-in-url' } = {
  id: 'SEC-0015',
  slug: 'credentials-in-url',
  title: 'Password in a connection URL',
  severity: 'high',
  scanner: 'secrets',
  appliesTo: TEXT_KINDS,
  frameworks: [
    { id: 'mitre-atlas', control: 'AML.T0055' },
    { id: 'nsa-cisa', control: 'secrets' },
  ],
  rationale:
    'Connection URLs with a user and password (`postgresql://app:s3cret@db:5432/app`, `mongodb+srv://…`, `redis://:pw@…`, `amqp://…`, SQLAlchemy `postgresql+psycopg2://…`, JDBC) give direct access to the database behind the application, bypassing it. Database URLs are high, other URLs with credentials (`https://user:token@host`, e.g. in `pip.conf` or lock files) medium, URLs to local development hosts (`localhost`, `127.0.0.1`) low. Placeholders (`password`, `${DB_PASSWORD}`, `<password>`, `****`; in documentation — README, `.md`/`.rst`, `docs/` — also a word for the password with a short number: `Password123!`, `key_1234`, which a deployment file is reported for), a `dotenv://` URL whose key is not a DOTENV_KEY (`key_` and 64 hex digits), a password equal to the user (`postgres:postgres@`, image defaults), and hosts reserved for documentation (`example.com`, `.test`, `.invalid`, and the documentation sites listed in `lib/known-false.ts`) are ignored. Detector ids: `database-url-password`, `url-password`.',
  remediation:
    'Change the password and pass it separately from the URL, from a secret store: most drivers read `PGPASSWORD`/`password=` options or a mounted file; build the URL at run time from an injected secret.',
  references: ['https://cwe.mitre.org/data/definitions/798.html', 'https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1'],
  examples: {
    bad: [
      {
        path: 'docker-compose.yml',
        content:
          'services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow:v2.16.2\n    environment:\n      MLFLOW_BACKEND_STORE_URI: postgresql://mlflow:Vq8rT2nXw4Lp@pg.internal:5432/mlflow\n',
      },
    ],
    good: [
      {
        path: 'docker-compose.yml',
        content:
          'services:\n  mlflow:\n    image: ghcr.io/mlflow/mlflow:v2.16.2\n    environment:\n      MLFLOW_BACKEND_STORE_URI: postgresql://mlflow:${MLFLOW_DB_PASSWORD}@pg.internal:5432/mlflow\n',
      },
    ],
  },
  options: { ...DETECTOR_OPTION },
};

export default defineRule<TextLikeDocument>({
  meta,
  check(doc, ctx) {
    reportSecrets(doc, ctx, meta);
  },
});
