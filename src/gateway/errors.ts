/** An error answered to the client in the OpenAI error shape: `{ error: { message, type, code, param } }`. */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    /** Extra response headers (`Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** The name of a known key refused (revoked), for the audit log. */
  keyName?: string;

  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

export interface OpenAIErrorBody {
  error: { message: string; type: string; code: string; param: string | null };
}

export const badRequest = (message: string, param: string | null = null, code = 'invalid_request'): GatewayError =>
  new GatewayError(400, 'invalid_request_error', code, message, param);
