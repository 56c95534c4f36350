import type { ScanDocument } from '../../core/document.js';
import { formatBytes } from '../../core/engine.js';
import { ParseFailure, type ParseContext, type ParseOutput, type Parser } from '../../core/parser.js';
import type { SourceFile } from '../../core/source-file.js';
import { HEAD_BYTES, looksBinary, MemorySourceFile } from '../../core/source-file.js';
import { loadBlockYaml } from './block-yaml.js';
import { hasAnchors, loadAllBounded, YamlLoadError } from '../../core/js-yaml-load.js';
import { KUBE_SCHEMA } from './kube-schema.js';
import { PositionTable } from './position-table.js';
import { YamlFile } from './yaml-document.js';

export { KUBE_SCHEMA } from './kube-schema.js';

/** Turns one parsed YAML document into typed documents (Kubernetes objects, a compose project, …). */
export interface YamlClassifier {
  readonly name: string;
  readonly produces: readonly string[];
  /** Returns the documents found in `value`, or undefined when the value is not of this format. */
  classify(value: unknown, source: YamlFile, docIndex: number): ScanDocument[] | undefined;
}

const YAML_NAME = /\.(ya?ml)$/i;
const JSON_NAME = /\.json$/i;
/** JSON files read by a classifier carry one of these keys: Kubernetes objects, image configs, image layer facts. */
const CLASSIFIED_JSON = /"(?:apiVersion|rootfs|sanctumImageFacts)"/;

export interface LoadedYaml {
  source: YamlFile;
  documents: unknown[];
}

/**
 * A file written from a value, whose node positions were recorded as it was written (a cluster
 * object as JSON): loaded without parsing its text again. Undefined when they could not be.
 */
export interface PositionedFile extends SourceFile {
  positions(): PositionTable | undefined;
  /**
   * For documents never located (`ParseContext.collectOnly`): a table of the documents' values and the
   * depth of their nesting as `positions()` would record it (exactly, up to `maxDepth + 1`), without a
   * node's offsets. Undefined when it cannot tell: `positions()` then.
   */
  unlocated?(maxDepth: number): PositionTable | undefined;
}

/**
 * Why a YAML/JSON file that is not UTF-8 (or UTF-16 with a byte order mark) is not scanned: text in another encoding (Latin-1,
 * Windows-1252: no NUL byte, at most 1 in 100 bytes a control character) is told apart from binary content.
 */
function notTextMessage(head: Uint8Array): string {
  const bytes = head.subarray(0, HEAD_BYTES);
  let controls = 0;
  for (const b of bytes) {
    if (b === 0) return 'binary content in a YAML/JSON file; not scanned';
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) controls++;
  }
  return controls * 100 <= bytes.length
    ? 'not UTF-8 text (perhaps Latin-1 or another legacy encoding: Sanctum reads YAML and JSON as UTF-8, or UTF-16 with a byte order mark); not scanned'
    : 'binary content in a YAML/JSON file; not scanned';
}

/** Loads every document of a YAML (or JSON) file with positions, within the parser limits. */
export function loadYaml(file: SourceFile, ctx: ParseContext): LoadedYaml {
  const positioned = file as Partial<PositionedFile>;
  const given = (ctx.collectOnly ? positioned.unlocated?.(ctx.limits.maxDepth) : undefined) ?? positioned.positions?.();
  if (given) {
    checkDepth(given, ctx);
    return { source: new YamlFile(file, given), documents: given.roots.map((r) => given.results[r]) };
  }
  const text = file.text();
  let table = new PositionTable(text);
  let documents = loadBlockYaml(text, table, ctx.limits.maxDepth);
  // The block reader reads no aliases: only what js-yaml read can expand.
  const aliased = documents === undefined && hasAnchors(text);
  if (documents === undefined) {
    table.discard();
    table = new PositionTable(text);
    try {
      documents = loadWithJsYaml(text, table, ctx, aliased);
    } catch (e) {
      table.discard();
      throw e;
    }
  }
  table.seal();
  checkDepth(table, ctx);
  return { source: new YamlFile(file, table), documents };
}

/**
 * js-yaml with the position listener: the reference, for every file outside the block subset, read
 * by the bounded loader. With anchors, aliases may add at most `maxAliasExpansion` nodes to what the
 * file's documents hold themselves (counted by the table): a large manifest without aliases is never
 * mistaken for a bomb.
 */
function loadWithJsYaml(text: string, table: PositionTable, ctx: ParseContext, anchors: boolean): unknown[] {
  try {
    return loadAllBounded(text, {
      schema: KUBE_SCHEMA,
      // The file's size is checked by `parse`, in bytes, before it is read.
      maxChars: Number.MAX_SAFE_INTEGER,
      maxDepth: ctx.limits.maxDepth,
      maxAliasExpansion: ctx.limits.maxAliasExpansion,
      ownNodes: () => table.count,
      anchors,
      listener: table.listener,
    });
  } catch (e) {
    if (!(e instanceof YamlLoadError)) throw e;
    if (e.kind === 'syntax') throw new ParseFailure(`YAML parse error${e.line ? ` at line ${e.line}` : ''}: ${e.reason}`, e.line);
    // Too deep for js-yaml's stack: said as before, without the line it does not know.
    if (e.kind === 'too-deep' && e.line === undefined) throw new ParseFailure(e.message);
    throw new ParseFailure(`${e.message}; not scanned`, e.line);
  }
}

