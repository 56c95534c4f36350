import { expect, it } from 'vitest';
import { LogicalText } from './logical-text.js';

it('maps logical characters back to file spans across a joined line, empty ranges placed where they start', () => {
  // `ab \` then `cd`: logical `ab cd` at file offsets 0, 1, 2, 5, 6.
  const t = LogicalText.continued('ab \\\ncd', 0, 7, '\\');
  expect(t.text).toBe('ab cd');
  expect([t.span(1, 4), t.span(3, 3), t.span(-2, 0), t.span(4, 9), t.span(7, 8)]).toEqual([
    { start: 1, end: 6 },
    { start: 5, end: 6 },
    { start: 0, end: 1 },
    { start: 6, end: 7 },
    { start: 6, end: 7 },
  ]);
  expect([t.exactSpan(1, 4), t.exactSpan(3, 3), t.exactSpan(5, 5), t.exactSpan(0, 9)]).toEqual([
    { start: 1, end: 6 },
    { start: 5, end: 5 },
    { start: 7, end: 7 },
    { start: 0, end: 7 },
  ]);
  expect([t.exactStart(3, 3), t.exactEnd(1, 4)]).toEqual([5, 6]);
  const empty = new LogicalText('', new Int32Array(0));
  expect([empty.span(0, 1), empty.exactSpan(0, 0)]).toEqual([
    { start: 0, end: 0 },
    { start: 0, end: 0 },
  ]);
});
