import { invalidEvents, validEvents } from '../../testing/event-cases.js';
import { testRule } from '../../testing/rule-tester.js';
import rule from './cryptominer-activity.js';
import { falcoAlert, tetragonExec } from './lib/examples.js';

testRule(rule, {
  valid: [
    validEvents(
      'python training',
      [
        tetragonExec({
          binary: '/usr/bin/python3',
          args: 'train.py --algo ppo',
          pod: 'train-0',
          namespace: 'ml',
          image: 'pytorch/pytorch:2.4.0',
        }),
      ],
      'tetragon.json',
    ),
    validEvents(
      'unrelated Falco alert',
      [
        falcoAlert('Read sensitive file untrusted', {
          'evt.type': 'openat',
          'fd.name': '/etc/shadow',
          'proc.name': 'cat',
          'k8s.pod.name': 'web-0',
        }),
      ],
      'falco.json',
    ),
  ],
  invalid: [
    invalidEvents(
      'renamed miner with pool arguments',
      [
        tetragonExec({
          binary: '/tmp/kworker',
          args: '--url stratum+ssl://gulf.moneroocean.stream:20128 --donate-level 0',
          pod: 'jupyter-x-0',
          namespace: 'ml',
          image: 'quay.io/jupyter/base-notebook:latest',
        }),
      ],
      [
        {
          line: 1,
          objectPath: '/process_exec/process/binary',
          message: /^Cryptominer in pod ml\/jupyter-x-0 \(Jupyter\) \(mining pool arguments\): \/tmp\/kworker --url stratum/,
        },
      ],
      'tetragon.json',
    ),
    invalidEvents(
      'Falco miner rule',
      [
        falcoAlert(
          'Detect outbound connections to common miner pool ports',
          { 'evt.type': 'connect', 'fd.sip': '203.0.113.5', 'fd.sport': 3333, 'proc.name': 'python3', 'k8s.pod.name': 'ray-head-x' },
          undefined,
          'Critical',
        ),
      ],
      [{ line: 1, message: /\(Falco rule 'Detect outbound connections to common miner pool ports'\)/ }],
      'falco.json',
    ),
  ],
});
