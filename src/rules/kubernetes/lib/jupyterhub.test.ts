import { describe, expect, it } from 'vitest';
import { loadEmbeddedYaml } from './embedded-yaml.js';
import { fromPython, fromValues, MAX_PYTHON_BYTES, type HubConfig } from './jupyterhub.js';

describe('JupyterHub configuration in Python', () => {
  it('reads authenticator_class and the DummyAuthenticator password', () => {
    const c: HubConfig = {};
    fromPython('c.JupyterHub.authenticator_class = "dummy"\nc.DummyAuthenticator.password = \'s3cret\'\n', c);
    expect(c).toEqual({ authenticatorClass: 'dummy', password: true });
    const empty: HubConfig = {};
    fromPython("c.JupyterHub.authenticator_class = 'oauthenticator.GitHubOAuthenticator'\nc.DummyAuthenticator.password = ''\n", empty);
    expect(empty).toEqual({ authenticatorClass: 'oauthenticator.GitHubOAuthenticator', password: false });
  });
  it('takes the last top-level assignment: comments, unquoted classes, values it cannot see', () => {
    const c: HubConfig = {};
    fromPython('# c.JupyterHub.authenticator_class = "dummy"\nc.JupyterHub.authenticator_class = "github"  # GitHub\n', c);
    expect(c).toEqual({ authenticatorClass: 'github' });
    fromPython('c.JupyterHub.authenticator_class = "dummy"\nc.JupyterHub.authenticator_class = GitHubOAuthenticator\n', c);
    expect(c).toEqual({ authenticatorClass: 'GitHubOAuthenticator' });
    fromPython(
      'c.DummyAuthenticator.password = os.environ["DUMMY_PASSWORD"]\nif prod:\n    c.JupyterHub.authenticator_class = "dummy"\n',
      c,
    );
    expect(c).toEqual({ authenticatorClass: null, password: null });
  });
  it('reads each distinct snippet once, aliases too, and at most MAX_PYTHON_BYTES per object', () => {
    const big = 'c.JupyterHub.authenticator_class = "github"\n' + '#'.repeat(100_000);
    const same: HubConfig = {};
    const repeated = 'hub:\n  extraConfig:\n' + Array.from({ length: 8 }, (_, i) => `    k${i}: ${JSON.stringify(big)}\n`).join('');
    expect(fromValues(repeated, same)).toBe(big.length);
    expect(same).toEqual({ authenticatorClass: 'github' });
    // An anchor and 5,000 aliases to it: one string, scanned once (not 5,000 x 100 KB).
    const bomb: HubConfig = {};
    const aliased =
      `x: &s ${JSON.stringify(big)}\nhub:\n  config: {JupyterHub: {authenticator_class: dummy}}\n  extraConfig:\n` +
      Array.from({ length: 5_000 }, (_, i) => `    k${i}: *s\n`).join('');
    expect(fromValues(aliased, bomb)).toBe(big.length);
    expect(bomb).toEqual({ authenticatorClass: 'github' });
    const over: HubConfig = {};
    const huge = (n: number) => `c.JupyterHub.authenticator_class = "dummy"\n# ${n}` + '#'.repeat(MAX_PYTHON_BYTES / 2);
    const scanned = fromValues(`hub:\n  extraConfig:\n    a: ${JSON.stringify(huge(1))}\n    b: ${JSON.stringify(huge(2))}\n`, over);
    expect(scanned).toBeLessThanOrEqual(MAX_PYTHON_BYTES);
    expect(over).toEqual({ authenticatorClass: null });
  });
  it('reads a values.yaml with & outside anchors: a URL query, a password, a shell redirection', () => {
    const url: HubConfig = {};
    fromValues(
      'hub:\n  config:\n    JupyterHub: {authenticator_class: dummy}\n  extraEnv:\n    LOGIN_URL: "https://idp.example/login?a=1&next=/hub"\n',
      url,
    );
    expect(url).toEqual({ authenticatorClass: 'dummy' });
    const other: HubConfig = {};
    fromValues(
      'hub:\n  config:\n    JupyterHub:\n      authenticator_class: dummy\n    DummyAuthenticator:\n      password: p&ss\n  lifecycleHooks:\n    postStart: {exec: {command: [sh, -c, "run &> /tmp/log"]}}\n',
      other,
    );
    expect(other).toEqual({ authenticatorClass: 'dummy', password: true });
  });
  it('reads a hand-written values.yaml with anchors, aliases and merge keys as PyYAML does', () => {
    const anchored: HubConfig = {};
    fromValues('base: &b {authenticator_class: github}\nhub:\n  config:\n    JupyterHub: *b\n', anchored);
    expect(anchored).toEqual({ authenticatorClass: 'github' });
    const merged: HubConfig = {};
    fromValues(
      'auth: &auth\n  authenticator_class: dummy\nhub:\n  config:\n    JupyterHub:\n      <<: *auth\n      admin_access: true\n',
      merged,
    );
    expect(merged).toEqual({ authenticatorClass: 'dummy' });
  });
  it('runs the jupyterhub_config.d files after hub.config and before hub.extraConfig, as z2jh does', () => {
    const values = (extra: string) =>
      `hub:\n  config:\n    JupyterHub: {authenticator_class: dummy}\n  extraConfig:\n    10-auth: ${JSON.stringify(extra)}\n`;
    const file = 'c.JupyterHub.authenticator_class = "github"';
    const noExtra: HubConfig = {};
    fromValues(values('pass'), noExtra, undefined, [file]);
    expect(noExtra).toEqual({ authenticatorClass: 'github' });
    const extraLast: HubConfig = {};
    fromValues(values('c.JupyterHub.authenticator_class = "null"'), extraLast, undefined, [file]);
    expect(extraLast).toEqual({ authenticatorClass: 'null' });
  });
  it('takes a values.yaml it cannot read as not visible', () => {
    for (const text of [
      'hub: {config: {JupyterHub: {authenticator_class: dummy}}',
      'hub: !!python/name:os.system x\n# authenticator_class\n',
    ]) {
      const c: HubConfig = {};
      fromValues(text, c);
      expect(c, text).toEqual({ authenticatorClass: null });
    }
  });
  it('lets the jupyterhub_config.d files decide over a values.yaml it cannot read, unless its text holds a Python assignment (hub.extraConfig, run after them)', () => {
    // Nested deeper than the scan reads (PyYAML reads it): hub.config sets github, which the file replaces.
    const deep = `hub:\n  config:\n    JupyterHub: {authenticator_class: github}\n  extraEnv: {X: ${'['.repeat(80)}${']'.repeat(80)}}\n`;
    expect(loadEmbeddedYaml(deep).ok).toBe(false);
    const dummy = 'c.JupyterHub.authenticator_class = "dummy"';
    const fileWins: HubConfig = {};
    fromValues(deep, fileWins, undefined, [dummy]);
    expect(fileWins).toEqual({ authenticatorClass: 'dummy' });
    const brokenNamesNothing: HubConfig = {};
    fromValues('hub: [', brokenNamesNothing, undefined, [dummy]);
    expect(brokenNamesNothing).toEqual({ authenticatorClass: 'dummy' });
    // hub.config may set a password, which the file does not: the DummyAuthenticator cannot be judged.
    const password: HubConfig = {};
    fromValues(deep.replace('  extraEnv', '    DummyAuthenticator: {password: s3cret}\n  extraEnv'), password, undefined, [dummy]);
    expect(password).toEqual({ authenticatorClass: 'dummy', password: null });
    // An extraConfig snippet assigns the class after the file, in a flow string whose line YAML folds: not visible.
    for (const extra of ['"c.JupyterHub.authenticator_class = \'github\'"', '"c.JupyterHub.authenticator_class\n      = \'github\'"']) {
      const extraLast: HubConfig = {};
      fromValues(`${deep}  extraConfig: {auth: ${extra}}\n`, extraLast, undefined, [dummy]);
      expect(extraLast, extra).toEqual({ authenticatorClass: null });
    }
    const none: HubConfig = {};
    fromValues(deep, none);
    expect(none).toEqual({ authenticatorClass: null });
  });
  it('reads long lines without backtracking (one pass of anchored patterns per line)', () => {
    const c: HubConfig = {};
    fromPython('c.JupyterHub.authenticator_class =' + ' '.repeat(200_000) + '"' + 'a'.repeat(200_000), c);
    fromPython('c.DummyAuthenticator.password = "' + 'a'.repeat(200_000), c);
    fromPython('c.c.c.'.repeat(100_000), c);
    expect(c).toEqual({ authenticatorClass: null, password: null });
  });
});
