/** Test cases of runtime rules: events as JSON lines, with findings expected on whole event lines. */
import type { Severity } from '../core/types.js';
import type { InvalidCase, ValidCase } from './rule-tester.js';

export interface ExpectedEventFinding {
  /** 1-based index of the event in the case. */
  line: number;
  message?: string | RegExp;
  objectPath?: string;
  severity?: Severity;
  evidence?: string | RegExp;
}

type Lines = ReadonlyArray<Record<string, unknown>>;

function content(events: Lines): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

export function validEvents(name: string, events: Lines, path = 'audit.log'): ValidCase {
  return { name, path, content: content(events) };
}

/** The finding is on the event's line, from its first column to the end of the line. */
export function invalidEvents(name: string, events: Lines, findings: ExpectedEventFinding[], path = 'audit.log'): InvalidCase {
  const lines = events.map((e) => JSON.stringify(e));
  return {
    name,
    path,
    content: content(events),
    findings: findings.map((f) => ({
      startLine: f.line,
      startColumn: 1,
      endLine: f.line,
      endColumn: lines[f.line - 1].length + 1,
      ...(f.message !== undefined ? { message: f.message } : {}),
      ...(f.objectPath !== undefined ? { objectPath: f.objectPath } : {}),
      ...(f.severity !== undefined ? { severity: f.severity } : {}),
      ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
    })),
  };
}
