import { testRule } from '../../testing/rule-tester.js';
import rule from './credentials-in-url.js';

testRule(rule, {
  valid: [
    { name: 'reference', path: 'compose.yaml', content: 'DATABASE_URL: postgresql://app:${DB_PASSWORD}@db:5432/app\n' },
    {
      name: 'placeholders',
      path: '.env.example',
      content:
        'DATABASE_URL=postgres://user:password@host:5432/db\nREDIS_URL=redis://:<password>@cache:6379\nMONGO=mongodb://admin:****@mongo\n',
    },
    {
      name: 'a password equal to the user (image defaults) and documentation hosts from the known-false data',
      path: 'compose.yaml',
      content:
        'DATABASE_URL: postgres://postgres:postgres@postgres:5432/postgres\nBROKER: amqp://guest:GUEST@rabbit:5672\nurl.parse("https://anonymous:flabada@developer.mozilla.org/en-US/docs/Web/API/URL/password");\n',
    },
    {
      name: 'a word for the password with a short number in documentation',
      path: 'docs/setup.md',
      content: 'mysql://root:Password123!@db.internal:3306/app\n',
    },
    {
      name: 'a dotenv-vault URL whose key is not one (a DOTENV_KEY is key_ and 64 hex digits)',
      path: 'errors.js',
      content: 'throw new Error("Must be in valid uri format like dotenv://:key_1234@dotenvx.com/vault/.env.vault");\n',
    },
    { name: 'no password', path: 'x.txt', content: 'https://user@example.com/repo.git and https://example.com:8443/path@v1\n' },
    {
      name: 'documentation hosts and one-character passwords',
      path: 'url.d.ts',
      content:
        "// new URL('https://abc:xyz123@example.com'); new URL('https://a:b@測試?abc#foo');\nconst u = 'postgres://app:Vq8rT2nXw4Lp@db.test/app';\n",
    },
  ],
  invalid: [
    {
      name: 'a weak password in a deployment file is a finding',
      path: 'compose.yaml',
      content:
        'services:\n  app:\n    environment:\n      DATABASE_URL: postgres://app:Secret2024@prod-db.corp.internal:5432/app\n      CACHE: mysql://root:Password123!@db.internal:3306/app\n',
      findings: [
        {
          startLine: 4,
          startColumn: 36,
          endLine: 4,
          endColumn: 46,
          message: "PostgreSQL connection URL password in plain text (user 'app' at prod-db.corp.internal)",
        },
        { startLine: 5, startColumn: 27, endLine: 5, endColumn: 39 },
      ],
    },
    {
      name: 'database URL',
      path: 'docker-compose.yml',
      content:
        'services:\n  mlflow:\n    environment:\n      MLFLOW_BACKEND_STORE_URI: postgresql://mlflow:Vq8rT2nXw4Lp@pg.internal:5432/mlflow\n',
      findings: [
        {
          startLine: 4,
          startColumn: 53,
          endLine: 4,
          endColumn: 65,
          message: "PostgreSQL connection URL password in plain text (user 'mlflow' at pg.internal)",
          severity: 'high',
          evidence: 'PostgreSQL connection URL password Vq… (12 chars)',
        },
      ],
    },
    {
      name: 'SQLAlchemy driver, SRV and JDBC forms',
      path: 'settings.py',
      content:
        'A = "postgresql+psycopg2://etl:Zr7kQ2mWxP@warehouse.prod:5432/dw"\nB = "mongodb+srv://feat:Hs82kdLq0Z@cluster0.ab1cd.mongodb.net/features"\nC = "jdbc:mysql://svc:Lm4nB7vC9x@mysql.prod:3306/app"\n',
      findings: [
        {
          startLine: 1,
          startColumn: 32,
          endLine: 1,
          endColumn: 42,
          message: "PostgreSQL connection URL password in plain text (user 'etl' at warehouse.prod)",
        },
        {
          startLine: 2,
          startColumn: 25,
          endLine: 2,
          endColumn: 35,
          message: "MongoDB connection URL password in plain text (user 'feat' at cluster0.ab1cd.mongodb.net)",
        },
        {
          startLine: 3,
          startColumn: 23,
          endLine: 3,
          endColumn: 33,
          message: "MySQL connection URL password in plain text (user 'svc' at mysql.prod)",
        },
      ],
    },
    {
      name: 'HTTPS index URL is medium, local database is low',
      path: 'pip.conf',
      content: '[global]\nindex-url = https://ci:pQ9sLw2xTz7v@pypi.internal.acme.net/simple\n# dev: redis://:devpass123@localhost:6379\n',
      findings: [
        {
          startLine: 2,
          startColumn: 24,
          endLine: 2,
          endColumn: 36,
          message: "HTTPS URL password in plain text (user 'ci' at pypi.internal.acme.net)",
          severity: 'medium',
        },
        { startLine: 3, startColumn: 17, endLine: 3, endColumn: 27, severity: 'low' },
      ],
    },
  ],
});
