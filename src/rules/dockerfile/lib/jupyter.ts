/**
 * Jupyter servers on a command line: what starts one (`jupyter lab`, `jupyter-server`,
 * `python -m jupyterlab`, the Docker stacks' `start-notebook.py`), and whether the command line
 * turns its authentication off (`--ServerApp.token=''` and the NotebookApp / IdentityProvider
 * spellings, quoted or not, `=value` or `value`). Works on words with the shell's quotes removed or
 * kept as written: Jupyter's own option parser (traitlets) strips a pair of outer quotes too, so an
 * exec-form `"--NotebookApp.token=''"` is an empty token as well. Shared by the Dockerfile, compose
 * and Kubernetes rules.
 */

/** Programs that start a Jupyter server whatever their arguments. */
const SERVER_PROGRAMS = new Set([
  'jupyter-lab',
  'jupyter-notebook',
  'jupyter-server',
  'jupyter-nbclassic',
  'jupyterhub-singleuser',
  'start-notebook.sh',
  'start-notebook.py',
  'start-singleuser.sh',
  'start-singleuser.py',
]);
/** `jupyter <sub>` and `python -m jupyter <sub>`. */
const SUBCOMMANDS = new Set(['lab', 'notebook', 'server', 'nbclassic']);
/** `python -m <module>`. */
const SERVER_MODULES = new Set(['jupyterlab', 'notebook', 'jupyter_server', 'nbclassic']);

const TOKEN_FLAGS = ['--ServerApp.token', '--NotebookApp.token', '--IdentityProvider.token'];
const PASSWORD_FLAGS = ['--ServerApp.password', '--NotebookApp.password', '--PasswordIdentityProvider.hashed_password'];
const XSRF_FLAGS = ['--ServerApp.disable_check_xsrf', '--NotebookApp.disable_check_xsrf'];
/** Options only Jupyter servers take: seeing one on a command line recognises the server. */
const JUPYTER_OPTION = /^--(?:ServerApp|NotebookApp|IdentityProvider|PasswordIdentityProvider|LabApp)\.[A-Za-z_]+(?:=|$)/;

/** A flag as found: `index` is the word that holds it (its name). */
export interface JupyterFlag {
  name: string;
  /** The value with outer quotes removed; `''` for an empty one. For a variable the file sets, the variable's value. */
  value: string;
  index: number;
  /** The variable the value comes from (`--ServerApp.token=$TOKEN`), when the file sets it. */
  variable?: string;
  /** How the command line refers to that variable: `$TOKEN`, or `$(TOKEN)` in a Kubernetes container's command and args. */
  reference?: string;
}

/**
 * The value a file gives a variable (`ENV TOKEN=""`, a container's `env`), or `undefined` when the file
 * does not set it: a value from the run-time environment, as far as the file tells, is a token set.
 */
export type VariableLookup = (name: string) => string | undefined;

/** How a command line refers to a variable, as a flag's whole value. */
export interface VariableSyntax {
  /** The name is the first group that matched. */
  reference: RegExp;
  /** The reference as a message shows it. */
  written(name: string): string;
}

/** A shell's `$NAME` or `${NAME}` (Dockerfile shell forms, an image's `/bin/sh -c`). */
export const SHELL_VARIABLES: VariableSyntax = {
  reference: /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/,
  written: (name) => `$${name}`,
};

/**
 * Kubernetes' `$(NAME)` in a container's `command` and `args`, which the kubelet replaces by the
 * variable's value before the program (or a shell) sees it. `$$(NAME)` is the text `$(NAME)`.
 */
export const KUBERNETES_VARIABLES: VariableSyntax = {
  reference: /^\$\(([^)]*)\)$/,
  written: (name) => `$(${name})`,
};

/** How a Jupyter command line starts the server. */
export interface JupyterLaunch {
  /** `jupyter lab`, `python -m jupyterlab`, `start-notebook.py`, or the first Jupyter option. */
  text: string;
  index: number;
}

export interface JupyterAuth {
  /** `off`: the token is empty and no password is set; `on`: a token or password is given; `unknown`: neither flag. */
  state: 'off' | 'on' | 'unknown';
  reason: string;
  /** The flag that empties the token (for `off`) or sets the token or password (for `on`). */
  flag?: JupyterFlag;
  /** The empty password given with the empty token, if any. */
  emptyPassword?: JupyterFlag;
  /** `--ServerApp.disable_check_xsrf=True`: any web page a logged-in user opens can call the server's API. */
  xsrfDisabled?: JupyterFlag;
}

function baseName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Removes matching outer quotes, repeatedly: `"''"` → ``. */
export function unquoteValue(v: string): string {
  let s = v.trim();
  while (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0]) s = s.slice(1, -1).trim();
  return s;
}

function isPython(word: string): boolean {
  return /^python(?:\d+(?:\.\d+)*)?$/.test(baseName(word));
}

