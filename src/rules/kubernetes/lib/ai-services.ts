/**
 * Recognises AI/ML services (notebooks, model servers, experiment trackers, distributed compute
 * dashboards) in a container spec: by image, command/args, environment and ports, never by the
 * container's name alone. Shared by the exposure, network and tenancy rules.
 */

import { isShellExec, isShellProgram, shellScriptIndex } from '../../../parsers/dockerfile/dockerfile-document.js';
import { parseShell, plainShellText } from '../../../parsers/shell/shell.js';
import {
  commandFlag,
  emptyFlagText,
  jupyterAuth,
  jupyterLaunch,
  notKnownText,
  RUN_TIME_VALUE,
  unquoteValue as unquote,
  type CommandContext,
  type JupyterFlag,
  type WordOrigin,
} from '../../dockerfile/lib/jupyter.js';
import { containerVariables, expandReferences, type VariableValue } from './dependent-variables.js';

type Obj = Record<string, unknown>;

export type AiServiceType =
  | 'jupyter'
  | 'jupyterhub'
  | 'ray'
  | 'mlflow'
  | 'ollama'
  | 'openai-compatible'
  | 'triton'
  | 'torchserve'
  | 'argo-server'
  | 'tensorboard'
  | 'gradio'
  | 'streamlit'
  | 'open-webui'
  | 'istio-ingressgateway'
  | 'kuberay-apiserver'
  | 'kserve'
  | 'seldon'
  | 'kubeflow-pipelines'
  | 'redis'
  | 'vector-db';

/** `off`: authentication is visibly disabled or the service has none; `on`: visibly configured; `unknown`: cannot tell from the spec. */
export type AuthState = 'off' | 'on' | 'unknown';

export type Impact = 'control' | 'access' | 'info';

export interface AiPort {
  port: number;
  /** The container port's name, when the container declares it. */
  name?: string;
  /** What listens there: `dashboard and Jobs API`, `management API`, `HTTP API`. */
  role: string;
  /**
   * What an unauthenticated caller gets: `control` runs code or changes what is served (Jupyter,
   * Ray Jobs, TorchServe management, MLflow registry), `access` uses the model or reads its data,
   * `info` reads metrics.
   */
  impact: Impact;
}

export interface AiService {
  type: AiServiceType;
  /** Human name: `Jupyter`, `vLLM`, `Ray`. */
  label: string;
  ports: AiPort[];
  auth: AuthState;
  /** Why auth is in that state, e.g. `--ServerApp.token='' disables the token`. */
  authReason: string;
  /** What recognised the service: `image 'vllm/vllm-openai:v0.6.3'`, `command 'jupyter lab'`. */
  signals: string[];
  /**
   * A data store of AI applications (Redis, a vector database): judged where it is exposed, but not
   * counted among the AI workloads of a namespace.
   */
  dataStore?: true;
}

export interface RecogniseHints {
  /** The container is the head of a KubeRay cluster (KubeRay runs `ray start --head` itself). */
  rayHead?: boolean;
}

/** A container reduced to what recognition needs. */
interface ContainerFacts {
  image: string;
  /** Repository path of the image without registry, tag and digest, lower-cased: `vllm/vllm-openai`. */
  repo: string;
  /** command + args, with shell script strings split into words. */
  words: string[];
  env: Map<string, string | undefined>;
  /** True when env comes from `envFrom` (its variable names are not visible). */
  hiddenEnv: boolean;
  ports: Array<{ port: number; name?: string }>;
  /** The container as written, for what only some detectors read (its variables as the kubelet expands them). */
  container: Obj;
  /** The command line as the program receives it (`$(NAME)` expanded by the kubelet), and how a shell running it reads its words. */
  line(): ReturnType<typeof kubeletCommandLine>;
  /** A variable of the container as the kubelet defines it (`$(NAME)` in its value expanded; `null` when a Secret or envFrom gives it). */
  variable(name: string): VariableValue;
}

const MAX_WORDS = 2000;
const MAX_WORD_INPUT = 64 * 1024;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Repository path of an image reference, without registry host, tag or digest, lower-cased. */
export function imageRepo(image: string): string {
  let ref = image.trim().toLowerCase();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > slash) ref = ref.slice(0, colon);
  const first = ref.indexOf('/');
  if (first > 0) {
    const host = ref.slice(0, first);
    if (host.includes('.') || host.includes(':') || host === 'localhost') ref = ref.slice(first + 1);
  }
  if (ref.startsWith('library/')) ref = ref.slice('library/'.length);
  return ref;
}

/** What the platform makes of a word before the program sees it: its text, and how the file writes it when that differs. */
type WordExpansion = (word: string) => { text: string; origin?: WordOrigin };

/** The words of a command line, and for each one the platform changed, how the file writes it. */
interface CommandLineWords {
  words: string[];
  origins: Array<WordOrigin | undefined>;
  /** For each word split from a script, the word as a shell reads it, quotes kept (`--token='$T'`); `undefined` for the others. */
  shellWords: Array<string | undefined>;
}

/** How deep scripts inside scripts are read (`sh -c "su nb -c 'jupyter lab …'"`). */
const MAX_SCRIPT_NESTING = 4;

/** Programs whose `-c` (`--command`) argument is a script their user's shell runs. */
const SWITCH_USER = new Set(['su', 'runuser']);

/**
 * The index among a command's words of the script another shell runs: `bash -lc "…"`, also after a
 * wrapper (`exec`, `nohup`, `tini --`, `sudo -u nb sh -c "…"`), and `su nb -c "…"`; `undefined` when none.
 */
function nestedScriptIndex(words: readonly string[]): number | undefined {
  for (let j = 0; j < words.length; j++) {
    const w = words[j];
    if (isShellProgram(w)) {
      const k = shellScriptIndex(j === 0 ? words : words.slice(j));
      if (k !== undefined) return j + k;
    } else if (SWITCH_USER.has(w.slice(w.lastIndexOf('/') + 1))) {
      for (let k = j + 1; k < words.length - 1; k++) if (words[k] === '-c' || words[k] === '--command') return k + 1;
    }
  }
  return undefined;
}

