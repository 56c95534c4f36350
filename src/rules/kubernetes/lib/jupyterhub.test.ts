import { describe, expect, it } from 'vitest';
import { fromPython, type HubConfig } from './jupyterhub.js';

describe('JupyterHub configuration in Python', () => {
  it('reads authenticator_class and the DummyAuthenticator password', () => {
    const c: HubConfig = {};
    fromPython('c.JupyterHub.authenticator_class = "dummy"\nc.DummyAuthenticator.password = \'s3cret\'\n', c);
    expect(c).toEqual({ authenticatorClass: 'dummy', password: true });
    const empty: HubConfig = {};
    fromPython("c.JupyterHub.authenticator_class = 'oauthenticator.GitHubOAuthenticator'\nc.DummyAuthenticator.password = ''\n", empty);
    expect(empty).toEqual({ authenticatorClass: 'oauthenticator.GitHubOAuthenticator', password: false });
  });
  it('is linear on adversarial input', () => {
    const c: HubConfig = {};
    fromPython('c.JupyterHub.authenticator_class =' + ' '.repeat(200_000) + '"' + 'a'.repeat(200_000), c);
    fromPython('c.DummyAuthenticator.password = "' + 'a'.repeat(200_000), c);
    fromPython('c.c.c.'.repeat(100_000), c);
    expect(c).toEqual({});
  });
});