/** What in these words starts a Jupyter server, if anything does. */
export function jupyterLaunch(words: readonly string[]): JupyterLaunch | undefined {
  for (let i = 0; i < words.length; i++) {
    const w = baseName(words[i]);
    if (SERVER_PROGRAMS.has(w)) return { text: w, index: i };
    if (w === 'jupyter' && SUBCOMMANDS.has(words[i + 1] ?? '')) return { text: `jupyter ${words[i + 1]}`, index: i };
    if (isPython(words[i]) && words[i + 1] === '-m') {
      const mod = words[i + 2] ?? '';
      if (SERVER_MODULES.has(mod)) return { text: `python -m ${mod}`, index: i };
      if (mod === 'jupyter' && SUBCOMMANDS.has(words[i + 3] ?? '')) return { text: `python -m jupyter ${words[i + 3]}`, index: i };
    }
  }
  const option = words.findIndex((w) => JUPYTER_OPTION.test(w));
  return option >= 0 ? { text: words[option].split('=')[0], index: option } : undefined;
}

interface Variables {
  lookup: VariableLookup;
  syntax: VariableSyntax;
}

/** A flag's value, with a variable reference replaced by what the file sets the variable to. */
function flagOf(name: string, written: string, index: number, variables: Variables | undefined): JupyterFlag {
  const value = unquoteValue(written);
  const m = variables ? variables.syntax.reference.exec(value) : null;
  const variable = m ? m.slice(1).find((g) => g !== undefined) : undefined;
  const set = variable !== undefined ? variables?.lookup(variable) : undefined;
  return set !== undefined && variable !== undefined && variables
    ? { name, value: unquoteValue(set), index, variable, reference: variables.syntax.written(variable) }
    : { name, value, index };
}

/** Every occurrence of the flags, `--flag=value` or `--flag value` (a value that is not itself a flag). */
function flags(words: readonly string[], names: readonly string[], variables: Variables | undefined): JupyterFlag[] {
  const out: JupyterFlag[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    for (const name of names) {
      if (w === name) {
        const next = words[i + 1];
        out.push(flagOf(name, next !== undefined && !next.startsWith('--') ? next : '', i, variables));
      } else if (w.startsWith(name + '=')) out.push(flagOf(name, w.slice(name.length + 1), i, variables));
    }
  }
  return out;
}

/** How an empty flag was given: `--ServerApp.token=''`, or `--ServerApp.token=$TOKEN (TOKEN is empty)`. */
export function emptyFlagText(flag: JupyterFlag): string {
  return flag.variable !== undefined
    ? `${flag.name}=${flag.reference ?? SHELL_VARIABLES.written(flag.variable)} (${flag.variable} is empty)`
    : `${flag.name}=''`;
}

/**
 * What the command line says about the server's authentication. The last occurrence of a flag wins,
 * as in traitlets. A value from a variable (`--ServerApp.token=$TOKEN`, or `$(TOKEN)` with
 * `KUBERNETES_VARIABLES`) is what `variables` says the file sets it to; a variable the file does not
 * set (or no `variables`) counts as set.
 */
export function jupyterAuth(words: readonly string[], variables?: VariableLookup, syntax = SHELL_VARIABLES): JupyterAuth {
  const vars = variables ? { lookup: variables, syntax } : undefined;
  const token = flags(words, TOKEN_FLAGS, vars).pop();
  const password = flags(words, PASSWORD_FLAGS, vars).pop();
  const xsrf = flags(words, XSRF_FLAGS, vars).pop();
  const extra = xsrf && /^(?:true|1)$/i.test(xsrf.value) ? { xsrfDisabled: xsrf } : {};
  if (password && password.value !== '')
    return { state: 'on', reason: `a password is set with ${password.name}`, flag: password, ...extra };
  if (token && token.value !== '') return { state: 'on', reason: `a token is set with ${token.name}`, flag: token, ...extra };
  if (token)
    return {
      state: 'off',
      reason: `${emptyFlagText(token)} disables the token and no password is set`,
      flag: token,
      ...(password ? { emptyPassword: password } : {}),
      ...extra,
    };
  return { state: 'unknown', reason: 'Jupyter generates a token at start-up unless one is configured', ...extra };
}

/** The message of a server started with its token emptied and no password (`auth.flag` set); `what` names the launch. */
export function noAuthMessage(what: string, flag: JupyterFlag, emptyPassword: JupyterFlag | undefined): string {
  const password = emptyPassword ? ` and ${emptyFlagText(emptyPassword)}` : '';
  return `${what} with ${emptyFlagText(flag)}${password}: no token and no password, anyone who reaches its port runs code in the container`;
}

/** The message of a server started with its XSRF checks off. */
export function xsrfDisabledMessage(what: string, flag: JupyterFlag): string {
  return `${what} with ${flag.name}=${flag.value}: any web page its users open can run code through its API`;
}
