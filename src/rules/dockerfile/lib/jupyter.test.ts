import { describe, expect, it } from 'vitest';
import { jupyterAuth, jupyterLaunch, KUBERNETES_VARIABLES } from './jupyter.js';

const words = (s: string) => s.split(' ');

describe('jupyterLaunch', () => {
  it('recognises the programs, sub-commands and modules that start a server', () => {
    expect(jupyterLaunch(words('jupyter lab --ip=0.0.0.0'))?.text).toBe('jupyter lab');
    expect(jupyterLaunch(words('/opt/conda/bin/jupyter notebook'))?.text).toBe('jupyter notebook');
    expect(jupyterLaunch(words('tini -g -- start-notebook.py'))).toEqual({ text: 'start-notebook.py', index: 3 });
    expect(jupyterLaunch(words('python3.11 -m jupyterlab'))?.text).toBe('python -m jupyterlab');
    expect(jupyterLaunch(words('python -m jupyter server'))?.text).toBe('python -m jupyter server');
    expect(jupyterLaunch(words('jupyter-server --port 9000'))?.text).toBe('jupyter-server');
    expect(jupyterLaunch(["--IdentityProvider.token=''"])?.text).toBe('--IdentityProvider.token');
  });
  it('not other Jupyter commands', () => {
    expect(jupyterLaunch(words('jupyter nbconvert --to html a.ipynb'))).toBeUndefined();
    expect(jupyterLaunch(words('jupyter lab-build'))).toBeUndefined();
    expect(jupyterLaunch(words('python -m notebooks.train'))).toBeUndefined();
    expect(jupyterLaunch(words('python -m jupyter nbconvert'))).toBeUndefined();
  });
});

describe('jupyterAuth', () => {
  it.each([
    ["--NotebookApp.token=''", '--NotebookApp.token'],
    ['--NotebookApp.token=""', '--NotebookApp.token'],
    ['--ServerApp.token=', '--ServerApp.token'],
    ["--IdentityProvider.token=''", '--IdentityProvider.token'],
    ["--IdentityProvider.token ''", '--IdentityProvider.token'],
    ['--ServerApp.token="\'\'"', '--ServerApp.token'],
  ])('%s turns authentication off', (flag, name) => {
    const auth = jupyterAuth(['jupyter', 'lab', ...flag.split(' ')]);
    expect(auth.state).toBe('off');
    expect(auth.flag).toMatchObject({ name, value: '', index: 2 });
    expect(auth.reason).toBe(`${name}='' disables the token and no password is set`);
  });
  it('an empty password with it is reported alongside', () => {
    const auth = jupyterAuth(words("jupyter lab --NotebookApp.token='' --NotebookApp.password=''"));
    expect(auth.emptyPassword).toMatchObject({ name: '--NotebookApp.password', index: 3 });
  });
  it('a password or token set keeps it on; an empty password alone leaves the generated token', () => {
    expect(jupyterAuth(words("jupyter lab --ServerApp.token='' --ServerApp.password=argon2:abc")).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$(TOKEN)')).state).toBe('on');
    expect(jupyterAuth(words("jupyter lab --NotebookApp.password=''")).state).toBe('unknown');
    expect(jupyterAuth(words('jupyter lab')).state).toBe('unknown');
  });
  it('a variable reference is what the file sets it to; a variable it does not set counts as set', () => {
    const vars = new Map([
      ['EMPTY', ''],
      ['QUOTED_EMPTY', "''"],
      ['TOKEN', 'abc'],
    ]);
    const lookup = (name: string) => vars.get(name);
    const off = jupyterAuth(words('jupyter lab --ServerApp.token=$EMPTY'), lookup);
    expect(off.state).toBe('off');
    expect(off.flag).toEqual({ name: '--ServerApp.token', value: '', index: 2, variable: 'EMPTY', reference: '$EMPTY' });
    expect(off.reason).toBe('--ServerApp.token=$EMPTY (EMPTY is empty) disables the token and no password is set');
    expect(jupyterAuth(words('jupyter notebook --NotebookApp.token=${EMPTY}'), lookup).state).toBe('off');
    expect(jupyterAuth(words('jupyter lab --IdentityProvider.token "$QUOTED_EMPTY"'), lookup).state).toBe('off');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$TOKEN'), lookup).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$UNSET'), lookup).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$EMPTY')).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=${EMPTY}x'), lookup).state).toBe('on');
    expect(jupyterAuth(words("jupyter lab --ServerApp.token='' --ServerApp.password=$EMPTY"), lookup).emptyPassword).toMatchObject({
      variable: 'EMPTY',
    });
  });
  it("Kubernetes' $(NAME), with KUBERNETES_VARIABLES: the whole value, named so in the message", () => {
    const lookup = (name: string) => (name === 'EMPTY' ? '' : name === 'TOKEN' ? 'abc' : undefined);
    const off = jupyterAuth(words('jupyter lab --ServerApp.token=$(EMPTY)'), lookup, KUBERNETES_VARIABLES);
    expect(off.flag).toEqual({ name: '--ServerApp.token', value: '', index: 2, variable: 'EMPTY', reference: '$(EMPTY)' });
    expect(off.reason).toBe('--ServerApp.token=$(EMPTY) (EMPTY is empty) disables the token and no password is set');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$(TOKEN)'), lookup, KUBERNETES_VARIABLES).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$(UNSET)'), lookup, KUBERNETES_VARIABLES).state).toBe('on');
    // `$$(EMPTY)` is the text `$(EMPTY)`; `$EMPTY` is no reference in a container's args.
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$$(EMPTY)'), lookup, KUBERNETES_VARIABLES).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$EMPTY'), lookup, KUBERNETES_VARIABLES).state).toBe('on');
    // And a shell's syntax does not read `$(EMPTY)`, a command substitution there.
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$(EMPTY)'), lookup).state).toBe('on');
  });
  it('the last occurrence wins', () => {
    expect(jupyterAuth(words("jupyter lab --ServerApp.token=abc --ServerApp.token=''")).state).toBe('off');
    expect(jupyterAuth(words("jupyter lab --ServerApp.token='' --ServerApp.token=abc")).state).toBe('on');
  });
  it('--ServerApp.disable_check_xsrf=True', () => {
    expect(jupyterAuth(words('jupyter lab --ServerApp.disable_check_xsrf=True')).xsrfDisabled).toMatchObject({ index: 2 });
    expect(jupyterAuth(words('jupyter lab --NotebookApp.disable_check_xsrf=1')).xsrfDisabled).toBeDefined();
    expect(jupyterAuth(words('jupyter lab --ServerApp.disable_check_xsrf=False')).xsrfDisabled).toBeUndefined();
  });
});
