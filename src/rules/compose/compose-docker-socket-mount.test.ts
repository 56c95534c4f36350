import { testRule } from '../../testing/rule-tester.js';
import rule from './compose-docker-socket-mount.js';

testRule(rule, {
  valid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  a:\n    image: x:1\n    volumes:\n      - ./docker.sock.md:/doc.md\n      - docker.sock:/data\n      - type: volume\n        source: run\n        target: /run\n',
    },
  ],
  invalid: [
    {
      path: 'compose.yaml',
      content:
        'services:\n  agent:\n    image: x:1\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n      - type: bind\n        source: /run/containerd/containerd.sock\n        target: /c.sock\n      - /var/run:/host-run\n',
      findings: [
        {
          startLine: 5,
          startColumn: 9,
          endLine: 5,
          endColumn: 53,
          message: "Service 'agent' mounts the container runtime socket /var/run/docker.sock (read-only does not restrict the API)",
          objectPath: '/services/agent/volumes/0',
        },
        {
          startLine: 6,
          startColumn: 9,
          endLine: 8,
          endColumn: 24,
          message: "Service 'agent' mounts the container runtime socket /run/containerd/containerd.sock",
        },
        { startLine: 9, startColumn: 9, endLine: 9, endColumn: 27 },
      ],
    },
  ],
});