/**
 * Splits command/args into words; a string with spaces (a `sh -c` script) is split as a shell reads
 * it (`parseShell`: quotes group and are removed, `$(…)` stays whole, separators and comments end
 * words, commands after `;`, `&&` and `|` are read too), and so is a script such a script hands to
 * another shell. `expand` is what the platform does to each word as written first (the kubelet's
 * `$(NAME)`); the text it gives is read by the shell again, so that spaces it brings split the word
 * unless quotes hold it together.
 */
function splitCommand(values: readonly unknown[], expand?: WordExpansion): CommandLineWords {
  const words: string[] = [];
  const origins: Array<WordOrigin | undefined> = [];
  const shellWords: Array<string | undefined> = [];
  let budget = MAX_WORD_INPUT;
  const script = (text: string, depth: number): void => {
    for (const cmd of parseShell(plainShellText(text)).commands) {
      const nested = depth < MAX_SCRIPT_NESTING ? nestedScriptIndex(cmd.words.map((w) => w.value)) : undefined;
      for (let k = 0; k < cmd.words.length; k++) {
        if (words.length >= MAX_WORDS) return;
        const { value, raw } = cmd.words[k];
        if (k === nested && /\s/.test(value)) {
          script(value, depth + 1);
          continue;
        }
        const expanded = expand?.(raw);
        if (!expanded?.origin) {
          words.push(value);
          origins.push(undefined);
          shellWords.push(raw);
          continue;
        }
        budget -= Math.max(0, expanded.text.length - raw.length);
        const origin = { ...expanded.origin, written: stripOuterQuotes(raw) };
        for (const c of parseShell(plainShellText(expanded.text)).commands)
          for (const w of c.words) {
            if (words.length >= MAX_WORDS) return;
            words.push(w.value);
            origins.push(origin);
            shellWords.push(w.raw);
          }
      }
    }
  };
  for (const v of values) {
    const s = str(v);
    if (s === undefined) continue;
    if (budget <= 0 || words.length >= MAX_WORDS) break;
    const text = s.length > budget ? s.slice(0, budget) : s;
    budget -= text.length;
    if (/\s/.test(text)) {
      script(text, 0);
      continue;
    }
    const expanded = expand?.(text);
    words.push(expanded?.origin ? expanded.text : text);
    origins.push(expanded?.origin ? { ...expanded.origin, written: text } : undefined);
    shellWords.push(undefined);
  }
  return { words, origins, shellWords };
}

/** Splits command/args into words; a string with spaces (a `sh -c` script) is split as a shell reads it. */
export function commandWords(values: unknown[]): string[] {
  return splitCommand(values).words;
}

/** The words of `commandWords`, and for those split from a script, each as a shell reads it (quotes kept). */
export function commandLineWords(values: unknown[]): { words: string[]; shellWords: Array<string | undefined> } {
  const { words, shellWords } = splitCommand(values);
  return { words, shellWords };
}

function stripOuterQuotes(w: string): string {
  if (w.length >= 2 && (w[0] === '"' || w[0] === "'") && w[w.length - 1] === w[0]) return w.slice(1, -1);
  return w;
}

/**
 * The container's command and args as its program receives them: the kubelet replaces each `$(NAME)`
 * by the value of the container's variable NAME (`$$` is a `$`, an undefined reference stays as
 * written), then a script is split into words. When a shell runs them (`sh -c`), the context tells it
 * the container's variables, which its `$NAME` reads.
 */
export function kubeletCommandLine(container: Obj): CommandLineWords & { context: CommandContext } {
  const command = Array.isArray(container.command) ? container.command : [];
  const args = Array.isArray(container.args) ? container.args : [];
  let variables: ReturnType<typeof containerVariables> | undefined;
  const lookup = (name: string) => (variables ??= containerVariables(container))(name);
  const expand: WordExpansion = (word) => {
    if (!word.includes('$')) return { text: word };
    const emptyVariables: string[] = [];
    const text = expandReferences(
      word,
      (name) => {
        const value = lookup(name);
        if (typeof value === 'string' && unquote(value) === '') emptyVariables.push(name);
        return value;
      },
      () => RUN_TIME_VALUE,
    );
    return text === word ? { text } : { text, origin: { written: word, emptyVariables } };
  };
  const line = splitCommand([...command, ...args], expand);
  return {
    ...line,
    context: {
      origins: line.origins,
      // Messages show the words of a script as written, quotes kept (`--api-key=''`).
      writtenWords: line.shellWords,
      ...(isShellExec(line.words) ? { shell: lookup, shellWords: line.shellWords } : {}),
    },
  };
}

function facts(container: Obj): ContainerFacts {
  const image = str(container.image) ?? '';
  const command = Array.isArray(container.command) ? container.command : [];
  const args = Array.isArray(container.args) ? container.args : [];
  const env = new Map<string, string | undefined>();
  const hiddenEnv = Array.isArray(container.envFrom) && container.envFrom.length > 0;
  if (Array.isArray(container.env)) {
    for (const e of container.env) {
      if (!isObj(e) || typeof e.name !== 'string') continue;
      env.set(e.name, e.valueFrom !== undefined ? undefined : (str(e.value) ?? ''));
    }
  }
  const ports: Array<{ port: number; name?: string }> = [];
  if (Array.isArray(container.ports)) {
    for (const p of container.ports) {
      if (!isObj(p)) continue;
      const n = typeof p.containerPort === 'number' ? p.containerPort : Number(str(p.containerPort));
      if (!Number.isInteger(n) || n <= 0) continue;
      ports.push(typeof p.name === 'string' ? { port: n, name: p.name } : { port: n });
    }
  }
  let line: ReturnType<typeof kubeletCommandLine> | undefined;
  let variables: ((name: string) => VariableValue) | undefined;
  return {
    image,
    repo: imageRepo(image),
    words: commandWords([...command, ...args]),
    env,
    hiddenEnv,
    ports,
    container,
    line: () => (line ??= kubeletCommandLine(container)),
    variable: (name) => (variables ??= containerVariables(container))(name),
  };
}

