import { describe, expect, it } from 'vitest';
import { credentialKind, namesCredential } from './credential-names.js';

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
    expect(credentialKind('AWSSecretKey')).toBe('secret');
    // The Kelvin sign reads as k once lower-cased.
    expect(credentialKind('API_\u212AEY')).toBe('API key');
    expect(credentialKind('SAS_TO\u212AEN')).toBe('access key');
  });

  it('leaves references, settings and text tokens alone', () => {
    for (const k of [
      'password_file',
      'secretName',
      'TOKEN_URL',
      'api_key_header',
      'max_tokens',
      'maxNewTokens',
      'tokenizer',
      'token_ttl',
      'PASSWORD_MIN_LENGTH',
      'model',
      'secrets_enabled',
      'keycloak',
      's3AccessKeyIDName',
      'gcsCredentialFileName',
    ]) {
      expect(credentialKind(k), k).toBeUndefined();
    }
  });

  it('tells a key that names where a credential is kept from the credential', () => {
    expect(namesCredential('s3SecretAccessKeyName', 'AWS_SECRET_ACCESS_KEY')).toBe(true);
    expect(namesCredential('storageSecretNameAnnotation', 'serving.kserve.io/storageSecretName')).toBe(true);
    expect(namesCredential('passwordSecretRef', 'postgres-credentials')).toBe(true);
    expect(namesCredential('s3SecretAccessKey', 'AWS_SECRET_ACCESS_KEY')).toBe(false);
    expect(namesCredential('s3SecretAccessKeyName', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8t4Vw2Lm')).toBe(false);
    expect(namesCredential('passwordRef', 'Tr0ub4dor&3')).toBe(false);
  });
});
