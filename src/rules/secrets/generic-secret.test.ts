import { testRule } from '../../testing/rule-tester.js';
import rule from './generic-secret.js';
import { fakes } from './lib/fakes.js';

const token = fakes.token();
const pw = fakes.password();

testRule(rule, {
  valid: [
    { name: 'references and lookups', path: 'app.env', content: 'API_TOKEN=${API_TOKEN}\nDB_PASSWORD=$(cat /run/secrets/db)\n' },
    {
      name: 'code reads from the environment',
      path: 'app.py',
      content: 'api_key = os.environ["API_KEY"]\npassword = get_password()\ntoken = request.headers["Authorization"]\n',
    },
    {
      name: 'unquoted right-hand side in code is an expression',
      path: 'app.ts',
      content: 'const apiKey = config.upstream.apiKeyFromVault;\n',
    },
    {
      name: 'descriptive names',
      path: 'config.yaml',
      content: `token_type: bearer\nmax_tokens: 4096\nsecretName: llm-keys\npassword_file: /run/secrets/db\ntokenizer: ${token}\nmaxTokens: ${token}\nUSE_TOKEN_AUTH: ${token}\n`,
    },
    {
      name: 'placeholders and UUIDs',
      path: '.env',
      content: 'API_KEY=your-api-key-here\nSECRET=xxxxxxxxxxxxxxxxxxxxxxxx\nCLIENT_SECRET=3f9c2a41-7d0e-4b8a-9c55-e1f2a3b4c5d6\n',
    },
    { name: 'low entropy words', path: 'settings.ini', content: 'secret_key = development-only-secret-key\n' },
    {
      name: 'identifiers, dotted paths, patterns, URNs and prose rather than values',
      path: 'app.js',
      content:
        [
          '[aux_sym_format_specifier_token1] = "format_specifier_token1",',
          'const tokenMatch = "[a-zA-Z0-9-._~+/]+=*";',
          'headers["Lock-Token"] = "<urn:uuid:a515cfa4-5da4-22e1-f5bf-00aa00b6cc63>";',
          "redact({ paths: ['user.password'], password: 'user.credentials.password9' });",
          'diag(1381, "Unexpected_token_Did_you_mean_or_rbrace_1381", "Unexpected token. Did you mean or &rbrace;?");',
        ].join('\n') + '\n',
    },
    {
      name: 'lock file hashes',
      path: 'package-lock.json',
      content: `{"node_modules/js-tokens": {"version": "4.0.0", "integrity": "sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k6apgJtifcoCtT9bcxOpYBtpD2kCM6Sbzg4CausW/PKQ==", "token": "${token}"}}\n`,
    },
    { name: 'value below minEntropy option', path: '.env', content: `API_TOKEN=${token}\n`, options: { minEntropy: 6 } },
    {
      name: 'values of a Secret manifest (reported by kubernetes-secret-manifest)',
      path: 'secret.yaml',
      content: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  API_TOKEN: ${Buffer.from(token).toString('base64')}\nstringData:\n  DB_PASSWORD: ${pw}\n`,
    },
    {
      name: 'values of a Secret manifest with CRLF line ends',
      path: 'secret.yaml',
      content: `apiVersion: v1\r\nkind: Secret\r\nmetadata:\r\n  name: s\r\nstringData:\r\n  DB_PASSWORD: ${pw}\r\n`,
    },
    {
      name: 'YAML aliases and anchors without a value, names of environment variables',
      path: 'values.yaml',
      content: `defaults: &defaults\n  api_key: *shared_api_key_2\n  token: &tok\n  apiKey: *openai_api_key_ref\nauth:\n  secret: AZURE_OPENAI_API_KEY_2\n  token_var: HF_TOKEN_2\n`,
    },
    {
      name: 'references to Secrets by name',
      path: 'values.yaml',
      content:
        'auth:\n  passwordSecret: mlflow2-db-credentials\n  tokenSecretRef: hf2-token-secret-v2\n  api_credentials: s3-creds-prod\n  apiKeySecretName: litellm-master-key\n',
    },
    {
      name: 'module paths',
      path: 'values.yaml',
      content:
        'secret_backend: github.com/external-secrets/external-secrets/pkg/provider\ncredentials_module: "@company/auth-tokens/dist/index.js"\ntoken_provider: mypkg.auth.tokens:TokenProvider2\nsecret_loader: lib/auth2/secretLoader.py\n',
    },
    {
      name: 'a keyword in the last segment of a qualified name or a glob path is not assigned',
      path: 'cfn-types.json',
      content: [
        '{',
        '  "AWS::SecretsManager::SecretTargetAttachment": "x:SecretTargetAttachment9",',
        '  "perms": ["bedrock-agentcore:GetWorkloadAccessToken","bedrock-agentcore:CompleteResourceTokenAuth2x"],',
        '  "arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:SecretName-f3gDy9",',
        `  "paths": ['users.*.password', 'users.*.profile.preferences.*']`,
        '}',
      ].join('\n'),
    },
    {
      name: 'names made of words: module paths with their export, feature flags, IAM actions, ARNs',
      path: 'features.ts',
      content: [
        'export const TYPES = { "AWS::ApiGateway::ApiKey": "aws-cdk-lib/aws-apigateway.CfnApiKey" };',
        'export const ACCESS_TOKEN_CLASS = "aws-cdk-lib/aws-route53globalresolver.CfnAccessToken";',
        'export const RDS_PREVENT_RENDERING_DEPRECATED_CREDENTIALS = "@aws-cdk/aws-rds:preventRenderingDeprecatedCredentials";',
        'const tokenAction = "bedrock-agentcore:GetResourceOauth2Token";',
        "const serviceToken = 'arn:aws:lambda:us-east-2:123456789012:function:my-function:1';",
      ].join('\n'),
    },
    {
      name: 'documentation passwords, and Basic credentials whose decoded password is one',
      path: 'README.md',
      content: [
        'curl localhost:8080/auth?username=admin&password=Password123!',
        "const proxyHeaders = { 'Proxy-Authorization': 'Basic YWxhZGRpbjpvcGVuc2VzYW1l' };",
        "t.equal(req.headers.authorization, 'Basic dXNlcm5hbWU6cGFzc3dvcmQ=');",
      ].join('\n'),
    },
    {
      name: 'a key spelled again in another case convention',
      path: 'models.js',
      content: `const map = {\n  oauth2MetadataSecrets: "oauth2_metadata_secrets",\n  "token_endpoint_auth_signing_alg_values_supported": "tokenEndpointAuthSigningAlgValuesSupported",\n};\n`,
    },
    {
      name: 'commented examples',
      path: 'settings.py',
      content: `# api_key = "${token}"\n    # password: ${pw}\n// SECRET_TOKEN=${token}\n -- db_password = '${pw}'\n`,
    },
  ],
  invalid: [
    {
      name: 'after a namespace, a drive or a scope, = still assigns; a base64 value with slashes is no name',
      path: 'setup.ps1',
      content: `$env:UPSTREAM_API_TOKEN = "${token}"\n<bean p:password="${pw}"/>\nConfig::API_TOKEN = '${token}'\napi_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK3pQ8"\n`,
      findings: [
        { startLine: 1, startColumn: 28, endLine: 1, endColumn: 60, message: "secret in plain text (assigned to 'UPSTREAM_API_TOKEN')" },
        { startLine: 2, startColumn: 19, endLine: 2, endColumn: 33, message: "password in plain text (assigned to 'password')" },
        { startLine: 3, startColumn: 22, endLine: 3, endColumn: 54, message: "secret in plain text (assigned to 'API_TOKEN')" },
        { startLine: 4, startColumn: 11, endLine: 4, endColumn: 47, message: "secret in plain text (assigned to 'api_key')" },
      ],
    },
    {
      name: 'a secret inside the quoted value of another secret-named key',
      path: '.env',
      content: `SECRETS_JSON='{"db_password": "${pw}"}'\nAZURE_SP_CONFIG='{"clientId": "app", "clientSecret": "Xk9#mQ2vLp7!wR4zT8uV"}'\nWANDB_SETTINGS="project=x api_key=${token}"\n`,
      findings: [
        { startLine: 1, startColumn: 32, endLine: 1, endColumn: 46, message: "password in plain text (assigned to 'db_password')" },
        { startLine: 2, startColumn: 55, endLine: 2, endColumn: 75, message: "secret in plain text (assigned to 'clientSecret')" },
        { startLine: 3, startColumn: 35, endLine: 3, endColumn: 67, message: "secret in plain text (assigned to 'api_key')" },
      ],
    },
    {
      name: '.NET user secrets: a flat configuration key with a section',
      path: 'secrets.json',
      content: `{\n  "Movies:ServiceApiKey": "${token}",\n  "Smtp:Password": "${pw}"\n}\n`,
      findings: [
        { startLine: 2, startColumn: 28, endLine: 2, endColumn: 60, message: "secret in plain text (assigned to 'ServiceApiKey')" },
        { startLine: 3, startColumn: 21, endLine: 3, endColumn: 35, message: "password in plain text (assigned to 'Password')" },
      ],
    },
    {
      name: 'a weak password really used in a .env is a finding (documentation only writes it)',
      path: '.env',
      content: 'ADMIN_PASSWORD=Password123!\nDB_PASSWORD=P@ssw0rd2024\nREDIS_PASSWORD=Token_2024!\n',
      findings: [
        { startLine: 1, startColumn: 16, endLine: 1, endColumn: 28, message: "password in plain text (assigned to 'ADMIN_PASSWORD')" },
        { startLine: 2, startColumn: 13, endLine: 2, endColumn: 25 },
        { startLine: 3, startColumn: 16, endLine: 3, endColumn: 27 },
      ],
    },
    {
      name: 'Basic credentials with a strong password',
      path: 'client.ts',
      content: `const headers = { Authorization: 'Basic ${Buffer.from(`svc-ingest:${pw}`).toString('base64')}' };\n`,
      findings: [
        { startLine: 1, startColumn: 41, endLine: 1, endColumn: 77, message: "secret in plain text (assigned to 'Authorization')" },
      ],
    },
    {
      name: 'the value after a YAML anchor (the anchor name is not the value)',
      path: 'values.yaml',
      content: `defaults:\n  password: &default_password ${pw}\n`,
      findings: [{ startLine: 2, startColumn: 31, endLine: 2, endColumn: 45, message: "password in plain text (assigned to 'password')" }],
    },
    {
      name: 'a command-line flag is not a comment',
      path: 'run.sh',
      content: `serve --api-token=${token}\n`,
      findings: [{ startLine: 1, startColumn: 19, endLine: 1, endColumn: 51 }],
    },
    {
      path: 'app.ini',
      content: `[upstream]\napi_token = ${token}\n`,
      findings: [
        {
          startLine: 2,
          startColumn: 13,
          endLine: 2,
          endColumn: 45,
          message: "secret in plain text (assigned to 'api_token')",
          severity: 'low',
          evidence: `secret ${token.slice(0, 2)}… (32 chars)`,
        },
      ],
    },
    {
      name: 'Dockerfile ENV in both forms, compose list form',
      path: 'Dockerfile',
      content: `FROM python:3.12\nENV DB_PASSWORD ${pw}\nENV UPSTREAM_API_KEY=${token}\n`,
      findings: [
        { startLine: 2, startColumn: 17, endLine: 2, endColumn: 31, message: "password in plain text (assigned to 'DB_PASSWORD')" },
        { startLine: 3, startColumn: 22, endLine: 3, endColumn: 54 },
      ],
    },
    {
      name: 'compose environment and Kubernetes env literal',
      path: 'stack.yaml',
      content: `services:\n  api:\n    environment:\n      - SERVICE_TOKEN=${token}\n---\nkind: Secret\n---\ndata:\n- name: ADMIN_PASSWORD\n  value: "${pw}"\n`,
      findings: [
        { startLine: 4, startColumn: 23, endLine: 4, endColumn: 55 },
        { startLine: 10, startColumn: 11, endLine: 10, endColumn: 25, message: "password in plain text (assigned to 'ADMIN_PASSWORD')" },
      ],
    },
    {
      name: 'names that merely start like a flag',
      path: '.env',
      content: `NODE_AUTH_TOKEN=${token}\nISSUER_SECRET=${token}\n`,
      findings: [
        { startLine: 1, startColumn: 17, endLine: 1, endColumn: 49 },
        { startLine: 2, startColumn: 15, endLine: 2, endColumn: 47 },
      ],
    },
    {
      name: 'quoted literal in code and an Authorization header',
      path: 'client.ts',
      content: `const apiKey = "${token}";\nheaders["Authorization"] = "Bearer ${fakes.token('b')}";\n`,
      findings: [
        { startLine: 1, startColumn: 17, endLine: 1, endColumn: 49 },
        { startLine: 2, startColumn: 36, endLine: 2, endColumn: 68, message: "secret in plain text (assigned to 'Authorization')" },
      ],
    },
  ],
});
