import type { FixInput } from '../../core/rule.js';
import { defineRule } from '../../core/rule.js';
import type { ComposeDocument, ComposePort } from '../../parsers/compose/compose-document.js';
import type { Severity } from '../../core/types.js';
import { commandFlag, jupyterAuth, unquoteValue } from '../dockerfile/lib/jupyter.js';
import {
  aiServiceOf,
  allInterfaces,
  DISTINCTIVE_PORTS,
  envFileSets,
  interpolatedValue,
  portNumber,
  serviceCommandLine,
  type AiServiceKind,
} from './lib/ai-services.js';

/** Servers that take `--api-key`, and the variables each reads a key from (as the Kubernetes detectors know them). */
const API_KEY_SERVERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['vLLM', ['VLLM_API_KEY']],
  ['Text Generation Inference', ['API_KEY']],
  ['SGLang', []],
  ['llama.cpp server', ['LLAMA_API_KEY']],
  ['LocalAI', ['API_KEY', 'LOCALAI_API_KEY']],
]);

/** How the exposed service authenticates: `none` (explicitly disabled), `key` (a key or login is required) or `default`. */
function authOf(
  doc: ComposeDocument,
  view: ComposeDocument['services'][number],
  kind: AiServiceKind | undefined,
): 'none' | 'key' | 'default' {
  const env = new Map(doc.environment(view).map((e) => [e.name, e.value]));
  if (kind?.name === 'Jupyter') {
    const line = serviceCommandLine(doc, view);
    const flags = jupyterAuth(line.words, line.context);
    if (flags.state === 'off') return 'none';
    if (flags.state === 'on') return 'key';
    // A command the shell runs gives the token: not known.
    if (flags.flag) return 'default';
    // Jupyter reads JUPYTER_TOKEN only when it is not empty: an empty one leaves the generated token.
    if (!env.has('JUPYTER_TOKEN')) return envFileSets(doc, view, 'JUPYTER_TOKEN') ? 'key' : 'default';
    const token = env.get('JUPYTER_TOKEN');
    return token !== undefined && interpolatedValue(token) !== '' ? 'key' : 'default';
  }
  if (kind?.name === 'Open WebUI') return /^(false|0|no)$/i.test(env.get('WEBUI_AUTH') ?? '') ? 'none' : 'key';
  const keyEnv = kind && API_KEY_SERVERS.get(kind.name);
  if (keyEnv) {
    // The key as the server receives it: interpolated by compose, and by the shell of a `sh -c` script.
    const line = serviceCommandLine(doc, view);
    const key = commandFlag(line.words, ['--api-key'], line.context);
    // A key a command gives (`$(cat /run/secrets/key)`) is known only at run time: set, as a value from the environment is.
    if (key && (key.notKnown || key.value !== '')) return 'key';
    // A name given without a value comes from the environment of `docker compose`: set.
    // One an env file sets (or may: a file not read, or outside the scanned directory) is set too.
    const setEnv = keyEnv.some((e) => {
      if (!env.has(e)) return envFileSets(doc, view, e);
      const value = env.get(e);
      const text = value === undefined ? null : interpolatedValue(value);
      return text === null || unquoteValue(text) !== '';
    });
    if (setEnv) return 'key';
  }
  return 'default';
}

/** Binds a published port to 127.0.0.1: `"8888:8888"` → `"127.0.0.1:8888:8888"`, long syntax gets `host_ip`. */
function bindToLoopback(doc: ComposeDocument, port: ComposePort, service: string): FixInput | undefined {
  const description = `Bind port ${port.published ?? port.target} of service '${service}' to 127.0.0.1`;
  const text = doc.text;
  if (port.short) {
    const span = doc.valueSpan(port.path);
    if (!span) return undefined;
    const quote = text[span.start] === '"' || text[span.start] === "'" ? 1 : 0;
    const start = span.start + quote;
    const raw = text.slice(start, span.end - quote);
    if (/^\d/.test(raw) && !raw.includes(':') && quote === 0) {
      // A bare number (`- 8888`) is a YAML integer: write a quoted string instead.
      return { description, edits: [{ span, replacement: `"127.0.0.1::${raw}"` }] };
    }
    const ip = port.hostIp;
    if (ip !== undefined && raw.startsWith(ip))
      return { description, edits: [{ span: { start, end: start + ip.length }, replacement: '127.0.0.1' }] };
    if (ip !== undefined && raw.startsWith(`[${ip}]`))
      return { description, edits: [{ span: { start, end: start + ip.length + 2 }, replacement: '127.0.0.1' }] };
    // The address comes from interpolation (`${HOST:-0.0.0.0}`): the edit is not mechanical.
    if (ip !== undefined) return undefined;
    return { description, edits: [{ span: { start, end: start }, replacement: '127.0.0.1:' }] };
  }
  const existing = doc.valueSpan([...port.path, 'host_ip']);
  if (existing) return { description, edits: [{ span: existing, replacement: '127.0.0.1' }] };
  const target = doc.entrySpan([...port.path, 'target']);
  if (!target) return undefined;
  let k = target.start;
  while (k > 0 && (text[k - 1] === ' ' || text[k - 1] === '\t')) k--;
  const before = text[k - 1];
  if (before === '{' || before === ',')
    return { description, edits: [{ span: { start: target.start, end: target.start }, replacement: 'host_ip: 127.0.0.1, ' }] };
  const indent = text.slice(text.lastIndexOf('\n', target.start - 1) + 1, target.start).replace(/[^ \t]/g, ' ');
  return { description, edits: [{ span: { start: target.start, end: target.start }, replacement: `host_ip: 127.0.0.1\n${indent}` }] };
}

