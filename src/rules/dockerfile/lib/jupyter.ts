import { MAX_PARAMETER_NESTING, readBracedParameter, type BracedParameter } from '../../../core/braced-parameter.js';

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

export const TOKEN_FLAGS = ['--ServerApp.token', '--NotebookApp.token', '--IdentityProvider.token'];
const PASSWORD_FLAGS = ['--ServerApp.password', '--NotebookApp.password', '--PasswordIdentityProvider.hashed_password'];
const XSRF_FLAGS = ['--ServerApp.disable_check_xsrf', '--NotebookApp.disable_check_xsrf'];
/** Options only Jupyter servers take: seeing one on a command line recognises the server. */
const JUPYTER_OPTION = /^--(?:ServerApp|NotebookApp|IdentityProvider|PasswordIdentityProvider|LabApp)\.[A-Za-z_]+(?:=|$)/;

/** A flag as found: `index` is the word that holds it (its name). */
export interface JupyterFlag {
  name: string;
  /** The value as Jupyter receives it, outer quotes removed; `''` for an empty one. */
  value: string;
  index: number;
  /** The flag as the file writes it, when variables or a command give its value: `--ServerApp.token=$(NB_TOKEN)`. */
  written?: string;
  /** Why variables made the value empty: `NB_TOKEN is empty`. */
  emptyBecause?: string;
  /** True when a shell's command substitution (`$(…)`, backquotes) gives the value: what the command prints is not known. */
  notKnown?: true;
  /** The variable a shell reads for the value whose value the file leaves to the run-time environment (the value counts as set). */
  runTime?: string;
  /** For an empty value given as written (no variable, no command): the flag and its value as the file writes them. */
  given?: string;
}

/**
 * The value a file gives a variable (`ENV TOKEN=""`, a container's `env`): text; `null` when it is set
 * but its value is known only at run time (a Secret, `envFrom`); `undefined` when the file does not set
 * it. A value known only at run time, or left to the run-time environment, counts as a token set.
 */
export type VariableLookup = (name: string) => string | null | undefined;

/**
 * A word whose text the platform made by replacing references before the program (or a shell) sees
 * it: the kubelet's `$(NAME)`, compose's `${NAME:-default}`.
 */
export interface WordOrigin {
  /** The word as the file writes it. */
  written: string;
  /** The variables it names whose values were empty. */
  emptyVariables: readonly string[];
}

/**
 * Stands in a command line for a variable's value that only the run time knows (a Secret, `envFrom`,
 * the environment of `docker compose`): plain text, which no shell expands, so it counts as set.
 */
export const RUN_TIME_VALUE = 'value-known-at-run-time';

/** What the file tells about the words of a command line besides their text. */
export interface CommandContext {
  /** Set when a shell runs the command line: what the file gives the variables its `$NAME`, `${NAME}` and `${NAME:-word}` read. */
  shell?: VariableLookup;
  /**
   * With `shell`: for each word (by index), the word as the shell reads it, quotes kept
   * (`--ServerApp.token='$TOKEN'`), or `undefined` for a word no shell reads (an argument after the
   * script); by default the words themselves.
   */
  shellWords?: ReadonlyArray<string | undefined>;
  /**
   * For messages: each word (by index) as the file writes it, quotes kept, when the words lost them
   * (a Dockerfile's exec form read as shell words); by default `shellWords`, then the words themselves.
   */
  writtenWords?: ReadonlyArray<string | undefined>;
  /** How an empty variable is told in a message (default `NAME is empty`). */
  describeEmpty?: (name: string) => string;
  /** For each word the platform expanded (by index): how the file writes it. */
  origins?: ReadonlyArray<WordOrigin | undefined>;
}

/** How a Jupyter command line starts the server. */
export interface JupyterLaunch {
  /** `jupyter lab`, `python -m jupyterlab`, `start-notebook.py`, or the first Jupyter option. */
  text: string;
  index: number;
}

