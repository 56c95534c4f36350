import { htmlReporter } from './html.js';
import { jsonReporter, streamJson } from './json.js';
import { junitReporter } from './junit.js';
import type { Reporter, StreamingReporter } from './reporter.js';
import { sarifReporter, streamSarif } from './sarif.js';
import { tableReporter } from './table.js';

export const reporters: Readonly<Record<string, Reporter>> = {
  table: tableReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  junit: junitReporter,
  html: htmlReporter,
};

/** Formats that can be written piece by piece (large reports never exist whole in memory). */
export const streamingReporters: Readonly<Record<string, StreamingReporter>> = {
  json: streamJson,
  sarif: streamSarif,
};

/** File extension used when one `--output` base name serves several formats. */
export const formatExtensions: Readonly<Record<string, string>> = {
  table: '.txt',
  json: '.json',
  sarif: '.sarif',
  junit: '.xml',
  html: '.html',
  cyclonedx: '.cdx.json',
};

export type { Reporter, ReportContext, StreamingReporter } from './reporter.js';
export { sourceReader } from './source-reader.js';
export { bufferedSink, writeString, type ChunkSink } from './json-stream.js';
