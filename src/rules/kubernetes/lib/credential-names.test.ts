import { describe, expect, it } from 'vitest';
import { credentialKind } from './credential-names.js';

describe('credentialKind', () => {
  it('recognises credential key names in any case style', () => {
    expect(credentialKind('DB_PASSWORD')).toBe('password');
    expect(credentialKind('postgresPassword')).toBe('password');
    expect(credentialKind('OPENAI_API_KEY')).toBe('API key');
    expect(credentialKind('openaiApiKey')).toBe('API key');
    expect(credentialKind('api-key')).toBe('API key');
    expect(credentialKind('aws_access_key_id')).toBe('access key');
    expect(credentialKind('AWS_SECRET_ACCESS_KEY')).toBe('secret');
    expect(credentialKind('AZURE_CLIENT_SECRET')).toBe('secret');
    expect(credentialKind('AZURE_STORAGE_ACCOUNT_KEY')).toBe('access key');
    expect(credentialKind('OCI_CLI_KEY_CONTENT')).toBe('private key');
    expect(credentialKind('oci.private_key')).toBe('private key');
    expect(credentialKind('HF_TOKEN')).toBe('token');
    expect(credentialKind('refreshToken')).toBe('token');
    expect(credentialKind('gcp-credentials')).toBe('credentials');
  });

  it('leaves references, settings and text tokens alone', () => {
    for (const k of ['password_file', 'secretName', 'TOKEN_URL', 'api_key_header', 'max_tokens', 'maxNewTokens', 'tokenizer', 'token_ttl', 'PASSWORD_MIN_LENGTH', 'model', 'secrets_enabled', 'keycloak']) {
      expect(credentialKind(k), k).toBeUndefined();
    }
  });
});
