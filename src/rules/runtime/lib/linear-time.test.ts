import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../core/types.js';
import { AuditSession } from '../../../runtime/session.js';
import { auditEvent, falcoAlert, pod, tetragonExec, tetragonKprobe } from './examples.js';

/**
 * Regexes of the runtime rules and their state run on what events carry: command lines, paths, secret
 * and pod names, URIs, ConfigMap values, user agents. Each is fed 100 KB of near misses; a pattern with
 * catastrophic backtracking takes minutes on these, a linear one milliseconds (the bound is generous).
 */
const SIZE = 100 * 1024;
const fill = (unit: string) => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

const units = [
  'stratum+tcp:/',
  '--algo=',
  'a-',
  '-head-',
  '/models/',
  '.safetensor',
  'sk-',
  'AKIA',
  '-----BEGIN ',
  'openai-',
  'jupyter-',
  '9.9.',
  ' ',
  '/',
];

function run(text: string): { ms: number; findings: Finding[] } {
  const findings: Finding[] = [];
  const session = new AuditSession({ config: false, onFinding: (f) => findings.push(f) });
  const events = [
    auditEvent({
      verb: 'create',
      resource: 'pods',
      subresource: 'exec',
      namespace: 'ml',
      name: text.slice(0, 253),
      code: 101,
      requestURI: `/api/v1/namespaces/ml/pods/x/exec?command=${encodeURIComponent(text)}`,
      userAgent: text,
    }),
    auditEvent({ verb: 'get', resource: 'secrets', namespace: 'llm', name: text, user: text, sourceIPs: [text] }),
    auditEvent({
      verb: 'create',
      resource: 'configmaps',
      namespace: 'llm',
      name: 'c',
      requestObject: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, data: { [text.slice(0, 200)]: text, API_KEY: text } },
    }),
    auditEvent({
      verb: 'create',
      resource: 'pods',
      namespace: 'ml',
      name: 'p',
      requestObject: pod('p', 'ml', {
        containers: [{ name: 'c', image: text, command: [text], env: [{ name: 'NVIDIA_VISIBLE_DEVICES', value: text }] }],
        volumes: [{ name: 'v', hostPath: { path: text } }],
      }),
    }),
  ].map((e) => JSON.stringify(e));
  const host = [
    tetragonExec({ binary: text, args: text, parent: text, pod: text.slice(0, 253), image: text }),
    tetragonKprobe({ binary: text }, 'security_file_permission', [{ file_arg: { path: text } }, { int_arg: 2 }]),
    tetragonKprobe({ binary: text }, 'tcp_connect', [{ sock_arg: { daddr: text.slice(0, 64), dport: 1 } }]),
    falcoAlert(text, { 'evt.type': 'execve', 'proc.cmdline': text, 'proc.exepath': text, 'k8s.pod.name': text }),
  ].map((e) => JSON.stringify(e));
  const t = performance.now();
  session.lines(
    events.map((t, i) => ({ text: t, number: i + 1 })),
    'audit.log',
    'audit',
  );
  session.lines(
    host.map((t, i) => ({ text: t, number: i + 1 })),
    'host.json',
  );
  return { ms: performance.now() - t, findings };
}

describe('runtime rules on adversarial input', () => {
  const benign = run(fill('abcdefgh'));
  for (const unit of units) {
    it(`stays linear on 100 KB of '${unit}'`, () => {
      const { ms } = run(fill(unit));
      expect(ms).toBeLessThan(Math.max(2000, benign.ms * 50));
    });
  }
});