/**
 * The last of the flags `names` as the program receives it: the kubelet's `$(NAME)` replaced by the
 * container's variable, and a shell's `$NAME` (in `sh -c`) read from them.
 */
function resolvedFlag(f: ContainerFacts, ...names: string[]): JupyterFlag | undefined {
  const line = f.line();
  return commandFlag(line.words, names, line.context);
}

/** True when the container's `env` sets the variable to a value that is not empty, or from a Secret, ConfigMap or field. */
function envSet(f: ContainerFacts, name: string): boolean {
  if (!f.env.has(name)) return false;
  const v = f.variable(name);
  return v === null || (typeof v === 'string' && unquote(v) !== '');
}

/** The container's `env` value of a variable, expanded; `''` when it sets none or only a Secret knows it. */
function envText(f: ContainerFacts, name: string): string {
  const v = f.env.has(name) ? f.variable(name) : undefined;
  return typeof v === 'string' ? v : '';
}

/** What a flag's value tells about a credential: given (`set`), empty, or made by a command the shell runs (`notKnown`). */
function credentialOf(flag: JupyterFlag | undefined): 'set' | 'empty' | 'notKnown' | undefined {
  if (!flag) return undefined;
  return flag.notKnown ? 'notKnown' : flag.value !== '' ? 'set' : 'empty';
}

/**
 * The value of a command-line flag: `--flag=value` or `--flag value`. Returns `''` for a flag given
 * without a value, undefined when absent. The last occurrence wins, as in most CLIs.
 */
export function flagValue(words: readonly string[], ...names: string[]): string | undefined {
  let found: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    for (const name of names) {
      if (w === name) {
        const next = words[i + 1];
        found = next !== undefined && !next.startsWith('-') ? next : '';
      } else if (w.startsWith(name + '=')) found = w.slice(name.length + 1);
    }
  }
  return found;
}

/** Every value of a repeatable flag. */
function flagValues(words: readonly string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === name && words[i + 1] !== undefined) out.push(words[i + 1]);
    else if (w.startsWith(name + '=')) out.push(w.slice(name.length + 1));
  }
  return out.flatMap((v) => unquote(v).split(','));
}

function hasWord(words: readonly string[], w: string): boolean {
  return words.includes(w);
}

/** True when a word is the program `name` (possibly with a path) . */
function hasProgram(words: readonly string[], name: string): boolean {
  return words.some((w) => w === name || w.endsWith('/' + name));
}

/** Gradio imported by a statement of Python code (`import gradio as gr`, `from gradio import …`). */
const GRADIO_IMPORT = /(?:^|[;\n]\s*)(?:import\s+gradio\b|from\s+gradio\s+import\b)/;

/** Whether a `python -c CODE` among the words runs code matching `imports` (the code is one word, as a shell reads it). */
function runsPythonImporting(words: readonly string[], imports: RegExp): boolean {
  for (let i = 2; i < words.length; i++)
    if (words[i - 1] === '-c' && /(?:^|\/)python[\d.]*$/.test(words[i - 2]) && imports.test(words[i])) return true;
  return false;
}

function portFlag(words: readonly string[], ...names: string[]): number | undefined {
  const v = flagValue(words, ...names);
  if (v === undefined) return undefined;
  const n = Number(unquote(v));
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : undefined;
}

function envPort(f: ContainerFacts, name: string): number | undefined {
  const v = f.env.get(name);
  if (v === undefined) return undefined;
  const m = /:(\d{1,5})$/.exec(v) ?? /^(\d{1,5})$/.exec(v);
  return m ? Number(m[1]) : undefined;
}

function repoMatches(repo: string, patterns: readonly RegExp[]): boolean {
  return patterns.some((p) => p.test(repo));
}

/** Builds the port list: each default port, named after the container port when declared, plus declared ports of the service. */
function portsFor(f: ContainerFacts, defaults: ReadonlyArray<Omit<AiPort, 'name'>>): AiPort[] {
  const out: AiPort[] = [];
  for (const d of defaults) {
    const declared = f.ports.find((p) => p.port === d.port);
    out.push(declared?.name ? { ...d, name: declared.name } : { ...d });
  }
  return out;
}

interface Detector {
  type: AiServiceType;
  detect(f: ContainerFacts, hints: RecogniseHints): Omit<AiService, 'type'> | undefined;
}

const JUPYTER_IMAGES = [
  /(^|\/)(base|minimal|scipy|r|julia|tensorflow|pytorch|datascience|pyspark|all-spark|docker-stacks-foundation)-notebook$/,
  /^jupyter\//,
  /^jupyterhub\/(k8s-)?singleuser/,
  /^kubeflownotebookswg\/jupyter/,
  /(^|\/)jupyter(lab)?(-[a-z0-9-]+)?$/,
];
/**
 * Kubeflow's example notebook images (Docker Hub, then GHCR from Kubeflow 1.9): their start script
 * passes --ServerApp.token=''. A proxy cache or mirror puts its own path before the project.
 */
