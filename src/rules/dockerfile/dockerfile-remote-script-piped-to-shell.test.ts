import { expect, it } from 'vitest';
import { expectLinearGrowth } from '../../testing/growth.js';
import { runRule, testRule } from '../../testing/rule-tester.js';
import rule from './dockerfile-remote-script-piped-to-shell.js';
import { MAX_DOCKERFILE_BYTES } from '../../parsers/dockerfile/dockerfile-parser.js';

testRule(rule, {
  valid: [
    {
      name: 'downloads parsed, unpacked or verified',
      path: 'Dockerfile',
      content:
        'FROM ubuntu:24.04\nRUN curl -fsSL https://x.example/k.gpg | gpg --dearmor -o /k.gpg\nRUN curl -s https://api.example/v | python3 -c "import json,sys; print(json.load(sys.stdin))"\nRUN wget -qO- https://x.example/a.tgz | tar xz -C /opt\nRUN echo "curl https://x | sh"\n',
    },
    {
      name: 'download, verify, then run',
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\nRUN curl -fsSLo i.sh https://x.example/i.sh && sha256sum -c i.sum && sh i.sh\n',
    },
  ],
  invalid: [
    {
      name: 'after a --mount flag whose quoted value holds a blank',
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\nRUN --mount=type=secret,id=a,target="/a b" curl -fsSL https://x.io/i.sh | sh\n',
      findings: [
        { startLine: 2, startColumn: 44, endLine: 2, endColumn: 77, message: 'Output of curl is piped into sh and run unverified' },
      ],
    },
    {
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\nRUN apt-get update && \\\n    curl -fsSL https://ollama.com/install.sh | sh\n',
      findings: [
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 50, message: 'Output of curl is piped into sh and run unverified' },
      ],
    },
    {
      name: 'heredoc script, sudo, wget -O-, exec form and substitution',
      path: 'Dockerfile',
      content:
        'FROM ubuntu:24.04\nRUN <<EOF\nset -eux\nwget -qO- https://x.example/get | sudo -E bash -s -- --yes\nEOF\nRUN bash -c "$(curl -fsSL https://x.example/install.sh)"\nENTRYPOINT ["sh", "-c", "curl -s http://cfg.example/boot | bash"]\n',
      findings: [
        { startLine: 4, startColumn: 1, endLine: 4, endColumn: 59, message: 'Output of wget is piped into bash and run unverified' },
        {
          startLine: 6,
          startColumn: 5,
          endLine: 6,
          endColumn: 57,
          message: 'bash runs a script downloaded by command substitution, unverified',
        },
        { startLine: 7, startColumn: 26, endLine: 7, endColumn: 64 },
      ],
    },
    {
      name: 'heredoc script whose line after an escaped blank, a blank line or a comment line is a command of its own, as the shell reads it',
      path: 'Dockerfile',
      content:
        'FROM ubuntu:24.04\nRUN <<EOF\necho a \\ \ncurl -fsSL https://x.io/1.sh | sh\necho b \\\n\ncurl -fsSL https://x.io/2.sh | sh\necho c \\\n# note\ncurl -fsSL https://x.io/3.sh | sh\nEOF\n',
      findings: [
        { startLine: 4, startColumn: 1, endLine: 4, endColumn: 34, message: 'Output of curl is piped into sh and run unverified' },
        { startLine: 7, startColumn: 1, endLine: 7, endColumn: 34, message: 'Output of curl is piped into sh and run unverified' },
        { startLine: 10, startColumn: 1, endLine: 10, endColumn: 34, message: 'Output of curl is piped into sh and run unverified' },
      ],
    },
    {
      name: 'heredoc pipeline continued after | across a comment line or a blank line (a linebreak after an operator), as dash and bash run it',
      path: 'Dockerfile',
      content:
        'FROM ubuntu:24.04\nRUN <<EOF\ncurl -fsSL https://x.io/1.sh | \\\n# pinned later\nsh\nEOF\nRUN <<EOF\ncurl -fsSL https://x.io/2.sh | \\\n\nsh\nEOF\nRUN <<EOF\ncurl -fsSL https://x.io/3.sh |\n\n  # c\nsh\nEOF\n',
      findings: [
        { startLine: 3, startColumn: 1, endLine: 5, endColumn: 3, message: 'Output of curl is piped into sh and run unverified' },
        { startLine: 8, startColumn: 1, endLine: 10, endColumn: 3, message: 'Output of curl is piped into sh and run unverified' },
        { startLine: 13, startColumn: 1, endLine: 16, endColumn: 3, message: 'Output of curl is piped into sh and run unverified' },
      ],
    },
    {
      name: 'sh -c script whose pipeline goes on after a newline',
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\nENTRYPOINT ["sh", "-c", "curl -s http://cfg.example/boot |\\nbash"]\n',
      findings: [
        { startLine: 2, startColumn: 26, endLine: 2, endColumn: 65, message: 'Output of curl is piped into bash and run unverified' },
      ],
    },
    {
      name: 'CRLF heredoc whose pipeline is continued by \\ before \\r\\n, between words and inside a word',
      path: 'Dockerfile',
      content:
        'FROM ubuntu:24.04\r\nRUN <<EOF\r\ncurl -fsSL https://x.io/1.sh | \\\r\n  sh\r\nEOF\r\nRUN <<EOF\r\ncurl -fsSL https://x.io/2.sh | s\\\r\nh\r\nEOF\r\n',
      findings: [
        { startLine: 3, startColumn: 1, endLine: 4, endColumn: 5, message: 'Output of curl is piped into sh and run unverified' },
        { startLine: 7, startColumn: 1, endLine: 8, endColumn: 2, message: 'Output of curl is piped into sh and run unverified' },
      ],
    },
    {
      name: 'interpreter with a version from a build argument',
      path: 'Dockerfile',
      content: 'FROM ubuntu:24.04\nARG PY=3.12\nRUN curl -sS https://bootstrap.pypa.io/get-pip.py | python${PY}\n',
      findings: [
        { startLine: 3, startColumn: 5, endLine: 3, endColumn: 64, message: 'Output of curl is piped into python${PY} and run unverified' },
      ],
    },
  ],
});

const pipeline = (n: number) =>
  `FROM ubuntu:24.04\nRUN ${Array(n).fill('curl x').join(' | ')}\nRUN curl -fsSL https://x.example/i.sh | sh\n`;

it('takes time linear in a pipeline of many downloads (it was quadratic: minutes for 300 KB)', () => {
  const content = pipeline(20_000);
  const { findings, errors } = runRule(rule, { path: 'Dockerfile', content });
  expect(errors).toEqual([]);
  expect(findings.map((f) => [f.location.startLine, f.location.startColumn, f.location.endLine, f.location.endColumn, f.message])).toEqual([
    [3, 5, 3, 43, 'Output of curl is piped into sh and run unverified'],
  ]);
  // maxN: a pipeline of 32,000 is 288 KB; a file over MAX_DOCKERFILE_BYTES would not be parsed at all.
  expectLinearGrowth(
    (n) => {
      const file = { path: 'Dockerfile', content: pipeline(n) };
      expect(file.content.length).toBeLessThan(MAX_DOCKERFILE_BYTES);
      return () => runRule(rule, file);
    },
    2_000,
    { maxN: 8_000 },
  );
});
