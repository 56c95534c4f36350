import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { scanSync } from '../../scan.js';

const scan = (path: string, lines: unknown[]) =>
  scanSync({
    targets: [],
    files: [new MemorySourceFile(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n')],
    config: false,
    scanners: ['runtime'],
  });

const tetragonExec = (process: Record<string, unknown>) => ({
  process_exec: { process: { exec_id: 'x', ...process } },
  time: '2026-01-01T00:00:00Z',
});

const auditEvent = (fields: Record<string, unknown>) => ({
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  auditID: 'a',
  stage: 'ResponseComplete',
  verb: 'create',
  user: { username: 'bob' },
  objectRef: { resource: 'pods', namespace: 'ml', name: 'p', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  ...fields,
});

describe('event logs with fields of the wrong type', () => {
  it('reads a Tetragon process whose fields are not strings as far as they are, without failing', () => {
    const r = scan('tetragon.json', [
      tetragonExec({ binary: '/tmp/.x/xmrig', pod: { namespace: 'ml', name: { a: null }, container: 'trainer' } }),
      tetragonExec({ binary: 1e308, arguments: ['-o', 'pool'], pod: 'x' }),
      tetragonExec({ binary: ['/usr/bin/curl'], pod: { namespace: 'ml', container: { name: 'c', image: { name: { a: null } } } } }),
    ]);
    expect(r.errors).toEqual([]);
    expect(r.findings.map((f) => [f.ruleId, f.location.startLine])).toEqual([['RT-0025', 1]]);
  });

  it('says which field of an audit event has the wrong type, and reads the other events', () => {
    const r = scan('audit.log', [
      auditEvent({ user: { username: ['bob'] } }),
      auditEvent({ impersonatedUser: { username: 'x', groups: 'system:masters' } }),
      auditEvent({ objectRef: { resource: 'pods', name: 7 } }),
      auditEvent({ sourceIPs: '10.0.0.1' }),
      auditEvent({ annotations: { 'authorization.k8s.io/decision': ['allow'] } }),
      auditEvent({ responseStatus: { code: '201' } }),
      auditEvent({ requestURI: 5, userAgent: null }),
      auditEvent({
        user: { username: 'system:anonymous' },
        requestURI: '/api/v1/secrets',
        annotations: { 'authorization.k8s.io/decision': 'allow' },
      }),
    ]);
    expect(r.errors).toEqual([
      { path: 'audit.log', line: 1, message: 'line 1: not an audit event: user.username is not a string' },
      { path: 'audit.log', line: 2, message: 'line 2: not an audit event: impersonatedUser.groups is not a list of strings' },
      { path: 'audit.log', line: 3, message: 'line 3: not an audit event: objectRef.name is not a string' },
      { path: 'audit.log', line: 4, message: 'line 4: not an audit event: sourceIPs is not a list of strings' },
      { path: 'audit.log', line: 5, message: 'line 5: not an audit event: annotations is not a map of strings' },
      { path: 'audit.log', line: 6, message: 'line 6: not an audit event: responseStatus.code is not a number' },
      { path: 'audit.log', line: 7, message: 'line 7: not an audit event: requestURI is not a string' },
    ]);
    expect(r.findings.map((f) => [f.ruleId, f.location.startLine])).toEqual([['RT-0001', 8]]);
  });
});