const KUBEFLOW_NOTEBOOK_IMAGES = /(?:^|\/)(?:kubeflownotebookswg|kubeflow\/kubeflow\/notebook-servers)\/jupyter(?:-[a-z0-9-]+)?$/;
const jupyter: Detector = {
  type: 'jupyter',
  detect(f) {
    const signals: string[] = [];
    if (repoMatches(f.repo, JUPYTER_IMAGES)) signals.push(`image '${f.image}'`);
    const launch = jupyterLaunch(f.words);
    if (launch) signals.push(`command '${launch.text}'`);
    if (f.env.has('JUPYTER_TOKEN') || f.env.has('JUPYTER_ENABLE_LAB') || f.env.has('NB_PREFIX')) signals.push('Jupyter environment');
    if (signals.length === 0) return undefined;
    const port = portFlag(f.words, '--ServerApp.port', '--NotebookApp.port', '--port') ?? 8888;
    // Judged on the words as the program receives them: `--ServerApp.token=$(TOKEN)` is the value the container's env gives TOKEN.
    const line = f.line();
    const flags = jupyterAuth(line.words, line.context);
    const envToken = f.env.get('JUPYTER_TOKEN');
    const fromEnvironment = (): Pick<AiService, 'auth' | 'authReason'> | undefined => {
      if (f.env.has('JUPYTER_TOKEN') && envToken !== '') return { auth: 'on', authReason: 'a token is set with JUPYTER_TOKEN' };
      if (hasProgram(f.words, 'jupyterhub-singleuser') || f.env.has('JUPYTERHUB_API_TOKEN'))
        return { auth: 'on', authReason: 'the single-user server authenticates through JupyterHub OAuth' };
      // The Kubeflow images run Jupyter from their own start script (s6) when no command replaces it; the controller sets NB_PREFIX at run time.
      if (f.env.has('NB_PREFIX') || (f.words.length === 0 && KUBEFLOW_NOTEBOOK_IMAGES.test(f.repo)))
        return {
          auth: 'off',
          authReason:
            "Kubeflow notebook images start Jupyter with --ServerApp.token='' and rely on the Kubeflow gateway for authentication",
        };
      return undefined;
    };
    const { auth, authReason } = (flags.state === 'unknown' && !flags.flag ? fromEnvironment() : undefined) ?? {
      auth: flags.state,
      authReason: flags.reason,
    };
    return {
      label: 'Jupyter',
      ports: portsFor(f, [{ port, role: 'notebook server (runs code)', impact: 'control' }]),
      auth,
      authReason,
      signals,
    };
  },
};

const RAY_IMAGES = [/^rayproject\/ray(-ml|-llm)?$/, /^anyscale\/ray(-ml|-llm)?$/, /(^|\/)ray(-ml|-llm)?$/];

const ray: Detector = {
  type: 'ray',
  detect(f, hints) {
    const signals: string[] = [];
    const image = repoMatches(f.repo, RAY_IMAGES);
    const head = hasProgram(f.words, 'ray') && hasWord(f.words, 'start') && hasWord(f.words, '--head');
    const rayPorts = f.ports.filter((p) => p.port === 8265 || p.port === 10001);
    if (head) signals.push("command 'ray start --head'");
    if (image) signals.push(`image '${f.image}'`);
    if (!head && !(image && (hints.rayHead || rayPorts.length > 0))) return undefined;
    if (hints.rayHead) signals.push('KubeRay head group');
    const dashboard = portFlag(f.words, '--dashboard-port') ?? 8265;
    const client = portFlag(f.words, '--ray-client-server-port') ?? 10001;
    const tokenAuth = unquote(envText(f, 'RAY_AUTH_MODE')).toLowerCase() === 'token';
    return {
      label: 'Ray',
      ports: portsFor(f, [
        { port: dashboard, role: 'dashboard and Jobs API (runs code)', impact: 'control' },
        { port: client, role: 'client server (runs code)', impact: 'control' },
      ]),
      auth: tokenAuth ? 'on' : 'off',
      authReason: tokenAuth ? 'RAY_AUTH_MODE=token' : 'Ray has no authentication unless RAY_AUTH_MODE=token is set',
      signals,
    };
  },
};

const mlflow: Detector = {
  type: 'mlflow',
  detect(f) {
    const signals: string[] = [];
    const image = /(^|\/)mlflow(-server)?$/.test(f.repo);
    const server = hasProgram(f.words, 'mlflow') && (hasWord(f.words, 'server') || hasWord(f.words, 'ui'));
    if (image) signals.push(`image '${f.image}'`);
    if (server) signals.push(`command 'mlflow ${hasWord(f.words, 'server') ? 'server' : 'ui'}'`);
    if (!server && !(image && f.ports.some((p) => p.port === 5000))) return undefined;
    const port = portFlag(f.words, '--port', '-p') ?? 5000;
    const app = resolvedFlag(f, '--app-name');
    const authApp = credentialOf(app) === 'set' ? app!.value : undefined;
    return {
      label: 'MLflow',
      ports: portsFor(f, [{ port, role: 'tracking server and model registry', impact: 'control' }]),
      auth: authApp ? 'on' : 'off',
      authReason: authApp
        ? `--app-name ${authApp}`
        : 'mlflow server has no authentication unless started with --app-name basic-auth (or an auth plugin)',
      signals,
    };
  },
};

const ollama: Detector = {
  type: 'ollama',
  detect(f) {
    const signals: string[] = [];
    if (/(^|\/)ollama$/.test(f.repo)) signals.push(`image '${f.image}'`);
    if (hasProgram(f.words, 'ollama') && hasWord(f.words, 'serve')) signals.push("command 'ollama serve'");
    if (f.env.has('OLLAMA_HOST')) signals.push('OLLAMA_HOST');
    if (signals.length === 0) return undefined;
    const port = envPort(f, 'OLLAMA_HOST') ?? 11434;
    return {
      label: 'Ollama',
      ports: portsFor(f, [{ port, role: 'API (pull, create and delete models)', impact: 'control' }]),
      auth: 'off',
      authReason: 'Ollama has no authentication',
      signals,
    };
  },
};

interface OpenAiServer {
  label: string;
  images: RegExp[];
  programs: Array<{ words: string[]; text: string }>;
  port: number;
  keyEnv: string[];
}