export interface JupyterAuth {
  /**
   * `off`: the token is empty and no password is set; `on`: a token or password is given; `unknown`:
   * neither flag, or (with `flag`) a command the shell runs gives the value.
   */
  state: 'off' | 'on' | 'unknown';
  reason: string;
  /** The flag that empties the token (for `off`), sets the token or password (for `on`), or whose value is not known. */
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

/** Why part of an expanded value is empty: a variable the file sets empty, or one it does not set whose default is empty. */
interface EmptyCause {
  name: string;
  /** The variable is not set by the file and its default (`${NAME:-}`) is used. */
  unset?: true;
}

/** A word as a shell expands it, and why parts of it were empty; `command` when a command substitution gives part of it. */
type Expansion = { text: string; empty: EmptyCause[] } | 'command';

/**
 * What a shell gives for a braced parameter: the file's value, or the default word (expanded in turn)
 * when the variable is unset (or empty, for `:-` and `:=`); `undefined` when not known from the file:
 * a value known only at run time, a variable the file does not set and without a default, or a form
 * other than a default (`${NAME:?…}`, `${NAME:+…}`, `${#NAME}`).
 */
function shellParameter(
  p: BracedParameter,
  lookup: VariableLookup,
  empty: EmptyCause[],
  depth: number,
  runTime: string[],
): string | 'command' | undefined {
  const { name, operator, word } = p;
  if (name === undefined || (operator !== undefined && !/^:?[-=]$/.test(operator))) return undefined;
  const v = lookup(name);
  const useDefault = word !== undefined && (v === undefined || (operator!.startsWith(':') && v !== null && unquoteValue(v) === ''));
  if (useDefault) {
    if (depth >= MAX_PARAMETER_NESTING) return undefined;
    const expanded = expandShellWord(word, lookup, depth + 1, runTime);
    if (expanded === undefined || expanded === 'command') return expanded;
    const text = unquoteValue(expanded.text);
    empty.push(...expanded.empty);
    if (text === '') empty.push(v === undefined ? { name, unset: true } : { name });
    return text;
  }
  if (v === null || v === undefined) {
    runTime.push(name);
    return undefined;
  }
  // `${NAME:-word}` with NAME empty took the default above; `${NAME-word}` keeps the empty value.
  if (unquoteValue(v) === '') empty.push({ name });
  return v;
}

/**
 * A shell word as the shell expands it, quotes removed: `$NAME`, `${NAME}` and `${NAME:-word}` replaced
 * by what the file gives them, outside single quotes (`'$TOKEN'` is the text `$TOKEN`); `command`
 * when a command substitution gives part of it; `undefined` when a variable's value is not known from
 * the file (it then counts as set), whose name goes to `runTime`.
 */
function expandShellWord(raw: string, lookup: VariableLookup, depth = 0, runTime: string[] = []): Expansion | undefined {
  const empty: EmptyCause[] = [];
  let text = '';
  let double = false;
  for (let i = 0; i < raw.length;) {
    const c = raw[i];
    if (c === "'" && !double) {
      const end = raw.indexOf("'", i + 1);
      const stop = end < 0 ? raw.length : end;
      text += raw.slice(i + 1, stop);
      i = stop + 1;
    } else if (c === '"') {
      double = !double;
      i++;
    } else if (c === '\\') {
      const next = raw[i + 1] ?? '';
      // In double quotes a backslash escapes only `$`, `` ` ``, `"`, `\` and a newline.
      text += double && !'$`"\\\n'.includes(next) ? c + next : next;
      i += 2;
    } else if (c === '`' || (c === '$' && raw[i + 1] === '(')) return 'command';
    else if (c === '$' && raw[i + 1] === '{') {
      const p = readBracedParameter(raw, i, { quotes: true });
      const v = p && shellParameter(p, lookup, empty, depth, runTime);
      if (v === undefined || v === 'command') return v;
      text += v;
      i = p!.end;
    } else if (c === '$' && /[A-Za-z_]/.test(raw[i + 1] ?? '')) {
      let end = i + 2;
      while (end < raw.length && /[A-Za-z0-9_]/.test(raw[end])) end++;
      const name = raw.slice(i + 1, end);
      const v = shellParameter({ body: name, name, end }, lookup, empty, depth, runTime);
      if (v === undefined || v === 'command') return v;
      text += v;
      i = end;
    } else {
      text += c;
      i++;
    }
  }
  return { text, empty };
}

/** `A is empty`, `A and B are empty`, or as `describe` tells each; a variable not set whose default is empty is told so. */
function emptyText(causes: readonly EmptyCause[], describe: ((name: string) => string) | undefined): string | undefined {
  const unset = [...new Set(causes.filter((c) => c.unset).map((c) => c.name))];
  const names = [...new Set(causes.filter((c) => !c.unset).map((c) => c.name))];
  const parts: string[] = [];
  if (describe) parts.push(...names.map(describe));
  else if (names.length > 0)
    parts.push(names.length === 1 ? `${names[0]} is empty` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)} are empty`);
  parts.push(...unset.map((name) => `${name} is not set and its default is empty`));
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * A flag's value as Jupyter receives it. `index` holds the flag, `valueIndex` its value when given as
 * the next word. A shell (`context.shell`) replaces `$NAME` by what the file sets NAME to (or the
 * default of `${NAME:-word}`), and runs a command substitution, whose output is not known.
 */
function flagOf(
  words: readonly string[],
  name: string,
  index: number,
  valueIndex: number | undefined,
  context: CommandContext,
): JupyterFlag {
  const word = words[index];
  const written = valueIndex === undefined ? word.slice(name.length + 1) : (words[valueIndex] ?? '');
  const originOf = (i: number | undefined) => (i === undefined ? undefined : context.origins?.[i]);
  const origins = [originOf(index), originOf(valueIndex)].filter((o) => o !== undefined);
  const asWritten = [
    originOf(index)?.written ?? word,
    ...(valueIndex === undefined ? [] : [originOf(valueIndex)?.written ?? written]),
  ].join(' ');
  const empty: EmptyCause[] = origins.flatMap((o) => o.emptyVariables.map((name) => ({ name })));
  let value = unquoteValue(written);
  let expanded = origins.length > 0;
  // The word the shell reads, quotes kept: the flag's own (`--ServerApp.token='$TOKEN'`), or the next one.
  const raw = context.shell && (context.shellWords ? context.shellWords[valueIndex ?? index] : words[valueIndex ?? index]);
  if (context.shell && raw !== undefined && /[$`]/.test(raw)) {
    const runTime: string[] = [];
    const shell = expandShellWord(raw, context.shell, 0, runTime);
    if (shell === 'command') return { name, value, index, written: asWritten, notKnown: true };
    if (!shell && runTime.length > 0) {
      // Only a value that is the variable alone is empty when the run-time environment leaves it unset (`pre$T` is at least `pre`).
      const valueRaw = valueIndex === undefined ? raw.slice(name.length + 1) : raw;
      const alone = new RegExp(`^("?)\\$(?:${runTime[0]}|\\{${runTime[0]}\\})\\1$`).test(valueRaw);
      return { name, value, index, ...(alone ? { runTime: runTime[0] } : {}) };
    }
    // The flag's name is plain text: what follows it (and its `=`) is the value.
    if (shell && (valueIndex !== undefined || shell.text.startsWith(name + '='))) {
      value = unquoteValue(valueIndex === undefined ? shell.text.slice(name.length + 1) : shell.text);
      empty.push(...shell.empty);
      expanded = true;
    }
  }
  if (!expanded)
    return value === '' ? { name, value, index, given: givenText(words, name, index, valueIndex, context) } : { name, value, index };
  const because = value === '' ? emptyText(empty, context.describeEmpty) : undefined;
  return { name, value, index, written: asWritten, ...(because ? { emptyBecause: because } : {}) };
}

