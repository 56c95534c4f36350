import { describe, it } from 'vitest';
import type { Finding } from '../../../core/types.js';
import { AuditSession } from '../../../runtime/session.js';
import { expectLinearGrowth } from '../../../testing/growth.js';
import { auditEvent, falcoAlert, pod, tetragonExec, tetragonKprobe } from './examples.js';

/**
 * Regexes of the runtime rules and their state run on what events carry: command lines, paths, secret
 * and pod names, URIs, ConfigMap values, user agents. Each is fed long runs of near misses, its CPU
 * time growing with their length, not its square.
 */
const fill = (unit: string, size: number) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

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

/** The events carrying text, and the run of a new session over them. */
function events(text: string): () => Finding[] {
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
  return () => {
    const findings: Finding[] = [];
    const session = new AuditSession({ config: false, onFinding: (f) => findings.push(f) });
    session.lines(
      events.map((t, i) => ({ text: t, number: i + 1 })),
      'audit.log',
      'audit',
    );
    session.lines(
      host.map((t, i) => ({ text: t, number: i + 1 })),
      'host.json',
    );
    return findings;
  };
}

describe('runtime rules on adversarial input', () => {
  for (const unit of units) {
    it(`stays linear on runs of '${unit}'`, () => {
      expectLinearGrowth((n) => events(fill(unit, n)), 16 * 1024, { maxN: 256 * 1024 });
    });
  }
});