const OPENAI_SERVERS: OpenAiServer[] = [
  {
    label: 'vLLM',
    images: [/^vllm\/vllm-openai$/, /(^|\/)vllm(-openai|-tpu|-rocm|-cpu)?$/],
    programs: [
      { words: ['vllm', 'serve'], text: 'vllm serve' },
      { words: ['vllm.entrypoints.openai.api_server'], text: 'python -m vllm.entrypoints.openai.api_server' },
    ],
    port: 8000,
    keyEnv: ['VLLM_API_KEY'],
  },
  {
    label: 'Text Generation Inference',
    images: [/^huggingface\/text-generation-inference$/],
    programs: [{ words: ['text-generation-launcher'], text: 'text-generation-launcher' }],
    port: 80,
    keyEnv: ['API_KEY'],
  },
  {
    label: 'SGLang',
    images: [/^lmsysorg\/sglang$/],
    programs: [{ words: ['sglang.launch_server'], text: 'python -m sglang.launch_server' }],
    port: 30000,
    keyEnv: [],
  },
  {
    label: 'llama.cpp server',
    images: [/^ggml-org\/llama\.cpp$/, /^ggerganov\/llama\.cpp$/],
    programs: [{ words: ['llama-server'], text: 'llama-server' }],
    port: 8080,
    keyEnv: ['LLAMA_API_KEY'],
  },
  {
    label: 'LocalAI',
    images: [/^(go-skynet|mudler)\/local-ai$/, /^localai\/localai$/],
    programs: [{ words: ['local-ai'], text: 'local-ai' }],
    port: 8080,
    keyEnv: ['API_KEY', 'LOCALAI_API_KEY'],
  },
];

const openAiCompatible: Detector = {
  type: 'openai-compatible',
  detect(f) {
    for (const s of OPENAI_SERVERS) {
      const signals: string[] = [];
      if (repoMatches(f.repo, s.images)) signals.push(`image '${f.image}'`);
      const prog = s.programs.find((p) => p.words.every((w) => hasProgram(f.words, w)));
      if (prog) signals.push(`command '${prog.text}'`);
      if (signals.length === 0) continue;
      // llama.cpp images carry several tools; only the server variant listens.
      if (s.label === 'llama.cpp server' && !prog && !/server/.test(f.image)) continue;
      const port = portFlag(f.words, '--port') ?? s.port;
      // The key as the server receives it: `--api-key $(KEY)` with KEY empty, or an empty VLLM_API_KEY, is no key.
      const keyFlag = resolvedFlag(f, '--api-key', '--api-key-file');
      const key = credentialOf(keyFlag);
      const keyEnv = s.keyEnv.find((e) => envSet(f, e));
      const emptyEnv = s.keyEnv.filter((e) => f.env.has(e) && !keyEnv);
      const without =
        key === 'empty'
          ? `started with ${emptyFlagText(keyFlag!)}, an empty API key`
          : `started without --api-key${s.keyEnv.length ? ` or ${s.keyEnv.join('/')}` : ''}`;
      let auth: AuthState;
      let authReason: string;
      if (key === 'set') {
        auth = 'on';
        authReason = `an API key is set with ${keyFlag!.name}`;
      } else if (keyEnv) {
        auth = 'on';
        authReason = `an API key is set with ${keyEnv}`;
      } else if (key === 'notKnown') {
        auth = 'unknown';
        authReason = notKnownText(keyFlag!, 'API key');
      } else if (f.hiddenEnv && s.keyEnv.length > 0 && emptyEnv.length === 0) {
        auth = 'unknown';
        authReason = `no --api-key; ${s.keyEnv.join('/')} may come from envFrom`;
      } else {
        auth = 'off';
        authReason = `${without}${emptyEnv.length ? ` (${emptyEnv.join(' and ')} empty)` : ''}: anyone who reaches the port can use the model`;
      }
      return {
        label: s.label,
        ports: portsFor(f, [{ port, role: 'OpenAI-compatible inference API', impact: 'access' }]),
        auth,
        authReason,
        signals,
      };
    }
    return undefined;
  },
};

const triton: Detector = {
  type: 'triton',
  detect(f) {
    const signals: string[] = [];
    if (/(^|\/)tritonserver$/.test(f.repo)) signals.push(`image '${f.image}'`);
    if (hasProgram(f.words, 'tritonserver')) signals.push("command 'tritonserver'");
    if (signals.length === 0) return undefined;
    const http = portFlag(f.words, '--http-port') ?? 8000;
    const grpc = portFlag(f.words, '--grpc-port') ?? 8001;
    const metrics = portFlag(f.words, '--metrics-port') ?? 8002;
    const restricted =
      flagValue(f.words, '--http-restricted-api') !== undefined || flagValue(f.words, '--grpc-restricted-api') !== undefined;
    const mode = flagValue(f.words, '--model-control-mode');
    const explicit = mode !== undefined && unquote(mode) === 'explicit';
    return {
      label: 'Triton Inference Server',
      ports: portsFor(f, [
        { port: http, role: explicit ? 'HTTP API (model load/unload enabled)' : 'HTTP API', impact: explicit ? 'control' : 'access' },
        { port: grpc, role: explicit ? 'gRPC API (model load/unload enabled)' : 'gRPC API', impact: explicit ? 'control' : 'access' },
        { port: metrics, role: 'metrics', impact: 'info' },
      ]),
      auth: restricted ? 'on' : 'off',
      authReason: restricted
        ? 'restricted APIs require a header key'
        : 'Triton has no authentication unless --http-restricted-api/--grpc-restricted-api are set',
      signals,
    };
  },
};

const torchserve: Detector = {
  type: 'torchserve',
  detect(f) {
    const signals: string[] = [];
    if (/(^|\/)torchserve(-[a-z0-9]+)?$/.test(f.repo)) signals.push(`image '${f.image}'`);
    if (hasProgram(f.words, 'torchserve')) signals.push("command 'torchserve'");
    if (signals.length === 0) return undefined;
    const disabled =
      hasWord(f.words, '--disable-token-auth') || (f.env.get('TS_DISABLE_TOKEN_AUTHORIZATION') ?? '').toLowerCase() === 'true';
    return {
      label: 'TorchServe',
      ports: portsFor(f, [
        { port: 8080, role: 'inference API', impact: 'access' },
        { port: 8081, role: 'management API (registers models from URLs)', impact: 'control' },
        { port: 8082, role: 'metrics', impact: 'info' },
      ]),
      auth: disabled ? 'off' : 'unknown',
      authReason: disabled ? 'token authorization is disabled' : 'token authorization is on by default only since TorchServe 0.11',
      signals,
    };
  },
};

