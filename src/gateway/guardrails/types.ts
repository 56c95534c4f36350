/**
 * The contract between the gateway's proxy (`src/gateway/`) and its guardrails
 * (`src/gateway/guardrails/`). The proxy parses and authorises a request, then hands the parsed body
 * to `guardRequest`; it hands a non-streamed upstream body to `guardResponse`, and pipes a streamed
 * (server-sent events) upstream body through a `StreamGuard`. Guardrails never see API keys and never
 * do I/O.
 */

/** The OpenAI-compatible operation a body belongs to. */
export type GatewayEndpoint = 'chat.completions' | 'completions' | 'responses' | 'embeddings';

export type GuardrailName = 'secrets' | 'pii' | 'injection' | 'exfiltration' | 'tools' | 'limits';

export type GuardrailAction = 'redact' | 'block' | 'flag' | 'strip' | 'refuse';

/** One decision a guardrail took. Never holds the secret, PII or prompt text it acted on in full. */
export interface GuardrailDecision {
  guardrail: GuardrailName;
  action: GuardrailAction;
  /** Where in the body, as a JSON path (`messages[2].content`, `choices[0].message.content`). */
  where: string;
  /** What was found, redacted (`OpenAI API key sk-pr…`, `email address`, `markdown image to evil.example`). */
  detail: string;
  /** The Sanctum rule or detector that decided, when there is one (`SEC-0002`). */
  ruleId?: string;
  /** Injection score (0..1) when the guardrail scores. */
  score?: number;
}

/** A refusal, answered to the client in the OpenAI error shape with this status. */
export interface GuardrailBlock {
  status: number;
  /** OpenAI error `code` (`guardrail_secrets`, `guardrail_injection`, `request_too_large`…). */
  code: string;
  message: string;
}

export interface GuardrailVerdict {
  /** The body to forward (the request) or to return (the response), rewritten where redacted. */
  body: unknown;
  decisions: GuardrailDecision[];
  /** Set when the request or response must not go through. */
  block?: GuardrailBlock;
}

/** Guards one streamed response: fed the upstream's raw SSE bytes, returns the bytes safe to send now. */
export interface StreamGuard {
  push(chunk: Uint8Array): Uint8Array;
  /** The upstream ended: returns what was held back, checked. */
  end(): Uint8Array;
  readonly decisions: readonly GuardrailDecision[];
  /** Set once the stream had to be cut (a `block` decision): the proxy stops reading the upstream. */
  readonly block?: GuardrailBlock;
}
