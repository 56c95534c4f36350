import type { TextSpan } from '../../core/document.js';
import { defineRule } from '../../core/rule.js';
import type { DockerfileDocument, DockerInstruction } from '../../parsers/dockerfile/dockerfile-document.js';
import type { ShellWord } from '../../parsers/shell/shell.js';
import { isShellExec, isShellProgram } from '../../parsers/dockerfile/dockerfile-document.js';
import { instructionCommands } from './lib/commands.js';
import {
  commandFlag,
  jupyterAuth,
  jupyterLaunch,
  noAuthMessage,
  TOKEN_FLAGS,
  xsrfDisabledMessage,
  type CommandContext,
  type JupyterFlag,
} from './lib/jupyter.js';
import { isPlaceholder, redact } from './lib/secrets.js';

/** `c.ServerApp.token = ''` in a Jupyter config file written by the build (quotes may be shell-escaped). Bounded: linear. */
const CONFIG_EMPTY_TOKEN = /c\.(?:ServerApp|NotebookApp|IdentityProvider)\.token\s{0,8}=\s{0,8}u?(?:\\?["']){2}(?![\w.([])/g;
/** A password assignment that is not the empty string: `c.ServerApp.password = 'argon2:…'`, `= passwd('…')`. */
const CONFIG_PASSWORD =
  /c\.(?:ServerApp|NotebookApp|PasswordIdentityProvider)\.(?:hashed_)?password\s{0,8}=\s{0,8}(?!u?(?:\\?["']){2}(?![\w.([]))\S/;

/** One command line the container may run: the words of a CMD or ENTRYPOINT, after the exec-form ENTRYPOINT a CMD feeds. */
interface CommandLine {
  words: ShellWord[];
  /** True when a shell runs it (shell form, `["sh", "-c", "…"]`), which expands `$NAME`; an exec form passes it as written. */
  shell: boolean;
  /** The words of the ENTRYPOINT a CMD feeds come first: no shell reads them. */
  entryWords: number;
  stage: number;
}

/** The exec-form ENTRYPOINT in effect for a stage (the last one in the stage and the stages it builds on), unless it runs a shell. */
function execEntrypoint(doc: DockerfileDocument, stage: number): ShellWord[] {
  for (const s of doc.lineage(doc.stages[stage])) {
    const entry = s.instructions.filter((i) => i.keyword === 'ENTRYPOINT').pop();
    if (!entry) continue;
    const first = entry.execForm?.[0]?.text;
    if (first === undefined || isShellProgram(first)) return [];
    return instructionCommands(doc, entry).flatMap((c) => c.words);
  }
  return [];
}

/**
 * What a shell that runs a command of the stage reads from the file: the ENVs the image keeps, and
 * the stage's ARGs. An ARG is not set when the container runs, so `$NAME` is empty there unless the
 * run-time environment sets it: an empty ARG is judged empty (the Dockerfile means no token), one with
 * a value as left to the run-time environment (see `buildArgumentDefault`), and the message says which it is.
 */
function stageContext(doc: DockerfileDocument, stage: number): CommandContext {
  if (stage < 0) return { shell: () => undefined };
  const environment = doc.environmentAtEnd(doc.stages[stage]);
  const variables = doc.variablesAtEnd(doc.stages[stage]);
  return {
    shell: (name) => (environment.has(name) ? environment.get(name) : variables.get(name) === '' ? '' : undefined),
    describeEmpty: (name) =>
      environment.has(name) ? `${name} is empty` : `the build argument ${name} is empty and is not set when the container runs`,
  };
}

/**
 * The build argument with a default (`ARG NB_TOKEN=abc`, or a global one) that a value left to the
 * run-time environment reads, unless an ENV of the same name sets it for the container.
 */
function buildArgumentDefault(doc: DockerfileDocument, stage: number, name: string | undefined): string | undefined {
  if (name === undefined || stage < 0) return undefined;
  const value = doc.variablesAtEnd(doc.stages[stage]).get(name);
  return typeof value === 'string' && value !== '' && !doc.environmentAtEnd(doc.stages[stage]).has(name) ? name : undefined;
}

function commandLines(doc: DockerfileDocument): CommandLine[] {
  const out: CommandLine[] = [];
  for (const ins of doc.instructions) {
    if (ins.keyword !== 'CMD' && ins.keyword !== 'ENTRYPOINT') continue;
    const entry = ins.keyword === 'CMD' && ins.execForm && ins.stage >= 0 ? execEntrypoint(doc, ins.stage) : [];
    const shell = !ins.execForm || isShellExec(ins.execForm.map((s) => s.text));
    for (const c of instructionCommands(doc, ins))
      out.push({ words: [...entry, ...c.words], shell, entryWords: entry.length, stage: ins.stage });
  }
  return out;
}

/**
 * The file span of a flag: its word, and the next word when the value is given there. A JSON escape
 * ends the word of an exec form (`"--NotebookApp.token=\"\""`): the span then takes the escaped character too.
 */
function flagSpan(text: string, words: readonly ShellWord[], flag: JupyterFlag): TextSpan {
  const word = words[flag.index];
  const valueWord = word.value === flag.name ? words[flag.index + 1] : undefined;
  const end = (valueWord ?? word).span.end;
  return { start: word.span.start, end: text[end - 1] === '\\' ? end + 1 : end };
}

/** File regions where the build writes text: RUN words (`echo … >> jupyter_server_config.py`) and here-document bodies. */
function writtenRegions(doc: DockerfileDocument): Array<{ ins: DockerInstruction; span: TextSpan }> {
  const out: Array<{ ins: DockerInstruction; span: TextSpan }> = [];
  for (const ins of doc.instructions) {
    for (const h of ins.heredocs) if (!h.isScript) out.push({ ins, span: h.contentSpan });
    if (ins.keyword === 'RUN') for (const c of instructionCommands(doc, ins)) for (const w of c.words) out.push({ ins, span: w.span });
  }
  return out;
}

export default defineRule<DockerfileDocument>({
  meta: {
    id: 'DF-0016',
    slug: 'dockerfile-jupyter-without-auth',
    title: 'Jupyter server started with its token disabled',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['dockerfile'],
    frameworks: [
      { id: 'mitre-atlas', control: 'AML.T0049' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      "A Jupyter server runs whatever code its users send. Its token (generated at start-up) is the only thing that stops anyone who reaches the port: `--ServerApp.token=''` (or `--NotebookApp.token=''`, `--IdentityProvider.token=''`, `c.ServerApp.token = ''` in a config file the build writes, or a shell-form `--ServerApp.token=$TOKEN` where the Dockerfile sets `TOKEN` empty with ENV, or declares it as an empty build argument with ARG, which is not set at all when the container runs) with no password turns that off, so the image serves a shell to whoever can connect, through any published port, Service or ingress. Scanners find thousands of such servers on the internet, many used for crypto-mining. `--ServerApp.disable_check_xsrf=True` is reported too (medium): it lets any web page a logged-in user visits call the server's API and run code. A token written out in CMD or ENTRYPOINT (`--ServerApp.token=abc`) is reported as a hardcoded credential (high, as an ENV one is by DF-0004): it is stored in the image, where anyone who pulls it reads it. So is (medium) a token taken from a build argument with a default (`ARG NB_TOKEN=abc`, `--ServerApp.token=$NB_TOKEN`): the default is recorded in the image history, where anyone with the image reads it, and a build argument is not set when the container runs, so the token is empty unless the run-time environment sets it.",
    remediation:
      'Drop the empty token: let Jupyter generate one, pass one from a secret at run time (`JUPYTER_TOKEN`), or set a hashed password (`--PasswordIdentityProvider.hashed_password`). Behind JupyterHub use `jupyterhub-singleuser`, which authenticates through the hub. Keep XSRF checks on.',
    references: [
      'https://jupyter-server.readthedocs.io/en/latest/operators/security.html',
      'https://jupyter-docker-stacks.readthedocs.io/en/latest/using/common.html',
    ],
    examples: {
      bad: [
        {
          path: 'Dockerfile',
          content: 'FROM quay.io/jupyter/scipy-notebook:2024-10-07\nCMD ["start-notebook.py", "--IdentityProvider.token=\'\'"]\n',
        },
        {
          path: 'Dockerfile',
          content:
            'FROM quay.io/jupyter/scipy-notebook:2024-10-07\nENV NB_TOKEN=""\nCMD start-notebook.py --IdentityProvider.token="$NB_TOKEN"\n',
        },
        {
          path: 'Dockerfile',
          content:
            'FROM quay.io/jupyter/scipy-notebook:2024-10-07\nARG NB_TOKEN=\nCMD ["sh", "-c", "start-notebook.py --IdentityProvider.token=$NB_TOKEN"]\n',
        },
      ],
      good: [
        { path: 'Dockerfile', content: 'FROM quay.io/jupyter/scipy-notebook:2024-10-07\nCMD ["start-notebook.py"]\n' },
        {
          path: 'Dockerfile',
          content:
            'FROM quay.io/jupyter/scipy-notebook:2024-10-07\n# NB_TOKEN is given when the container runs (docker run -e NB_TOKEN=…, a Secret)\nCMD start-notebook.py --IdentityProvider.token="$NB_TOKEN"\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    const text = doc.file.text();
    const passwordInConfig = CONFIG_PASSWORD.test(text);
    const reported = new Set<string>();
    const report = (span: TextSpan, message: string, severity?: 'medium'): void => {
      const key = `${span.start}:${span.end}`;
      if (reported.has(key)) return;
      reported.add(key);
      ctx.report({ message, at: span, ...(severity ? { severity } : {}) });
    };
    for (const line of commandLines(doc)) {
      const values = line.words.map((w) => w.value);
      const launch = jupyterLaunch(values);
      if (!launch) continue;
      // The shell reads each word as written: `'$TOKEN'` in single quotes is the text $TOKEN.
      const shellWords = line.words.map((w, i) => (i < line.entryWords ? undefined : w.raw));
      // Messages show a flag as written: an exec form's `"--ServerApp.token=''"` keeps its quotes.
      const writtenWords = line.words.map((w) => w.raw);
      const context = line.shell ? { ...stageContext(doc, line.stage), shellWords, writtenWords } : { writtenWords };
      const auth = jupyterAuth(values, context);
      const what = `Jupyter (${launch.text}) is started`;
      if (auth.state === 'off' && auth.flag && !passwordInConfig) {
        report(flagSpan(text, line.words, auth.flag), noAuthMessage(what, auth.flag, auth.emptyPassword));
      }
      const buildArgument =
        auth.state === 'on' && !passwordInConfig && auth.flag?.name.endsWith('.token')
          ? buildArgumentDefault(doc, line.stage, auth.flag.runTime)
          : undefined;
      if (buildArgument && auth.flag) {
        const span = flagSpan(text, line.words, auth.flag);
        report(
          span,
          `${what} with ${text.slice(span.start, span.end)}, the build argument ${buildArgument}: its default is written in the Dockerfile and recorded in the image history, where anyone with the image reads it, and a build argument is not set when the container runs, so the token is empty unless the run-time environment sets ${buildArgument}`,
          'medium',
        );
      }
      // A token written out in the command (no variable, no command substitution, not a placeholder) is a credential
      // stored in the image, as an ENV one is (DF-0004, high).
      const token = commandFlag(values, TOKEN_FLAGS, context);
      if (
        token &&
        token.value !== '' &&
        token.written === undefined &&
        !token.notKnown &&
        !token.runTime &&
        !/[$`]/.test(token.value) &&
        !isPlaceholder(token.value)
      ) {
        const span = flagSpan(text, line.words, token);
        if (!reported.has(`${span.start}:${span.end}`)) {
          reported.add(`${span.start}:${span.end}`);
          ctx.report({
            message: `${what} with a literal token (${token.name}=${redact(token.value)}): it is stored in the image, where anyone who pulls it reads it; pass the token at run time (JUPYTER_TOKEN from a secret) or set a hashed password`,
            at: span,
            evidence: `${token.name}=${redact(token.value)}`,
          });
        }
      }
      if (auth.xsrfDisabled) report(flagSpan(text, line.words, auth.xsrfDisabled), xsrfDisabledMessage(what, auth.xsrfDisabled), 'medium');
    }
    if (passwordInConfig) return;
    for (const region of writtenRegions(doc)) {
      const written = text.slice(region.span.start, region.span.end);
      for (const m of written.matchAll(CONFIG_EMPTY_TOKEN)) {
        const start = region.span.start + m.index;
        report(
          { start, end: start + m[0].length },
          `${region.ins.keyword} writes a Jupyter configuration with an empty token (${m[0].replace(/\\/g, '')}) and no password: anyone who reaches its port runs code in the container`,
        );
      }
    }
  },
});
