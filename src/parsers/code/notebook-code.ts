import type { At, Located } from '../../core/document.js';
import { isLineSpan, isTextSpan } from '../../core/document.js';
import { LineIndex } from '../../core/line-index.js';
import type { NotebookTextDocument } from '../notebook/notebook-parser.js';
import { CodeDocument } from './code-document.js';

/** IPython magics and shell escapes (`%pip install`, `!ls`) are not Python: blanked, keeping offsets. */
const MAGIC_LINE = /^[ \t]*[%!].*$/gm;

/**
 * One Python program made of a notebook's code cells, in order, so that values flow from cell to cell
 * as they do in the kernel. Spans are mapped back to their exact place in the `.ipynb` file.
 */
export function notebookCode(cells: readonly NotebookTextDocument[]): CodeDocument | undefined {
  const code = cells.filter((c) => c.isCode);
  if (code.length === 0) return undefined;
  const starts: number[] = [];
  let text = '';
  for (const c of code) {
    starts.push(text.length);
    text += c.text.replace(MAGIC_LINE, (m) => ' '.repeat(m.length)) + '\n';
  }
  const lines = new LineIndex(text);
  const cellAt = (offset: number): number => {
    let k = starts.length - 1;
    while (k > 0 && starts[k] > offset) k--;
    return k;
  };
  const locate = (at: At | undefined): Located => {
    if (!at || Array.isArray(at)) return {};
    let start: number;
    let end: number;
    if (isTextSpan(at)) ({ start, end } = at);
    else if (isLineSpan(at)) {
      start = lines.offset(at.line, at.column ?? 1);
      end = lines.offset(at.endLine ?? at.line, at.endColumn ?? lines.lineText(at.endLine ?? at.line).length + 1);
    } else return {};
    const k = cellAt(start);
    const cell = code[k];
    const cellEnd = starts[k] + cell.text.length;
    return cell.locate({ start: start - starts[k], end: Math.min(end, cellEnd) - starts[k] });
  };
  return new CodeDocument(code[0].file, 'python', { text, locate });
}
