import { interpolate, type ComposeDocument, type ComposeServiceView } from '../../../parsers/compose/compose-document.js';
import { isShellExec } from '../../../parsers/dockerfile/dockerfile-document.js';
import { LogicalText } from '../../../parsers/dockerfile/logical-text.js';
import { parseShell } from '../../../parsers/shell/shell.js';
import { jupyterLaunch, RUN_TIME_VALUE, type CommandContext, type VariableLookup } from '../../dockerfile/lib/jupyter.js';
import { commandLineWords, commandWords } from '../../kubernetes/lib/ai-services.js';

export interface AiServiceKind {
  name: string;
  /** Ports the service listens on by default. */
  ports: readonly number[];
  image?: RegExp;
  command?: RegExp;
}

/** AI services recognised by image or command (never by service name alone). */
export const AI_SERVICES: readonly AiServiceKind[] = [
  { name: 'Ollama', ports: [11434], image: /(^|\/)ollama\/ollama(:|@|$)/, command: /\bollama\s+serve\b/ },
  {
    name: 'Jupyter',
    ports: [8888],
    image: /(^|\/)jupyter\/|(^|\/)jupyterhub\/|jupyterlab|-notebook(:|@|$)/,
    command: /\bjupyter(?:-|\s+)(?:lab|notebook|server)\b/,
  },
  { name: 'Ray', ports: [8265, 10001, 6379], image: /(^|\/)rayproject\/ray(-ml)?(:|@|$)/, command: /\bray\s+start\b[^;&|]*--head\b/ },
  { name: 'MLflow', ports: [5000], image: /(^|\/)mlflow(:|@|$)|mlflow\/mlflow|ghcr\.io\/mlflow/, command: /\bmlflow\s+(server|ui)\b/ },
  { name: 'vLLM', ports: [8000], image: /(^|\/)vllm\/vllm-openai(:|@|$)/, command: /\bvllm\s+serve\b|vllm\.entrypoints\./ },
  { name: 'Text Generation Inference', ports: [80, 8080], image: /text-generation-inference/, command: /\btext-generation-launcher\b/ },
  { name: 'Triton Inference Server', ports: [8000, 8001, 8002], image: /tritonserver/, command: /\btritonserver\b/ },
  { name: 'TorchServe', ports: [8080, 8081, 8082], image: /(^|\/)pytorch\/torchserve/, command: /\btorchserve\b/ },
  { name: 'SGLang', ports: [30000], image: /(^|\/)lmsysorg\/sglang/, command: /sglang\.launch_server/ },
  { name: 'llama.cpp server', ports: [8080], image: /llama\.cpp:server|llama\.cpp:full/, command: /\bllama-server\b/ },
  { name: 'LocalAI', ports: [8080], image: /(^|\/)localai\/localai/ },
  { name: 'Open WebUI', ports: [8080], image: /open-webui\/open-webui/ },
  { name: 'Gradio', ports: [7860], image: /gradio/, command: /\bgradio\b/ },
  { name: 'Streamlit', ports: [8501], image: /streamlit/, command: /\bstreamlit\s+run\b/ },
  { name: 'TensorBoard', ports: [6006], image: /tensorboard/, command: /\btensorboard\b/ },
  { name: 'Qdrant', ports: [6333, 6334], image: /(^|\/)qdrant\/qdrant/ },
  { name: 'Chroma', ports: [8000], image: /(^|\/)chromadb\/chroma/, command: /\bchroma\s+run\b/ },
  { name: 'Milvus', ports: [19530, 9091], image: /(^|\/)milvusdb\/milvus/ },
  { name: 'Weaviate', ports: [8080], image: /semitechnologies\/weaviate|cr\.weaviate\.io/ },
];

/** Ports distinctive enough to recognise the service without its image or command. */
export const DISTINCTIVE_PORTS: ReadonlyMap<number, string> = new Map([
  [11434, 'Ollama'],
  [8888, 'Jupyter'],
  [8265, 'Ray dashboard'],
  [10001, 'Ray client'],
  [6006, 'TensorBoard'],
  [7860, 'Gradio'],
  [8501, 'Streamlit'],
  [6333, 'Qdrant'],
  [19530, 'Milvus'],
]);

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map((x) => String(x)).join(' ');
  return '';
}

/** The words of a service's entrypoint and command, as the container runs them (a string is split like a shell would). */
export function serviceCommandWords(view: ComposeServiceView): string[] {
  return commandWords([view.service.entrypoint, view.service.command].flat());
}

