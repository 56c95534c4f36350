import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import type { Reporter } from './reporter.js';
import { sarifReporter } from './sarif.js';
import { tableReporter } from './table.js';

export const reporters: Readonly<Record<string, Reporter>> = {
  table: tableReporter,
  json: jsonReporter,
  sarif: sarifReporter,
  junit: junitReporter,
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

export type { Reporter, ReportContext } from './reporter.js';
