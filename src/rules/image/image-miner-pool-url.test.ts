import { testRule } from '../../testing/rule-tester.js';
import rule from './image-miner-pool-url.js';

testRule(rule, {
  valid: [
    { path: 'app/config.yaml', content: 'database:\n  pool_size: 10\n  url: postgres://db:5432/app\n' },
    { name: 'documentation', path: 'docs/mining.md', content: 'Connect to stratum+tcp://pool.example.net:3333\n' },
  ],
  invalid: [
    {
      path: 'opt/.x/run.sh',
      content: '#!/bin/sh\n./kworker -o stratum+ssl://gulf.moneroocean.stream:20128 -u 4AbC\ncurl -s http://xmrpool.eu/stats\n',
      findings: [
        {
          startLine: 2,
          startColumn: 14,
          endLine: 2,
          endColumn: 57,
          message: 'Mining pool URL stratum+ssl://gulf.moneroocean.stream:20128',
          severity: 'critical',
        },
        { startLine: 3, startColumn: 16, endLine: 3, endColumn: 26, message: 'Public mining pool xmrpool.eu', severity: 'high' },
      ],
    },
  ],
});