/**
 * An empty flag as the file writes it: the word (`--ServerApp.token=''`, `--api-key=`), or the flag and
 * the next word (`--api-key ""`), quotes as the shell reads them when it does; a value word with no
 * text at all (an exec form's `""`, whose quotes are the file format's) is told in words.
 */
function givenText(words: readonly string[], name: string, index: number, valueIndex: number | undefined, context: CommandContext): string {
  const asWritten = (i: number) =>
    context.writtenWords?.[i] ?? (context.shell && context.shellWords ? context.shellWords[i] : undefined) ?? words[i] ?? '';
  if (valueIndex === undefined) return asWritten(index);
  const value = asWritten(valueIndex);
  return value === '' ? `${name} and an empty argument` : `${name} ${value}`;
}

/** Every occurrence of the flags, `--flag=value` or `--flag value` (a value that is not itself a flag). */
function flags(words: readonly string[], names: readonly string[], context: CommandContext): JupyterFlag[] {
  const out: JupyterFlag[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    for (const name of names) {
      if (w === name) {
        const next = words[i + 1];
        out.push(flagOf(words, name, i, next !== undefined && !next.startsWith('--') ? i + 1 : undefined, context));
      } else if (w.startsWith(name + '=')) out.push(flagOf(words, name, i, undefined, context));
    }
  }
  return out;
}

