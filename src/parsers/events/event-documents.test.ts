import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../sources/events/audit-event.js';
import { AuditEventDocument, type EventOrigin } from './event-documents.js';

const origin = { file: {}, line: 1, lineLength: 10, pointerPrefix: [] } as unknown as EventOrigin;
const resourceOf = (objectRef: Record<string, string>) =>
  new AuditEventDocument({ objectRef } as unknown as AuditEvent, origin, {}).resource;

describe('AuditEventDocument resource', () => {
  it('names the kind of a known resource, and keeps an unknown resource name as it is', () => {
    expect(resourceOf({ resource: 'pods', namespace: 'ml', name: 'p' })).toEqual({ kind: 'Pod', namespace: 'ml', name: 'p' });
    expect(resourceOf({ resource: 'widgets' })).toEqual({ kind: 'widgets' });
  });

  it('keeps a resource named like an Object member as it is', () => {
    expect(resourceOf({ resource: 'constructor' })).toEqual({ kind: 'constructor' });
    expect(resourceOf({ resource: '__proto__' })).toEqual({ kind: '__proto__' });
  });
});