const argoServer: Detector = {
  type: 'argo-server',
  detect(f) {
    const image = /^argoproj\/argocli$/.test(f.repo);
    const server = (image || hasProgram(f.words, 'argo')) && hasWord(f.words, 'server');
    if (!server) return undefined;
    const signals = [image ? `image '${f.image}'` : "command 'argo'", "argument 'server'"];
    const modes = flagValues(f.words, '--auth-mode');
    const serverMode = modes.includes('server');
    return {
      label: 'Argo Workflows server',
      ports: portsFor(f, [{ port: portFlag(f.words, '--port') ?? 2746, role: 'UI and API (submits workflows)', impact: 'control' }]),
      auth: serverMode ? 'off' : 'on',
      authReason: serverMode
        ? '--auth-mode=server: every request acts with the server\u2019s service account'
        : modes.length
          ? `--auth-mode=${modes.join(',')}`
          : 'the default auth mode (client) requires a bearer token',
      signals,
    };
  },
};

/**
 * JupyterHub's public entry point: configurable-http-proxy (the `proxy` pod of zero-to-jupyterhub,
 * behind its `proxy-public` Service), which sends every request that is not for a running server to
 * the hub's login. Authentication is the hub's authenticator, which only the scan's hub configuration
 * shows (`jupyterHubAuth` of jupyterhub.ts, applied by `NetworkIndex.servicesOf`); the proxy's API port
 * (8001) takes the hub's token and is not listed.
 */
/** What the JupyterHub proxy's public port serves, and how it authenticates when no hub configuration says otherwise. */
export const JUPYTERHUB_PROXY = {
  label: 'JupyterHub',
  role: 'proxy (the hub login, then notebook servers that run code)',
  authReason: "the hub's authenticator logs users in",
} as const;

const jupyterhubProxy: Detector = {
  type: 'jupyterhub',
  detect(f) {
    const byImage = /(?:^|\/)configurable-http-proxy$/.test(f.repo);
    if (!byImage && !hasProgram(f.words, 'configurable-http-proxy')) return undefined;
    return {
      label: JUPYTERHUB_PROXY.label,
      ports: portsFor(f, [{ port: portFlag(f.words, '--port') ?? 8000, role: JUPYTERHUB_PROXY.role, impact: 'control' }]),
      auth: 'on',
      authReason: JUPYTERHUB_PROXY.authReason,
      signals: [byImage ? `image '${f.image}'` : "command 'configurable-http-proxy'"],
    };
  },
};

const tensorboard: Detector = {
  type: 'tensorboard',
  detect(f) {
    if (!hasProgram(f.words, 'tensorboard')) return undefined;
    return {
      label: 'TensorBoard',
      ports: portsFor(f, [{ port: portFlag(f.words, '--port') ?? 6006, role: 'UI', impact: 'access' }]),
      auth: 'off',
      authReason: 'TensorBoard has no authentication',
      signals: ["command 'tensorboard'"],
    };
  },
};

const gradio: Detector = {
  type: 'gradio',
  detect(f) {
    const signals: string[] = [];
    if ([...f.env.keys()].some((k) => k.startsWith('GRADIO_'))) signals.push('GRADIO_* environment');
    if (hasProgram(f.words, 'gradio')) signals.push("command 'gradio'");
    else if (runsPythonImporting(f.words, GRADIO_IMPORT)) signals.push("python -c code importing 'gradio'");
    if (signals.length === 0) return undefined;
    const p = f.env.get('GRADIO_SERVER_PORT');
    const port = p && /^\d{1,5}$/.test(p) ? Number(p) : 7860;
    return {
      label: 'Gradio',
      ports: portsFor(f, [{ port, role: 'app', impact: 'access' }]),
      auth: 'unknown',
      authReason: 'Gradio authentication is configured in code',
      signals,
    };
  },
};

const streamlit: Detector = {
  type: 'streamlit',
  detect(f) {
    const signals: string[] = [];
    if (hasProgram(f.words, 'streamlit') && hasWord(f.words, 'run')) signals.push("command 'streamlit run'");
    if ([...f.env.keys()].some((k) => k.startsWith('STREAMLIT_SERVER_'))) signals.push('STREAMLIT_SERVER_* environment');
    if (signals.length === 0) return undefined;
    const e = f.env.get('STREAMLIT_SERVER_PORT');
    const port = portFlag(f.words, '--server.port') ?? (e && /^\d{1,5}$/.test(e) ? Number(e) : 8501);
    return {
      label: 'Streamlit',
      ports: portsFor(f, [{ port, role: 'app', impact: 'access' }]),
      auth: 'unknown',
      authReason: 'Streamlit authentication is configured in code',
      signals,
    };
  },
};

/**
 * The vLLM production-stack router (`lmcache/lmstack-router`, `vllm-router`, `python -m vllm_router.app`):
 * an OpenAI-compatible entry point that forwards every request to the vLLM engines it discovers.
 */
const vllmRouter: Detector = {
  type: 'openai-compatible',
  detect(f) {
    const image = /(^|\/)lmstack-router$/.test(f.repo);
    const command = hasProgram(f.words, 'vllm-router') || hasWord(f.words, 'vllm_router.app');
    const discovery = f.words.some((w) => w === '--service-discovery' || w.startsWith('--service-discovery='));
    if (!image && !(command && discovery)) return undefined;
    return {
      label: 'vLLM production-stack router',
      ports: portsFor(f, [
        { port: portFlag(f.words, '--port') ?? 8001, role: 'OpenAI-compatible inference API (every engine behind it)', impact: 'access' },
      ]),
      auth: 'unknown',
      authReason: 'the router has no authentication of its own and passes requests to the vLLM engines, whose API key is not visible here',
      signals: [image ? `image '${f.image}'` : "command 'vllm_router'"],
    };
  },
};