export default defineRule<ComposeDocument>({
  meta: {
    id: 'CMP-0010',
    slug: 'compose-ai-port-exposed',
    title: 'AI service port published on all interfaces',
    severity: 'high',
    scanner: 'misconfig',
    appliesTo: ['compose'],
    frameworks: [
      { id: 'cis-docker', control: '5.14' },
      { id: 'mitre-atlas', control: 'AML.T0040' },
      { id: 'mitre-atlas', control: 'AML.T0049' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      'A compose port without a host address (`"11434:11434"`) is published on every interface of the host, and Docker\'s iptables rules bypass host firewalls such as ufw. Ollama, Jupyter, Ray, MLflow, TensorBoard, Gradio, Streamlit and most OpenAI-compatible servers have no authentication by default: anyone who reaches the port can run models on your GPUs, read or replace models and experiments, or, for Jupyter and Ray, execute code. Thousands of such endpoints are found exposed on the internet. A Jupyter server with its token disabled (or Open WebUI with `WEBUI_AUTH=False`) is critical, a token from a variable counting as compose interpolates it (`${TOKEN:-}` by its default; `${TOKEN}` from the environment of `docker compose` as set) and, in a `sh -c` script, the shell\u2019s `$$TOKEN` as the service\u2019s `environment` sets it; a model server that requires an API key (`--api-key`, or its key variable such as `VLLM_API_KEY`, read the same way: an empty `${KEY:-}` or an empty key variable is no key; a variable the service\u2019s `env_file` sets counts when the file lies inside the scanned directory, by whether it is empty, never by its value, and an env file not read, missing or outside it, leaves the variable set at run time) or a UI that requires a login is medium.',
    remediation:
      'Bind the port to the loopback interface (`"127.0.0.1:11434:11434"` or `host_ip: 127.0.0.1`) and put an authenticating reverse proxy in front of it, or do not publish it at all and reach it from other services over the compose network.',
    references: [
      'https://docs.docker.com/reference/compose-file/services/#ports',
      'https://docs.docker.com/engine/network/packet-filtering-firewalls/#docker-and-ufw',
      'https://github.com/ollama/ollama/blob/main/docs/faq.md#how-can-i-expose-ollama-on-my-network',
    ],
    fixable: true,
    examples: {
      bad: [
        { path: 'compose.yaml', content: 'services:\n  ollama:\n    image: ollama/ollama:0.3.14\n    ports:\n      - "11434:11434"\n' },
      ],
      good: [
        {
          path: 'compose.yaml',
          content: 'services:\n  ollama:\n    image: ollama/ollama:0.3.14\n    ports:\n      - "127.0.0.1:11434:11434"\n',
        },
      ],
    },
  },
  check(doc, ctx) {
    for (const s of doc.services) {
      const kind = aiServiceOf(s);
      for (const port of doc.ports(s)) {
        if (!allInterfaces(port.hostIp)) continue;
        const target = portNumber(port.target);
        const name = kind?.name ?? (target !== undefined ? DISTINCTIVE_PORTS.get(target) : undefined);
        if (!name) continue;
        const where = port.published ? `host port ${port.published}` : 'a random host port';
        const fix = bindToLoopback(doc, port, s.name);
        const auth = authOf(doc, s, kind);
        const severity: Severity | undefined = auth === 'none' ? 'critical' : auth === 'key' ? 'medium' : undefined;
        const note = auth === 'none' ? ' with authentication disabled' : auth === 'key' ? ' (it requires an API key or a login)' : '';
        ctx.report({
          ...(severity ? { severity } : {}),
          message: `${name} port ${port.target} of service '${s.name}' is published on ${where} on all interfaces${note}`,
          at: port.path,
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});
