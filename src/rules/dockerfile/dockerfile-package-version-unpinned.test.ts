import { testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-package-version-unpinned.js';

testRule(rule, {
  valid: [
    {
      path: 'Dockerfile',
      content:
        'FROM debian:12\nRUN apt-get update && apt-get -o Acquire::Retries=3 install -y --no-install-recommends curl=7.88.1-10+deb12u8 ./local.deb ${EXTRA}\nRUN apk add --no-cache --virtual .build git=2.45.2-r0 && dnf install -y python3-3.12.1 @development\nRUN echo apt-get install curl\n',
    },
  ],
  invalid: [
    {
      path: 'Dockerfile',
      content:
        'FROM debian:12\nRUN apt-get update \\\n && apt-get install -y curl git=1:2.39.5-0+deb12u1 wget ca-certificates jq\nRUN apk add --no-cache -t .deps bash\nRUN microdnf install -y python3\n',
      findings: [
        {
          startLine: 3,
          startColumn: 5,
          endLine: 3,
          endColumn: 75,
          severity: 'low',
          message: 'apt-get installs curl, wget, ca-certificates and 1 more without a pinned version (e.g. curl=8.5.0-2ubuntu10)',
        },
        {
          startLine: 4,
          startColumn: 5,
          endLine: 4,
          endColumn: 37,
          message: 'apk installs bash without a pinned version (e.g. curl=8.9.1-r2)',
        },
        { startLine: 5, startColumn: 5, endLine: 5, endColumn: 32, message: /microdnf installs python3/ },
      ],
    },
  ],
});
