import type { At, Located, ScanDocument } from '../../core/document.js';
import { isLineSpan, isTextSpan } from '../../core/document.js';
import { ParseFailure, type ParseContext, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { TextDocument, TextLocator } from '../../core/text-document.js';
import { notebookCode } from '../code/notebook-code.js';
import { decodeJsonString, member, parseJsonTree, rawOffset, type JsonNode } from './json-tree.js';
import { lowerBound } from '../../core/lower-bound.js';

/** A piece of decoded notebook text and where its JSON string literal sits in the file. */
interface Segment {
  /** Offset of the piece in the document text. */
  offset: number;
  length: number;
  /** Offset of the string literal's opening quote in the file. */
  literal: number;
}

/**
 * The text of one notebook cell's source, or of one of its stored outputs (`kind: notebook-text`).
 * `text` is the decoded content; spans of it are located at their exact line and column in the
 * `.ipynb` file, and `detail` names the cell (1-based) and the output.
 */
export class NotebookTextDocument implements ScanDocument {
  readonly kind = 'notebook-text';
  constructor(
    readonly file: SourceFile,
    private readonly locator: TextLocator,
    readonly text: string,
    private readonly segments: readonly Segment[],
    /** 1-based cell number. */
    readonly cell: number,
    readonly cellType: string,
    /** `source`, `metadata` (of the notebook), or the 1-based output number. */
    readonly part: 'source' | 'metadata' | number,
    readonly detail: string,
  ) {}

  /** Cell sources of code cells are program text; outputs and markdown are not. */
  get isCode(): boolean {
    return this.part === 'source' && this.cellType === 'code';
  }

  /** File offset of an offset into `text`. */
  fileOffset(k: number, end = false): number {
    const segs = this.segments;
    const s = segs[Math.max(0, lowerBound(segs.length, (i) => segs[i].offset <= k - (end ? 1 : 0)) - 1)];
    return rawOffset(this.file.text(), s.literal, Math.min(Math.max(0, k - s.offset), s.length));
  }

  locate(at: At | undefined): Located {
    if (at && isTextSpan(at)) {
      const start = this.fileOffset(at.start);
      const end = at.end > at.start ? this.fileOffset(at.end, true) : start;
      return this.locator.locate({ start, end });
    }
    if (at && isLineSpan(at)) return this.locator.locate(at);
    return {};
  }
}

const TEXT_MIME = /^(?:text\/|application\/(?:json|javascript|x-latex|xml)|[^/]+\/[^;]*\+(?:json|xml))/;

/** String values anywhere under `node` (bounded), leaving out widget state. */
function allStrings(
  node: JsonNode | undefined,
  out: Array<Extract<JsonNode, { type: 'string' }>> = [],
  budget = { n: 10_000 },
): Array<Extract<JsonNode, { type: 'string' }>> {
  if (!node || budget.n-- <= 0) return out;
  if (node.type === 'string') out.push(node);
  else if (node.type === 'array') for (const x of node.items) allStrings(x, out, budget);
  else if (node.type === 'object') for (const [k, v] of node.entries) if (k !== 'widgets') allStrings(v, out, budget);
  return out;
}

function strings(node: JsonNode | undefined): Array<Extract<JsonNode, { type: 'string' }>> {
  if (!node) return [];
  if (node.type === 'string') return [node];
  if (node.type === 'array') return node.items.filter((x): x is Extract<JsonNode, { type: 'string' }> => x.type === 'string');
  return [];
}

function makeDoc(
  file: SourceFile,
  locator: TextLocator,
  nodes: Array<Extract<JsonNode, { type: 'string' }>>,
  cell: number,
  cellType: string,
  part: 'source' | 'metadata' | number,
  detail: string,
): NotebookTextDocument | undefined {
  if (nodes.length === 0) return undefined;
  // Joined once at the end: asking the growing text whether it ends with a newline flattened it at
  // every value, quadratic in a cell of many lines.
  const parts: string[] = [];
  let length = 0;
  let endsWithNewline = false;
  const segments: Segment[] = [];
  for (const n of nodes) {
    // Separate values of different fields (mime types, traceback lines) so they never join up.
    if (length > 0 && !endsWithNewline) {
      parts.push('\n');
      length++;
      endsWithNewline = true;
    }
    const v = decodeJsonString(n.raw);
    segments.push({ offset: length, length: v.length, literal: n.start });
    parts.push(v);
    length += v.length;
    if (v.length) endsWithNewline = v.endsWith('\n');
  }
  const text = parts.join('');
  if (text.trim() === '') return undefined;
  return new NotebookTextDocument(file, locator, text, segments, cell, cellType, part, detail);
}

/**
 * Jupyter notebooks (`.ipynb`, nbformat 4 and the `worksheets` layout of nbformat 3): one
 * `notebook-text` document per cell source and per stored text output (stream text, text
 * representations of results, error tracebacks), and one for the notebook's own metadata (papermill
 * parameters, kernel settings; widget state left out). Images and other binary outputs are skipped.
 * A file that is not valid notebook JSON is still scanned as plain text, with an error entry.
 */
export const notebookParser: Parser = {
  name: 'notebook',
  produces: ['notebook-text', 'text', 'code-python'],
  // Stored images make notebooks large; only their text is kept once parsed.
  maxBytes: 64 * 1024 * 1024,
  matches(file: SourceFile): boolean {
    return /\.ipynb$/i.test(file.path) && file.size > 0 && !looksBinary(file.head());
  },
  parse(file: SourceFile, ctx: ParseContext): ParseOutput {
    try {
      return parseNotebook(file, ctx);
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      return {
        documents: [new TextDocument(file)],
        errors: [{ message: `${e.message}; scanned as plain text`, ...(e.line ? { line: e.line } : {}) }],
      };
    }
  },
};

function parseNotebook(file: SourceFile, ctx: ParseContext): ParseOutput {
  const text = file.text();
  const root = parseJsonTree(text, ctx.limits.maxDepth);
  let cells = member(root, 'cells');
  if (!cells) {
    const ws = member(root, 'worksheets');
    if (ws?.type === 'array') {
      const all: JsonNode[] = [];
      for (const w of ws.items) {
        const c = member(w, 'cells');
        if (c?.type === 'array') for (const item of c.items) all.push(item);
      }
      cells = { type: 'array', start: 0, end: 0, items: all };
    }
  }
  if (cells?.type !== 'array')
    return { documents: [new TextDocument(file)], errors: [{ message: 'not a Jupyter notebook (no cells); scanned as plain text' }] };
  const locator = new TextLocator(file);
  const documents: ScanDocument[] = [];
  cells.items.forEach((cell, ci) => {
    const n = ci + 1;
    const typeNode = member(cell, 'cell_type');
    const cellType = typeNode?.type === 'string' ? decodeJsonString(typeNode.raw) : 'code';
    const src = makeDoc(file, locator, strings(member(cell, 'source') ?? member(cell, 'input')), n, cellType, 'source', `cell ${n}`);
    if (src) documents.push(src);
    const outputs = member(cell, 'outputs');
    if (outputs?.type !== 'array') return;
    outputs.items.forEach((out, oi) => {
      const parts: Array<Extract<JsonNode, { type: 'string' }>> = [];
      for (const item of strings(member(out, 'text'))) parts.push(item);
      const data = member(out, 'data');
      if (data?.type === 'object') for (const [mime, v] of data.entries) if (TEXT_MIME.test(mime)) for (const item of strings(v)) parts.push(item);
      for (const item of [...strings(member(out, 'evalue')), ...strings(member(out, 'traceback'))]) parts.push(item);
      const doc = makeDoc(file, locator, parts, n, cellType, oi + 1, `cell ${n}, output ${oi + 1}`);
      if (doc) documents.push(doc);
    });
  });
  const meta = makeDoc(file, locator, allStrings(member(root, 'metadata')), 0, 'metadata', 'metadata', 'notebook metadata');
  if (meta) documents.push(meta);
  const code = notebookCode(documents.filter((d): d is NotebookTextDocument => d instanceof NotebookTextDocument));
  if (code) documents.push(code);
  return { documents };
}