const openWebUi: Detector = {
  type: 'open-webui',
  detect(f) {
    if (!/(^|\/)open-webui\/open-webui$/.test(f.repo)) return undefined;
    const p = unquote(envText(f, 'PORT'));
    const port = /^\d{1,5}$/.test(p) ? Number(p) : 8080;
    // Open WebUI reads WEBUI_AUTH as `value.lower() == "true"`: any other value turns the login off.
    const v = f.env.has('WEBUI_AUTH') ? f.variable('WEBUI_AUTH') : undefined;
    const written = typeof v === 'string' ? unquote(v) : undefined;
    const off = written !== undefined && written.toLowerCase() !== 'true';
    // Without WEBUI_AUTH in `env`, a Secret or ConfigMap of `envFrom` may set it.
    const fromEnvFrom = v === undefined && f.hiddenEnv;
    // Open WebUI signs in (and signs up) whoever the trusted header names: a caller that reaches the port itself sends it.
    const header = envSet(f, 'WEBUI_AUTH_TRUSTED_EMAIL_HEADER') ? 'WEBUI_AUTH_TRUSTED_EMAIL_HEADER' : undefined;
    return {
      label: 'Open WebUI',
      ports: portsFor(f, [{ port, role: 'UI and API (its admins run Python Functions and Tools)', impact: 'control' }]),
      auth: off || header ? 'off' : v === null || fromEnvFrom ? 'unknown' : 'on',
      authReason: off
        ? `WEBUI_AUTH=${written} turns the login off: every visitor is the admin`
        : header
          ? `${header} is set: Open WebUI signs in whoever that request header names, so a caller that reaches the port without the authenticating proxy is any user it names, its admin included`
          : v === null
            ? 'WEBUI_AUTH comes from a Secret or ConfigMap'
            : fromEnvFrom
              ? 'WEBUI_AUTH may come from envFrom'
              : 'Open WebUI requires a login unless WEBUI_AUTH is false',
      signals: [`image '${f.image}'`],
    };
  },
};

const istioGateway: Detector = {
  type: 'istio-ingressgateway',
  detect(f) {
    if (!/(^|\/)proxyv2$/.test(f.repo) || !hasWord(f.words, 'router')) return undefined;
    const declared = f.ports.filter((p) => p.port !== 15090 && p.port !== 15021);
    const ports: AiPort[] = (declared.length ? declared : [{ port: 8080 }, { port: 8443 }]).map((p) => ({
      ...p,
      role: 'entry point',
      impact: 'access' as const,
    }));
    return {
      label: 'Istio ingress gateway',
      ports,
      auth: 'unknown',
      authReason: 'authentication is enforced by Istio policies',
      signals: [`image '${f.image}'`, "argument 'router'"],
    };
  },
};

const kuberayApiServer: Detector = {
  type: 'kuberay-apiserver',
  detect(f) {
    if (!/^kuberay\/apiserver$/.test(f.repo)) return undefined;
    return {
      label: 'KubeRay API server',
      ports: portsFor(f, [
        {
          port: portFlag(f.words, '-httpPortFlag', '--httpPortFlag') ?? 8888,
          role: 'HTTP API (creates Ray clusters and jobs)',
          impact: 'control',
        },
        {
          port: portFlag(f.words, '-rpcPortFlag', '--rpcPortFlag') ?? 8887,
          role: 'gRPC API (creates Ray clusters and jobs)',
          impact: 'control',
        },
      ]),
      auth: 'off',
      authReason:
        'the KubeRay API server has no authentication of its own (only the optional security proxy in front of it checks a token)',
      signals: [`image '${f.image}'`],
    };
  },
};

const REDIS_IMAGES = [/(^|\/)redis(-stack(-server)?)?$/, /^redis\/redis-stack(-server)?$/, /(^|\/)valkey$/];

const redis: Detector = {
  type: 'redis',
  detect(f) {
    const signals: string[] = [];
    if (repoMatches(f.repo, REDIS_IMAGES)) signals.push(`image '${f.image}'`);
    if (hasProgram(f.words, 'redis-server') || hasProgram(f.words, 'valkey-server')) signals.push("command 'redis-server'");
    if (signals.length === 0) return undefined;
    const passFlag = resolvedFlag(f, '--requirepass');
    const pass = credentialOf(passFlag);
    const envPass = ['REDIS_PASSWORD', 'REDIS_PASSWORD_FILE', 'VALKEY_PASSWORD', 'VALKEY_PASSWORD_FILE'].find((e) => envSet(f, e));
    const emptyAllowed = (f.env.get('ALLOW_EMPTY_PASSWORD') ?? '').toLowerCase() === 'yes';
    const bitnami = f.repo.startsWith('bitnami/');
    let auth: AuthState = 'off';
    let authReason =
      pass === 'empty'
        ? `started with ${emptyFlagText(passFlag!)}, an empty password: Redis accepts every client`
        : 'Redis accepts every client unless requirepass or ACL users are configured';
    if (pass === 'set' || pass === 'notKnown') {
      auth = 'on';
      authReason = 'a password is set with --requirepass';
    } else if (envPass) {
      auth = 'on';
      authReason = `a password is set with ${envPass}`;
    } else if (hasWord(f.words, '--aclfile')) {
      auth = 'on';
      authReason = 'ACL users are loaded with --aclfile';
    } else if (bitnami && !emptyAllowed) {
      auth = f.hiddenEnv ? 'unknown' : 'on';
      authReason = 'Bitnami images refuse to start without a password unless ALLOW_EMPTY_PASSWORD=yes';
    } else if (f.hiddenEnv || f.words.some((w) => w.endsWith('.conf'))) {
      auth = emptyAllowed ? 'off' : 'unknown';
      authReason = emptyAllowed ? 'ALLOW_EMPTY_PASSWORD=yes' : 'a password may be set in the configuration file or in envFrom';
    } else if (emptyAllowed) authReason = 'ALLOW_EMPTY_PASSWORD=yes';
    return {
      label: 'Redis',
      ports: portsFor(f, [
        { port: portFlag(f.words, '--port') ?? 6379, role: 'data store (CONFIG and MODULE commands run code)', impact: 'control' },
      ]),
      auth,
      authReason,
      signals,
      dataStore: true,
    };
  },
};

