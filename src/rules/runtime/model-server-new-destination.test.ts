import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './model-server-new-destination.js';
import { tetragonKprobe } from './lib/examples.js';

const connect = (ip: string, time: string, pod?: string) =>
  tetragonKprobe(
    { binary: '/usr/bin/python3', time, pod, namespace: pod ? 'shop' : undefined, image: pod ? 'nginx:1.27' : undefined },
    'tcp_connect',
    [{ sock_arg: { family: 'AF_INET', saddr: '10.244.3.17', daddr: ip, sport: 40000, dport: 4444 } }],
  );

testRule(rule, {
  valid: [
    validEvents(
      'new address while learning',
      [connect('10.96.0.10', '2026-03-02T08:00:00Z'), connect('198.51.100.23', '2026-03-02T08:30:00Z')],
      'tetragon.json',
    ),
    validEvents(
      'not a model server',
      [connect('10.96.0.10', '2026-03-02T08:00:00Z', 'web-0'), connect('198.51.100.23', '2026-03-02T10:30:00Z', 'web-0')],
      'tetragon.json',
    ),
  ],
  invalid: [
    invalidEvents(
      'public, then internal, each once',
      [
        connect('10.96.0.10', '2026-03-02T08:00:00Z'),
        connect('198.51.100.23', '2026-03-02T10:30:00Z'),
        connect('198.51.100.23', '2026-03-02T10:31:00Z'),
        connect('10.0.9.9', '2026-03-02T10:32:00Z'),
      ],
      [
        {
          line: 2,
          severity: 'high',
          objectPath: '/process_kprobe/args',
          message:
            'pod llm/vllm-6c9f7d5b8-q2w3e (vLLM model server) connected to 198.51.100.23:4444, a public address it never contacted before',
        },
        { line: 4, severity: 'medium' },
      ],
      'tetragon.json',
    ),
  ],
});
