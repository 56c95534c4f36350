import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-add-remote-url.js';

testRule(rule, {
  valid: [
    { path: 'Dockerfile', content: `FROM alpine:3.20\nADD --checksum=sha256:${'a'.repeat(64)} https://x.example/a.tgz /opt/\n` },
    {
      name: 'local files and git sources',
      path: 'Dockerfile',
      content: 'FROM alpine:3.20\nADD app.tar.gz /opt/\nADD https://github.com/org/repo.git#v1.2.3 /src\nCOPY https.txt /x\n',
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content:
        'FROM alpine:3.20\nADD --chown=app https://x.example/tool.tgz \\\n    http://y.example/tok.json https://x.example/model.gguf /opt/\n',
      findings: [
        {
          startLine: 2,
          startColumn: 17,
          endLine: 2,
          endColumn: 43,
          message: 'ADD downloads https://x.example/tool.tgz without --checksum',
        },
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 30, message: 'ADD downloads http://y.example/tok.json without --checksum' },
      ],
    },
  ],
});
