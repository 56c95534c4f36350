/**
 * Turns JSON values read from a file, a stream or a webhook POST into event documents with their
 * facts: audit `Event`s and `EventList`s, Falco alerts and Tetragon events. What is not an event is
 * a counted, reported problem, never an exception.
 */
import type { SourceFile } from '../core/source-file.js';
import type { ObjectPath } from '../core/types.js';
import { AuditEventDocument, HostEventDocument, type EventDocument, type EventOrigin } from '../parsers/events/event-documents.js';
import { auditEventProblem, isAuditEventList, type AuditEvent } from '../sources/events/audit-event.js';
import { fromFalco, fromTetragon } from '../sources/events/host-event.js';
import type { RuntimeObserver } from './observer.js';
import { jsonErrorMessage } from '../core/printable.js';

export type EventFormat = 'audit' | 'falco' | 'tetragon' | 'auto';

export interface Decoded {
  docs: EventDocument[];
  /** Why values were not events (one entry each). */
  problems: string[];
  /** Audit events not judged: a stage other than the response, or a request already judged. */
  skipped: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Which of the formats a value is in, from its shape. */
export function sniffFormat(v: unknown): Exclude<EventFormat, 'auto'> | undefined {
  if (!isObj(v)) return undefined;
  if (v.kind === 'Event' || v.kind === 'EventList') return 'audit';
  if ('output_fields' in v && 'rule' in v) return 'falco';
  for (const k in v) if (k.startsWith('process_')) return 'tetragon';
  return undefined;
}

/** Longest line read as one event; longer ones are malformed (an audit event with a huge object is cut by the API server's own limits long before). */
export const MAX_EVENT_LINE = 8 * 1024 * 1024;

export class EventDecoder {
  constructor(readonly observer: RuntimeObserver) {}

  /** One line of JSON (an event or an EventList). */
  line(text: string, lineNo: number, file: SourceFile, format: EventFormat = 'auto'): Decoded {
    const out: Decoded = { docs: [], problems: [], skipped: 0 };
    if (text.length > MAX_EVENT_LINE) {
      out.problems.push(`line ${lineNo} is ${text.length} characters long, over the ${MAX_EVENT_LINE} limit`);
      return out;
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      out.problems.push(`line ${lineNo}: not JSON: ${jsonErrorMessage(e)}`);
      return out;
    }
    this.value(v, { file, line: lineNo, lineLength: text.length, pointerPrefix: [] }, format, text, out);
    return out;
  }

  /** A parsed JSON value: an event, an EventList, a Falco or Tetragon event. */
  value(v: unknown, origin: EventOrigin, format: EventFormat, text: string, out: Decoded): void {
    const kind = format === 'auto' ? sniffFormat(v) : format;
    if (kind === 'audit' && isAuditEventList(v)) {
      v.items.forEach((item, i) => this.audit(item, { ...origin, pointerPrefix: [...origin.pointerPrefix, 'items', i] }, out));
      return;
    }
    if (kind === 'audit') return this.audit(v, origin, out);
    if (kind === 'falco' || kind === 'tetragon') {
      const host = kind === 'falco' ? fromFalco(v, text) : fromTetragon(v, text);
      if (typeof host === 'string') out.problems.push(`${where(origin)}: not a ${kind === 'falco' ? 'Falco' : 'Tetragon'} event: ${host}`);
      else out.docs.push(new HostEventDocument(host, origin, this.observer.hostFacts(host)));
      return;
    }
    out.problems.push(`${where(origin)}: not an audit, Falco or Tetragon event`);
  }

  private audit(v: unknown, origin: EventOrigin, out: Decoded): void {
    const problem = auditEventProblem(v);
    if (problem) {
      out.problems.push(`${where(origin)}: not an audit event: ${problem}`);
      return;
    }
    const ev = v as AuditEvent;
    if (!this.observer.admit(ev)) {
      out.skipped++;
      return;
    }
    out.docs.push(new AuditEventDocument(ev, origin, this.observer.auditFacts(ev)));
  }
}

function where(o: { line: number; pointerPrefix: ObjectPath }): string {
  return o.pointerPrefix.length ? `line ${o.line} ${o.pointerPrefix.join('/')}` : `line ${o.line}`;
}
