import type { PickleImport } from '../../../parsers/models/pickle.js';
import { judgeImport, type Verdict } from './pickle-policy.js';

export function verdictOf(imp: PickleImport): Verdict {
  if (!imp.resolved) return { kind: 'unknown' };
  return judgeImport(imp.dotted.slice(0, imp.dotted.length - imp.name.length - 1), imp.name, imp.dotted);
}

/** The byte span of the opcode that imported it. */
export function importSpan(imp: PickleImport): { start: number; end: number } {
  return { start: imp.offset, end: Math.max(imp.end, imp.offset + 1) };
}

/** `with REDUCE at byte 28: posix.system('echo hi')` */
export function firstCall(imp: PickleImport): string {
  const c = imp.calls[0];
  if (!c) return '';
  const more = imp.callCount > 1 ? ` (and ${imp.callCount - 1} more call${imp.callCount > 2 ? 's' : ''})` : '';
  return ` by ${c.opcode} at byte ${c.offset}${c.args !== undefined ? `: ${imp.dotted}(${c.args})` : ''}${more}`;
}

export function streamNote(imp: PickleImport): string {
  return imp.stream > 0 ? ` in pickle stream ${imp.stream + 1}` : '';
}

/** `pathlib.os.system`, or `pathlib.os.system (reaches os.system)` */
export function nameOf(imp: PickleImport, v: Verdict): string {
  return v.reaches && v.reaches !== imp.dotted ? `${imp.dotted}, which reaches ${v.reaches},` : imp.dotted;
}
