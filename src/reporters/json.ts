import type { ScanResult } from '../core/types.js';
import { collectChunks, writeJsonStreaming, type ChunkSink } from './json-stream.js';
import type { Reporter, StreamingReporter } from './reporter.js';

/** The stable result contract of DESIGN.md, written a batch of findings at a time. */
export const streamJson: StreamingReporter = (result: ScanResult, _ctx, sink: ChunkSink) => {
  writeJsonStreaming(result, result.findings, (f) => f, sink);
  sink('\n');
};

/** The stable result contract of DESIGN.md. */
export const jsonReporter: Reporter = (result, ctx) => collectChunks((sink) => streamJson(result, ctx, sink));