/** A compose value as far as the file tells; `null` when the environment of `docker compose` gives part of it. */
export function interpolatedValue(value: string): string | null {
  let known = true;
  const text = interpolate(value, () => {
    known = false;
    return '';
  });
  return known ? text : null;
}

/**
 * The variables a service's container starts with, as far as the file tells: its `environment`,
 * interpolated, then its env files. A name given without a value (passed from the environment of
 * `docker compose`), or one an env file sets (its value is never kept) or may set (a file not read),
 * is set with a value known only at run time; one an env file sets empty is empty; any other name is
 * not set by the file (the image may set it).
 */
export function serviceVariables(doc: ComposeDocument, view: ComposeServiceView): VariableLookup {
  const env = new Map(doc.environment(view).map((e) => [e.name, e.value === undefined ? null : interpolatedValue(e.value)]));
  return (name) => {
    if (env.has(name)) return env.get(name);
    const state = doc.envFileVariable(view, name);
    return state === undefined ? undefined : state === 'empty' ? '' : null;
  };
}

/**
 * Whether a service's `env_file` sets variable `name` (its `environment` decides first): true when
 * set and not empty, or when a file that could set it was not read (its value is known only at run
 * time, as one from the environment of `docker compose` is); false when empty or set by none.
 */
export function envFileSets(doc: ComposeDocument, view: ComposeServiceView, name: string): boolean {
  const state = doc.envFileVariable(view, name);
  return state === 'set' || state === 'unknown';
}

/**
 * The service's entrypoint and command as its container receives them: interpolated by compose (a
 * value only the environment of `docker compose` gives stands as plain text, which counts as set), a
 * command given as text split into words with its quotes removed, a `sh -c` script split again. When a shell runs them (`sh -c`), its `$NAME` reads the container's variables.
 */
export function serviceCommandLine(doc: ComposeDocument, view: ComposeServiceView): { words: string[]; context: CommandContext } {
  const values = [view.service.entrypoint, view.service.command].flatMap((v) => {
    if (typeof v !== 'string')
      return Array.isArray(v) ? v.map((e) => (typeof e === 'string' ? interpolate(e, () => RUN_TIME_VALUE) : e)) : [];
    // Compose splits a command given as text into words as a shell would, quotes removed (it runs no shell).
    const text = interpolate(v, () => RUN_TIME_VALUE);
    return parseShell(LogicalText.verbatim(text, 0, text.length)).commands.flatMap((c) => c.words.map((w) => w.value));
  });
  const { words, shellWords } = commandLineWords(values);
  // Messages show the words of a script as written, quotes kept (`--api-key=''`).
  return { words, context: { writtenWords: shellWords, ...(isShellExec(words) ? { shell: serviceVariables(doc, view), shellWords } : {}) } };
}

const JUPYTER = AI_SERVICES.find((k) => k.name === 'Jupyter')!;

/**
 * The AI service a compose service runs, from its image, command or entrypoint. A service built from
 * a Dockerfile (`build:`) has no image name to go by: its command alone must tell, so a command line
 * that starts Jupyter or passes Jupyter's options (`["--ServerApp.token="]`) recognises it.
 */
export function aiServiceOf(view: ComposeServiceView): AiServiceKind | undefined {
  const image = typeof view.service.image === 'string' ? view.service.image.toLowerCase() : '';
  const command = `${text(view.service.entrypoint)} ${text(view.service.command)}`;
  const byName = AI_SERVICES.find((k) => (k.image && image && k.image.test(image)) || (k.command && k.command.test(command)));
  return byName ?? (jupyterLaunch(serviceCommandWords(view)) ? JUPYTER : undefined);
}

/** True when a host address binds every interface. */
export function allInterfaces(hostIp: string | undefined): boolean {
  // An address from a variable (`${BIND_ADDR}:8080:8080`) is chosen at deploy time: not decidable here.
  if (hostIp?.includes('$')) return false;
  return hostIp === undefined || hostIp === '0.0.0.0' || hostIp === '::' || hostIp === '[::]' || hostIp === '';
}

/** Lowest port of `8000` or `8000-8010`. */
export function portNumber(p: string | undefined): number | undefined {
  if (p === undefined) return undefined;
  const m = /^(\d+)/.exec(p);
  return m ? Number(m[1]) : undefined;
}

export type { ComposeDocument };
