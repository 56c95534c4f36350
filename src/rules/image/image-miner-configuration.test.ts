import { testRule } from '../../testing/rule-tester.js';
import rule from './image-miner-configuration.js';

testRule(rule, {
  valid: [
    { path: 'srv/config.json', content: '{ "pools": ["a", "b"], "max_connections": 10 }\n' },
    { name: 'a package name, no options', path: 'requirements.txt', content: 'xmrig-stats-exporter==1.0\n' },
  ],
  invalid: [
    {
      path: 'root/.config/c.json',
      content:
        '{\n  "autosave": true,\n  "randomx": { "1gb-pages": true },\n  "donate-level": 1,\n  "pools": [{ "url": "pool.example.net:3333" }]\n}\n',
      findings: [
        { startLine: 3, startColumn: 3, endLine: 3, endColumn: 13, message: 'XMRig miner settings ("randomx", "donate-level" with pools)' },
      ],
    },
    {
      path: 'start.sh',
      content: '#!/bin/sh\nnohup /tmp/.cache/xmrig --donate-level 1 -o pool.example.net:443 &\n',
      findings: [
        { startLine: 2, startColumn: 19, endLine: 2, endColumn: 40, message: 'Cryptocurrency miner started with pool or wallet options' },
      ],
    },
  ],
});
