import { testRule } from '../../testing/rule-tester.js';
import rule from './os-end-of-life.js';

// The rule tester scans on 2026-01-01.
testRule(rule, {
  valid: [
    { path: 'usr/lib/os-release', content: 'ID=ubuntu\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\n' },
    {
      name: 'Alpine 3.20 is supported until 2026-04-01',
      path: 'etc/os-release',
      content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n',
    },
    { name: 'a release the table does not know', path: 'etc/os-release', content: 'ID=arch\nBUILD_ID=rolling\n' },
    { name: 'not an os-release', path: 'etc/os-release.bak', content: 'ID=debian\nVERSION_ID="9"\n' },
  ],
  invalid: [
    {
      path: 'etc/os-release',
      content: 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.14.0\nPRETTY_NAME="Alpine Linux v3.14"\n',
      findings: [
        {
          startLine: 3,
          startColumn: 1,
          endLine: 3,
          endColumn: 18,
          severity: 'high',
          message: 'Alpine Linux v3.14 reached its end of life on 2023-05-01: its packages get no more security updates',
        },
      ],
    },
    {
      name: 'CentOS 7 in an image root',
      path: 'image/usr/lib/os-release',
      content:
        'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\nPRETTY_NAME="CentOS Linux 7 (Core)"\n',
      findings: [
        {
          startLine: 5,
          startColumn: 1,
          endLine: 5,
          endColumn: 15,
          message: /^CentOS Linux 7 \(Core\) reached its end of life on 2024-06-30/,
        },
      ],
    },
  ],
});