/**
 * The last occurrence of a flag among `names` (`--api-key=value` or `--api-key value`), its value
 * read as the Jupyter flags are: after the platform expanded the words (`context.origins`), and as a
 * shell that runs the line expands them (`context.shell`). For the other servers a command line starts.
 */
export function commandFlag(words: readonly string[], names: readonly string[], context: CommandContext = {}): JupyterFlag | undefined {
  return flags(words, names, context).pop();
}

/** How an empty flag was given: `--ServerApp.token=''`, `--api-key ""`, `--ServerApp.token=$TOKEN (TOKEN is empty)`, `--ServerApp.token='' (given by $(ARGS))`. */
export function emptyFlagText(flag: JupyterFlag): string {
  if (flag.written === undefined) return flag.given ?? `${flag.name}=''`;
  return flag.emptyBecause ? `${flag.written} (${flag.emptyBecause})` : `${flag.name}='' (given by ${flag.written})`;
}

/** Why a flag's value is not known: a command the shell runs gives it. */
export function notKnownText(flag: JupyterFlag, what: string): string {
  const command = /\$\(([^()]*)\)/.exec(flag.value)?.[1]?.trim();
  const runs = command ? `runs ${command}` : 'runs a command';
  return `${flag.written ?? flag.name} is a command substitution: the shell ${runs} and the ${what} is what it prints, not known before it runs`;
}

/**
 * What the command line says about the server's authentication. The last occurrence of a flag wins,
 * as in traitlets. `words` are what the program receives (after the platform expanded its variables,
 * `context.origins` telling how the file writes them); when a shell runs the line (`context.shell`), a
 * value `$TOKEN` is what the file sets TOKEN to, one the file does not set counts as set, and a command
 * substitution `$(…)` makes the value not known (`unknown`, with the flag).
 */
export function jupyterAuth(words: readonly string[], context: CommandContext = {}): JupyterAuth {
  const token = flags(words, TOKEN_FLAGS, context).pop();
  const password = flags(words, PASSWORD_FLAGS, context).pop();
  const xsrf = flags(words, XSRF_FLAGS, context).pop();
  const extra = xsrf && !xsrf.notKnown && /^(?:true|1)$/i.test(xsrf.value) ? { xsrfDisabled: xsrf } : {};
  if (password && !password.notKnown && password.value !== '')
    return { state: 'on', reason: `a password is set with ${password.name}`, flag: password, ...extra };
  if (token && !token.notKnown && token.value !== '')
    return { state: 'on', reason: `a token is set with ${token.name}`, flag: token, ...extra };
  if (token?.notKnown) return { state: 'unknown', reason: notKnownText(token, 'token'), flag: token, ...extra };
  if (token && password?.notKnown) return { state: 'unknown', reason: notKnownText(password, 'password'), flag: password, ...extra };
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
