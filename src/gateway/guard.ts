import type { LoadedGatewayConfig } from './config.js';
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

/** The guardrails a configuration asks for. */
export function guardrailsFor(config: Pick<LoadedGatewayConfig, 'guardrails' | 'path'>): Guardrails {
  void config;
  return noGuardrails;
}
