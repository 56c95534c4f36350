import type { LoadedGatewayConfig } from './config.js';
import {
  createStreamGuard,
  guardRequest,
  guardResponse,
  mergeGuardrailSettings,
  type GuardrailOverride,
  type GuardrailSettings,
} from './guardrails/index.js';
import type { GatewayEndpoint, GuardrailVerdict, StreamGuard } from './guardrails/types.js';
import type { Principal } from './keys.js';

/** What the proxy asks of the guardrails (`src/gateway/guardrails/`), with the settings of one caller resolved. */
export interface Guardrails {
  /** The settings for a caller: the file's `guardrails:` section with the key's own over it. */
  settingsFor(principal: Principal): unknown;
  request(endpoint: GatewayEndpoint, body: unknown, settings: unknown): GuardrailVerdict;
  response(endpoint: GatewayEndpoint, body: unknown, settings: unknown): GuardrailVerdict;
  /** A guard for one streamed response, or undefined when nothing needs watching. */
  stream(endpoint: GatewayEndpoint, settings: unknown): StreamGuard | undefined;
  /** Whether the caller's settings ask for prompts and answers in the audit log. */
  logPrompts(settings: unknown): boolean;
  /**
   * A body (or, for a stream, the text it carried) as the audit log may keep it: secrets and PII
   * redacted whatever the caller's settings let through.
   */
  forLog(endpoint: GatewayEndpoint, what: 'request' | 'response' | 'stream', body: unknown, settings: unknown): unknown;
}

/** Lets everything through unchanged. */
export const noGuardrails: Guardrails = {
  settingsFor: () => undefined,
  request: (_endpoint, body) => ({ body, decisions: [] }),
  response: (_endpoint, body) => ({ body, decisions: [] }),
  stream: () => undefined,
  logPrompts: () => false,
  forLog: (_endpoint, _what, body) => body,
};

const UNLIMITED = Number.MAX_SAFE_INTEGER;

const watchesAnswers = (s: GuardrailSettings): boolean =>
  s.secrets !== 'off' || s.pii.action !== 'off' || s.exfiltration.action !== 'off' || s.tools.allowed !== undefined;

/** The caller's settings with every redaction on and every refusal off: what the audit log's copy goes through. */
function forLogSettings(settings: GuardrailSettings): GuardrailSettings {
  return {
    ...mergeGuardrailSettings(settings, {
      secrets: 'redact',
      pii: { action: 'redact' },
      injection: { action: 'off' },
      exfiltration: { action: 'off' },
    }),
    tools: {},
    limits: { maxMessageChars: UNLIMITED, maxMessages: UNLIMITED, maxTools: UNLIMITED, maxToolDefinitionChars: UNLIMITED },
  };
}

/** The guardrails a configuration asks for (`guardrails:` parsed by `guardrailSettingsSchema`, keys' by `guardrailOverrideSchema`). */
export function guardrailsFor(config: Pick<LoadedGatewayConfig, 'guardrails'>): Guardrails {
  const base = config.guardrails as GuardrailSettings;
  const logCopies = new WeakMap<GuardrailSettings, GuardrailSettings>();
  const logSettings = (s: GuardrailSettings): GuardrailSettings => {
    let l = logCopies.get(s);
    if (!l) logCopies.set(s, (l = forLogSettings(s)));
    return l;
  };
  return {
    settingsFor: (p) => mergeGuardrailSettings(base, p.guardrails as GuardrailOverride | undefined),
    request: (endpoint, body, settings) => guardRequest(endpoint, body, settings as GuardrailSettings),
    response: (endpoint, body, settings) => guardResponse(endpoint, body, settings as GuardrailSettings),
    // With every answer-side guardrail off there is nothing to watch: the stream goes through untouched.
    stream: (endpoint, settings) =>
      watchesAnswers(settings as GuardrailSettings) ? createStreamGuard(endpoint, settings as GuardrailSettings) : undefined,
    logPrompts: (settings) => (settings as GuardrailSettings).logPrompts,
    forLog(endpoint, what, body, settings) {
      const strict = logSettings(settings as GuardrailSettings);
      if (what === 'request') return guardRequest(endpoint, body, strict).body;
      if (what === 'response') return guardResponse(endpoint, body, strict).body;
      const wrapped = { choices: [{ index: 0, message: { role: 'assistant', content: body } }] };
      return (guardResponse('chat.completions', wrapped, strict).body as typeof wrapped).choices[0].message.content;
    },
  };
}
