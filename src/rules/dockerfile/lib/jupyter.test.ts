import { describe, expect, it } from 'vitest';
import { jupyterAuth, jupyterLaunch } from './jupyter.js';

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
    // The message shows the flag as written, not a spelling of its own (`--IdentityProvider.token ''` stays two words).
    expect(auth.reason).toBe(`${flag} disables the token and no password is set`);
  });
  it('an empty value as the next word is shown as the file writes it, or told in words when it has no text', () => {
    const reason = (words: string[], context = {}) => jupyterAuth(words, context).reason;
    expect(reason(['jupyter', 'lab', '--ServerApp.token', ''])).toBe(
      '--ServerApp.token and an empty argument disables the token and no password is set',
    );
    expect(
      reason(['jupyter', 'lab', '--ServerApp.token', ''], {
        shell: () => undefined,
        shellWords: ['jupyter', 'lab', '--ServerApp.token', '""'],
      }),
    ).toBe('--ServerApp.token "" disables the token and no password is set');
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
  it('when a shell runs the line, a variable is what the file sets it to; one it does not set, or sets at run time, counts as set', () => {
    const vars = new Map<string, string | null>([
      ['EMPTY', ''],
      ['QUOTED_EMPTY', "''"],
      ['TOKEN', 'abc'],
      ['SECRET', null],
    ]);
    const shell = (name: string) => vars.get(name);
    const off = jupyterAuth(words('jupyter lab --ServerApp.token=$EMPTY'), { shell });
    expect(off.state).toBe('off');
    expect(off.flag).toEqual({
      name: '--ServerApp.token',
      value: '',
      index: 2,
      written: '--ServerApp.token=$EMPTY',
      emptyBecause: 'EMPTY is empty',
    });
    expect(off.reason).toBe('--ServerApp.token=$EMPTY (EMPTY is empty) disables the token and no password is set');
    expect(jupyterAuth(words('jupyter notebook --NotebookApp.token=${EMPTY}'), { shell }).state).toBe('off');
    expect(jupyterAuth(words('jupyter lab --IdentityProvider.token "$QUOTED_EMPTY"'), { shell }).state).toBe('off');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$TOKEN'), { shell }).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$UNSET'), { shell }).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$SECRET'), { shell }).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$EMPTY$SECRET'), { shell }).state).toBe('on');
    // No shell: the program receives `$EMPTY` as written.
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$EMPTY')).state).toBe('on');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=${EMPTY}x'), { shell }).state).toBe('on');
    expect(jupyterAuth(words("jupyter lab --ServerApp.token='' --ServerApp.password=$EMPTY"), { shell }).emptyPassword).toMatchObject({
      written: '--ServerApp.password=$EMPTY',
    });
  });
  it('a shell default: `:-` and `:=` replace an unset or empty variable, `-` and `=` an unset one', () => {
    const vars = new Map<string, string | null>([
      ['EMPTY', ''],
      ['TOKEN', 'abc'],
      ['SECRET', null],
    ]);
    const shell = (name: string) => vars.get(name);
    const state = (value: string) => jupyterAuth(words(`jupyter lab --ServerApp.token=${value}`), { shell }).state;
    const off = jupyterAuth(words('jupyter lab --ServerApp.token=${EMPTY:-}'), { shell });
    expect(off.flag).toEqual({
      name: '--ServerApp.token',
      value: '',
      index: 2,
      written: '--ServerApp.token=${EMPTY:-}',
      emptyBecause: 'EMPTY is empty',
    });
    expect(state('${EMPTY:=}')).toBe('off');
    expect(state("${EMPTY:-''}")).toBe('off');
    expect(state('${EMPTY-abc}')).toBe('off');
    expect(state('${EMPTY=abc}')).toBe('off');
    expect(state('${EMPTY:-abc}')).toBe('on');
    expect(state('${EMPTY:=abc}')).toBe('on');
    expect(state('${TOKEN:-}')).toBe('on');
    expect(state('${TOKEN-}')).toBe('on');
    // A value known only at run time may be empty or not: it counts as set, default or not.
    expect(state('${SECRET:-}')).toBe('on');
    expect(state('${SECRET-}')).toBe('on');
    // A variable the file does not set takes the default; without one it counts as set, as before.
    const unset = jupyterAuth(words('jupyter lab --ServerApp.token=${UNSET:-}'), { shell });
    expect(unset.state).toBe('off');
    expect(unset.reason).toBe(
      '--ServerApp.token=${UNSET:-} (UNSET is not set and its default is empty) disables the token and no password is set',
    );
    expect(state('${UNSET-""}')).toBe('off');
    expect(state('${UNSET:-abc}')).toBe('on');
    expect(state('${UNSET}')).toBe('on');
    expect(state('${EMPTY:-}${UNSET:-}')).toBe('off');
    expect(state('${EMPTY:-}x')).toBe('on');
    // Without a shell the program receives the text as written.
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=${EMPTY:-}')).state).toBe('on');
  });
  it('other parameter expansions, and a default that expands to a value not known, are not known from the file: they count as set', () => {
    const shell = (name: string) => (name === 'EMPTY' ? '' : undefined);
    const state = (value: string) => jupyterAuth(words(`jupyter lab --ServerApp.token=${value}`), { shell }).state;
    for (const form of [
      '${EMPTY:+x}',
      '${EMPTY+x}',
      '${EMPTY:?unset}',
      '${EMPTY?}',
      '${#EMPTY}',
      '${EMPTY#x}',
      '${EMPTY:0:1}',
      '${!EMPTY}',
    ])
      expect(state(form), form).toBe('on');
    expect(state('${EMPTY:-$UNSET}')).toBe('on');
    expect(state('${EMPTY:-${UNSET:-${OTHER}}}')).toBe('on');
    expect(state('${EMPTY:-${UNSET:+x}}')).toBe('on');
    // A command in the default is a command substitution, whose output is not known.
    expect(state('${UNSET:-`true`}')).toBe('unknown');
  });
  it('a default is expanded in turn, through nested braces', () => {
    const shell = (name: string) => (name === 'EMPTY' ? '' : undefined);
    const auth = (value: string) => jupyterAuth(words(`jupyter lab --ServerApp.token=${value}`), { shell });
    expect(auth('${EMPTY:-$EMPTY}').reason).toBe(
      '--ServerApp.token=${EMPTY:-$EMPTY} (EMPTY is empty) disables the token and no password is set',
    );
    expect(auth('${TOKEN:-${OTHER:-}}').reason).toBe(
      '--ServerApp.token=${TOKEN:-${OTHER:-}} (OTHER is not set and its default is empty; TOKEN is not set and its default is empty) disables the token and no password is set',
    );
    expect(auth('${TOKEN:-${OTHER:-x}}').state).toBe('on');
    expect(auth('${TOKEN:-"${EMPTY}"}').state).toBe('off');
  });
  it('a shell reads each word as written: single quotes and a backslash keep $NAME as text, double quotes expand it', () => {
    const shell = (name: string) => (name === 'EMPTY' ? '' : undefined);
    const state = (written: string, value = written.replace(/['"\\]/g, '')) =>
      jupyterAuth(['jupyter', 'lab', value], { shell, shellWords: ['jupyter', 'lab', written] }).state;
    expect(state("--ServerApp.token='$EMPTY'")).toBe('on');
    expect(state("'--ServerApp.token=${EMPTY}'")).toBe('on');
    expect(state('--ServerApp.token=\\$EMPTY')).toBe('on');
    expect(state("--ServerApp.token='$(cat /run/token)'")).toBe('on');
    expect(state('--ServerApp.token="$EMPTY"')).toBe('off');
    expect(state('"--ServerApp.token=$EMPTY"\'\'')).toBe('off');
    expect(state("--ServerApp.token=${UNSET:-'$EMPTY'}")).toBe('on');
    expect(state("--ServerApp.token=${UNSET:-''}")).toBe('off');
    // A word no shell reads (an argument after the script) is passed as written.
    expect(jupyterAuth(['jupyter', 'lab', '--ServerApp.token=$EMPTY'], { shell, shellWords: [] }).state).toBe('on');
  });
  it('several empty variables are all named, and a description may tell each', () => {
    const shell = (name: string) => (name === 'A' || name === 'B' ? '' : undefined);
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$A${B}'), { shell }).reason).toBe(
      '--ServerApp.token=$A${B} (A and B are empty) disables the token and no password is set',
    );
    const describeEmpty = (name: string) => `the build argument ${name} is empty`;
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$A'), { shell, describeEmpty }).reason).toBe(
      '--ServerApp.token=$A (the build argument A is empty) disables the token and no password is set',
    );
  });
  it('a command substitution run by the shell gives a value not known; without a shell it is text', () => {
    const shell = () => '';
    const substituted = jupyterAuth(words('jupyter lab --ServerApp.token=$(TOKEN)'), { shell });
    expect(substituted.state).toBe('unknown');
    expect(substituted.flag).toMatchObject({ name: '--ServerApp.token', notKnown: true });
    expect(substituted.reason).toBe(
      '--ServerApp.token=$(TOKEN) is a command substitution: the shell runs TOKEN and the token is what it prints, not known before it runs',
    );
    expect(jupyterAuth(['jupyter', 'lab', '--ServerApp.token=`cat /run/token`'], { shell }).state).toBe('unknown');
    // A password set still turns authentication on; an empty token with a password not known is not known.
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$(T) --ServerApp.password=argon2:x'), { shell }).state).toBe('on');
    const password = jupyterAuth(words("jupyter lab --ServerApp.token='' --ServerApp.password=$(cat)"), { shell });
    expect(password.state).toBe('unknown');
    expect(password.flag?.name).toBe('--ServerApp.password');
    expect(jupyterAuth(words('jupyter lab --ServerApp.token=$(TOKEN)')).state).toBe('on');
  });
  it('a word the platform expanded is named as the file writes it', () => {
    const origins = [undefined, undefined, { written: '--ServerApp.token=$(A)$(B)', emptyVariables: ['A', 'B'] }];
    const off = jupyterAuth(['jupyter', 'lab', '--ServerApp.token='], { origins });
    expect(off.reason).toBe('--ServerApp.token=$(A)$(B) (A and B are empty) disables the token and no password is set');
    const separate = jupyterAuth(['jupyter', 'lab', '--ServerApp.token', ''], {
      origins: [undefined, undefined, undefined, { written: '$(T)', emptyVariables: ['T'] }],
    });
    expect(separate.reason).toBe('--ServerApp.token $(T) (T is empty) disables the token and no password is set');
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
