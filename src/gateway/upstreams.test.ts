import { describe, expect, it } from 'vitest';
import { upstreamFailure } from './upstreams.js';

const failure = (e: unknown) => upstreamFailure('vllm', e).toJSON().error;

describe('upstreamFailure', () => {
  it('says why in words, from the error or its cause, keeping the OpenAI error shape', () => {
    expect(failure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }))).toEqual({
      message: "upstream 'vllm': cannot connect (connection refused)",
      type: 'upstream_error',
      code: 'upstream_unavailable',
      param: null,
    });
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    expect(failure(reset).message).toBe("upstream 'vllm': connection failed (connection reset by peer)");
    expect(failure(Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' })).message).toBe(
      "upstream 'vllm': cannot connect (connection timed out)",
    );
    expect(failure(Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' })).message).toBe(
      "upstream 'vllm': connection failed (the connection closed unexpectedly)",
    );
    expect(failure(new Error('something else\nwith detail')).message).toBe("upstream 'vllm': connection failed (something else)");
  });
  it('a request the upstream did not answer in time is 504', () => {
    expect(upstreamFailure('vllm', { code: 'UND_ERR_HEADERS_TIMEOUT' }).status).toBe(504);
  });
});