interface VectorDb {
  label: string;
  images: RegExp[];
  ports: ReadonlyArray<Omit<AiPort, 'name'>>;
  /** Environment that turns authentication on (`NAME` set and not empty, or `NAME=value`). */
  authOn: Array<{ env: string; value?: string }>;
  /** Environment that turns it off explicitly. */
  authOff?: { env: string; value: string };
  /** Authentication state when nothing is visible. */
  otherwise: AuthState;
  reason: string;
}

const VECTOR_DBS: VectorDb[] = [
  {
    label: 'Qdrant',
    images: [/^qdrant\/qdrant$/],
    ports: [
      { port: 6333, role: 'HTTP API (collections and snapshots)', impact: 'access' },
      { port: 6334, role: 'gRPC API', impact: 'access' },
    ],
    authOn: [{ env: 'QDRANT__SERVICE__API_KEY' }, { env: 'QDRANT__SERVICE__READ_ONLY_API_KEY' }],
    otherwise: 'off',
    reason: 'Qdrant has no authentication unless QDRANT__SERVICE__API_KEY is set',
  },
  {
    label: 'Weaviate',
    images: [/^semitechnologies\/weaviate$/],
    ports: [
      { port: 8080, role: 'REST and GraphQL API', impact: 'access' },
      { port: 50051, role: 'gRPC API', impact: 'access' },
    ],
    authOn: [
      { env: 'AUTHENTICATION_APIKEY_ENABLED', value: 'true' },
      { env: 'AUTHENTICATION_OIDC_ENABLED', value: 'true' },
    ],
    authOff: { env: 'AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED', value: 'true' },
    otherwise: 'off',
    reason: 'Weaviate allows anonymous access unless API key or OIDC authentication is enabled',
  },
  {
    label: 'Milvus',
    images: [/^milvusdb\/milvus$/],
    ports: [
      { port: 19530, role: 'gRPC and REST API', impact: 'access' },
      { port: 9091, role: 'metrics and health', impact: 'info' },
    ],
    authOn: [{ env: 'COMMON_SECURITY_AUTHORIZATIONENABLED', value: 'true' }],
    otherwise: 'unknown',
    reason: 'Milvus authentication (common.security.authorizationEnabled) is off by default and set in milvus.yaml',
  },
  {
    label: 'Chroma',
    images: [/^chromadb\/chroma$/, /^chroma-core\/chroma$/],
    ports: [{ port: 8000, role: 'HTTP API', impact: 'access' }],
    authOn: [{ env: 'CHROMA_SERVER_AUTHN_PROVIDER' }, { env: 'CHROMA_SERVER_AUTH_PROVIDER' }, { env: 'CHROMA_SERVER_AUTH_CREDENTIALS' }],
    otherwise: 'off',
    reason: 'Chroma has no authentication unless CHROMA_SERVER_AUTHN_PROVIDER is set',
  },
];

const vectorDb: Detector = {
  type: 'vector-db',
  detect(f) {
    for (const db of VECTOR_DBS) {
      if (!repoMatches(f.repo, db.images)) continue;
      const on = db.authOn.find((a) => {
        const v = f.env.get(a.env);
        return f.env.has(a.env) && (a.value === undefined ? v !== '' : (v ?? '').toLowerCase() === a.value);
      });
      const off = db.authOff && (f.env.get(db.authOff.env) ?? '').toLowerCase() === db.authOff.value;
      let auth: AuthState = db.otherwise;
      let authReason = db.reason;
      if (on && !off) {
        auth = 'on';
        authReason = `${on.env} is set`;
      } else if (off) {
        auth = 'off';
        authReason = `${db.authOff!.env}=${db.authOff!.value}`;
      } else if (f.hiddenEnv) auth = 'unknown';
      return { label: db.label, ports: portsFor(f, db.ports), auth, authReason, signals: [`image '${f.image}'`], dataStore: true };
    }
    return undefined;
  },
};

const DETECTORS: readonly Detector[] = [
  jupyter,
  jupyterhubProxy,
  ray,
  mlflow,
  ollama,
  openAiCompatible,
  triton,
  torchserve,
  argoServer,
  tensorboard,
  gradio,
  streamlit,
  vllmRouter,
  openWebUi,
  istioGateway,
  kuberayApiServer,
  redis,
  vectorDb,
];

/** Every word a detector keys on appears in the image, command, args or env names: most containers stop here. */
const PREFILTER =
  /jupyter|configurable-http-proxy|notebook|serverapp|identityprovider|singleuser|nb_prefix|ray|mlflow|ollama|vllm|text-generation|sglang|llama|local-?ai|triton|torchserve|argo|tensorboard|gradio|streamlit|open-webui|lmstack|proxyv2|kuberay|redis|valkey|qdrant|weaviate|milvus|chroma/i;

function mayBeAiService(container: Obj): boolean {
  const parts: string[] = [str(container.image) ?? ''];
  for (const key of ['command', 'args'] as const) {
    const v = container[key];
    if (Array.isArray(v))
      for (const x of v) if (typeof x === 'string') parts.push(x.length > MAX_WORD_INPUT ? x.slice(0, MAX_WORD_INPUT) : x);
  }
  if (Array.isArray(container.env)) for (const e of container.env) if (isObj(e) && typeof e.name === 'string') parts.push(e.name);
  return PREFILTER.test(parts.join(' '));
}

/** The AI services a container runs (usually zero or one). */
export function recogniseAiServices(container: Obj, hints: RecogniseHints = {}): AiService[] {
  if (!mayBeAiService(container)) return [];
  const f = facts(container);
  const out: AiService[] = [];
  for (const d of DETECTORS) {
    const found = d.detect(f, hints);
    if (found) out.push({ type: d.type, ...found });
  }
  return out;
}

/** The ports of a service that listen on `port` (a container port number). */
export function portsAt(service: AiService, port: number): AiPort[] {
  return service.ports.filter((p) => p.port === port);
}

/** `Jupyter notebook server (runs code) on port 8888`. */
export function describePort(service: AiService, port: AiPort): string {
  return `${service.label} ${port.role} on port ${port.port}`;
}
