/**
 * Event logs as files of a scan: an API server audit log (JSON lines or an `EventList`), Falco's JSON
 * output, Tetragon's JSON export. Each file is read in order with a fresh runtime state, so `scan`
 * and `audit` say the same thing about the same log.
 */
import type { ParseOutput, Parser } from '../../core/parser.js';
import type { SourceFile } from '../../core/source-file.js';
import { EventDecoder, type Decoded } from '../../runtime/decoder.js';
import { RuntimeObserver } from '../../runtime/observer.js';
import { jsonErrorMessage } from '../../core/printable.js';

const SIGNATURE = /"apiVersion"\s*:\s*"audit\.k8s\.io\/|"output_fields"\s*:|"process_(?:exec|kprobe|exit|tracepoint|lsm)"\s*:/;
const decoder = new TextDecoder();

function looksLikeEventLog(file: SourceFile): boolean {
  if (/\.(?:ya?ml|ipynb)$/i.test(file.path)) return false;
  const bytes = file.head();
  // Most files are not JSON: their first byte says so before any decoding.
  if (bytes[firstContentByte(bytes)] !== 0x7b) return false;
  return SIGNATURE.test(decoder.decode(bytes));
}

/** Index of the first byte after a UTF-8 byte order mark and ASCII whitespace. */
function firstContentByte(bytes: Uint8Array): number {
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < bytes.length && (bytes[i] === 0x20 || (bytes[i] >= 0x09 && bytes[i] <= 0x0d))) i++;
  return i;
}

export const eventLogParser: Parser = {
  name: 'event-log',
  produces: ['audit-event', 'host-event'],
  matches: looksLikeEventLog,
  parse(file): ParseOutput {
    const events = new EventDecoder(new RuntimeObserver());
    const text = file.text();
    const out: Decoded = { docs: [], problems: [], skipped: 0 };
    const errors: Array<{ message: string; line?: number }> = [];
    let lineNo = 0;
    let pos = 0;
    while (pos <= text.length) {
      const nl = text.indexOf('\n', pos);
      const end = nl === -1 ? text.length : nl;
      lineNo++;
      const line = text.slice(pos, end).replace(/\r$/, '');
      pos = end + 1;
      if (line.trim() === '') {
        if (nl === -1) break;
        continue;
      }
      if (lineNo === 1 && !line.trimEnd().endsWith('}')) {
        // A pretty-printed document (an EventList saved with `jq .`): one JSON value for the whole file.
        let v: unknown;
        try {
          v = JSON.parse(text);
        } catch (e) {
          return { documents: [], errors: [{ message: `not JSON: ${jsonErrorMessage(e)}`, line: 1 }] };
        }
        events.value(v, { file, line: 1, lineLength: line.length, pointerPrefix: [] }, 'auto', '', out);
        break;
      }
      const decoded = events.line(line, lineNo, file);
      for (const item of decoded.docs) out.docs.push(item);
      for (const p of decoded.problems) errors.push({ message: p, line: lineNo });
      if (nl === -1) break;
    }
    for (const p of out.problems) errors.push({ message: p });
    return { documents: out.docs, errors };
  },
};