function checkDepth(table: PositionTable, ctx: ParseContext): void {
  if (table.maxDepth > ctx.limits.maxDepth)
    throw new ParseFailure(`YAML nesting is ${table.maxDepth} levels deep, over the limit of ${ctx.limits.maxDepth}; not scanned`);
}

/** The UTF-16 encoding named by a byte order mark, if there is one. */
function utf16(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** A `{{ … }}` action (Go templates, Jinja, Mustache); two searches, linear in the text. */
function hasTemplateAction(text: string): boolean {
  const open = text.indexOf('{{');
  return open !== -1 && text.indexOf('}}', open + 2) !== -1;
}

/**
 * A template source is not YAML until it is rendered: when it fails to load and holds template
 * actions, it is reported once as an unrendered template, never as the parse error its `{{ }}` causes.
 */
function loadTemplateAware(file: SourceFile, text: string, ctx: ParseContext): LoadedYaml {
  try {
    return loadYaml(file, ctx);
  } catch (e) {
    if (e instanceof ParseFailure && hasTemplateAction(text) && !/nesting|alias/.test(e.message))
      throw new ParseFailure(
        'template source (`{{ }}` actions), not rendered: not scanned as YAML (render it, e.g. with `helm template`, and scan the output)',
      );
    throw e;
  }
}

function isHelmTemplate(file: SourceFile, text: string): boolean {
  if (file.cluster) return false;
  // Set by the Helm/Kustomize renderer source: its output is read, a rendered chart's raw templates are not.
  const state = (file as { renderState?: 'rendered' | 'raw-template' }).renderState;
  if (state !== undefined) return state === 'raw-template';
  return /(^|\/)templates\//.test(file.path) && text.includes('{{');
}

const PNPM_LOCK = /(?:^|\/)pnpm-lock\.yaml$/;

/**
 * The one YAML/JSON parser: each file is loaded once and every document is offered to the
 * classifiers in turn (Kubernetes, compose, …).
 */
export function createYamlParser(
  classifiers: readonly YamlClassifier[],
  set?: Pick<Parser, 'setKind' | 'collect' | 'setDirectory'>,
): Parser {
  return {
    name: 'yaml',
    readsClusterObjects: true,
    // Size is checked in `parse`, which can tell large JSON data from a large manifest by its head.
    maxBytes: Number.MAX_SAFE_INTEGER,
    produces: [...new Set(classifiers.flatMap((c) => c.produces))],
    ...set,
    matches(file: SourceFile): boolean {
      // By name: a binary file named like YAML or JSON is reported by `parse`, not skipped.
      return YAML_NAME.test(file.path) || JSON_NAME.test(file.path) || file.cluster !== undefined;
    },
    parse(original: SourceFile, ctx: ParseContext): ParseOutput {
      let file = original;
      // A pnpm lockfile is no manifest of ours: the deps parser reads it (up to the lockfile limit) and reports its errors.
      if (!file.cluster && PNPM_LOCK.test(file.path)) return { documents: [] };
      if (file.size > ctx.limits.maxFileBytes) {
        const head = file.head();
        if (looksBinary(head) && utf16(head) === undefined) throw new ParseFailure(notTextMessage(head));
        // Large JSON data (tokenizer.json, datasets) is not ours; a large manifest is reported.
        if (JSON_NAME.test(file.path) && !CLASSIFIED_JSON.test(new TextDecoder().decode(head))) return { documents: [] };
        throw new ParseFailure(
          `file is ${formatBytes(file.size)}, over the ${formatBytes(ctx.limits.maxFileBytes)} limit of the yaml parser; not scanned`,
          undefined,
          true,
        );
      }
      // Windows PowerShell writes `kubectl get -o yaml > x.yaml` as UTF-16: read it as the text it is.
      // Read whole once (the file is parsed anyway), then sniffed. A cluster object's text is JSON written for the scan.
      if (!file.cluster) {
        const head = file.bytes().subarray(0, HEAD_BYTES);
        const encoding = utf16(head);
        if (encoding) file = new MemorySourceFile(file.path, new TextDecoder(encoding).decode(file.bytes()));
        if (looksBinary(encoding ? file.head() : head)) throw new ParseFailure(notTextMessage(encoding ? file.head() : head));
      }
      const text = file.text();
      // Plain JSON that is not a Kubernetes object (package.json, data) is none of our business.
      if (JSON_NAME.test(file.path) && !CLASSIFIED_JSON.test(text)) return { documents: [] };
      // Chart templates are rendered by the Helm renderer, not read as YAML.
      if (isHelmTemplate(file, text)) return { documents: [] };
      const { source, documents } = loadTemplateAware(file, text, ctx);
      const out: ScanDocument[] = [];
      // A loop, not `forEach` with an arrow made for each file (TurboFan compiled that closure more than once).
      for (let i = 0; i < documents.length; i++) {
        const value = documents[i];
        for (const c of classifiers) {
          const docs = c.classify(value, source, i);
          if (docs) {
            for (const item of docs) out.push(item);
            break;
          }
        }
      }
      return { documents: out };
    },
  };
}
