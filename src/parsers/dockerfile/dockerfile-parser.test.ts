import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { DEFAULT_LIMITS, ParseFailure } from '../../core/parser.js';
import { expectLinearGrowth } from '../../testing/growth.js';
import { MAX_DOCKERFILE_BYTES, dockerfileParser, isDockerfileName, parseDockerfile } from './dockerfile-parser.js';
import { parseImageRef, substituteVariables } from './image-ref.js';
import { LogicalText } from './logical-text.js';
import { shellScriptIndex, type DockerfileDocument } from './dockerfile-document.js';

const parse = (text: string, path = 'Dockerfile'): DockerfileDocument => parseDockerfile(new MemorySourceFile(path, text));
const at = (doc: DockerfileDocument, s: { start: number; end: number }): string => doc.file.text().slice(s.start, s.end);

describe('dockerfile parser', () => {
  it('matches Dockerfile names only', () => {
    for (const p of [
      'Dockerfile',
      'a/b/Dockerfile',
      'Containerfile',
      'Dockerfile.gpu',
      'Dockerfile-dev',
      'Dockerfile_prod',
      'api.Dockerfile',
      'x/serve.containerfile',
      'dockerfile',
    ])
      expect(isDockerfileName(p), p).toBe(true);
    for (const p of [
      'Dockerfile.dockerignore',
      'Dockerfiles/readme',
      'README.md',
      'Dockerfile.md',
      'my-dockerfile-notes',
      'docker-compose.yml',
    ])
      expect(isDockerfileName(p), p).toBe(false);
  });

  it('reads stages, names, ARG-substituted base images and the final stage', () => {
    const doc = parse(`# syntax=docker/dockerfile:1.7
ARG PY=3.12
ARG REGISTRY=ghcr.io/acme
FROM python:\${PY}-slim AS Build
RUN pip wheel -w /w .
FROM \${REGISTRY}/runtime@sha256:${'a'.repeat(64)} AS runtime
COPY --from=build /w /w
FROM runtime
USER 1000
`);
    expect(doc.directives).toEqual([{ name: 'syntax', value: 'docker/dockerfile:1.7', span: { start: 0, end: 30 } }]);
    expect(doc.stages.map((s) => [s.name, s.resolvedImage, s.baseStage, s.isFinal])).toEqual([
      ['build', 'python:3.12-slim', undefined, false],
      ['runtime', `ghcr.io/acme/runtime@sha256:${'a'.repeat(64)}`, undefined, false],
      [undefined, 'runtime', 1, true],
    ]);
    expect(doc.stages[0].image).toMatchObject({ registry: 'docker.io', repository: 'python', tag: '3.12-slim', explicitRegistry: false });
    expect(doc.stages[1].image).toMatchObject({ registry: 'ghcr.io', repository: 'acme/runtime', digest: `sha256:${'a'.repeat(64)}` });
    expect(at(doc, doc.stages[0].imageSpan)).toBe('python:${PY}-slim');
    expect(doc.finalStage?.index).toBe(2);
    expect(doc.lineage(doc.finalStage!).map((s) => s.index)).toEqual([2, 1]);
    expect(doc.stageByRef('BUILD')?.index).toBe(0);
    const copy = doc.byKeyword('COPY')[0];
    expect(copy.flag('from')?.value).toBe('build');
    expect(copy.stage).toBe(1);
    expect(doc.instructions.filter((i) => i.stage === -1).map((i) => i.keyword)).toEqual(['ARG', 'ARG']);
  });

  it('expands ARG defaults that refer to earlier ARGs, and ENV in stage scope', () => {
    const doc = parse(
      'ARG REGISTRY=quay.io\nARG OWNER=jupyter\nARG BASE=$REGISTRY/$OWNER/scipy-notebook\nFROM $BASE\nARG OWNER\nENV HOME_DIR=/home/${OWNER}\nUSER x\n',
    );
    expect(doc.stages[0].resolvedImage).toBe('quay.io/jupyter/scipy-notebook');
    expect(doc.variablesAt(doc.byKeyword('USER')[0]).get('HOME_DIR')).toBe('/home/jupyter');
  });

  it('variables at the end of a stage take every ENV and ARG of the stage, the last one set winning', () => {
    const doc = parse('FROM debian:12 AS base\nENV A=1 B=""\nFROM base\nARG C\nENV B=2\nCMD x\nENV A=3\nARG D=\n');
    expect(doc.variablesAt(doc.byKeyword('CMD')[0])).toEqual(
      new Map([
        ['A', '1'],
        ['B', '2'],
        ['C', null],
      ]),
    );
    expect(doc.variablesAtEnd(doc.stages[1])).toEqual(
      new Map([
        ['A', '3'],
        ['B', '2'],
        ['C', null],
        ['D', ''],
      ]),
    );
    expect(doc.variablesAtEnd(doc.stages[0])).toEqual(
      new Map([
        ['A', '1'],
        ['B', ''],
      ]),
    );
    // What a container starts with: the ENVs only, an ARG exists while the image is built.
    expect(doc.environmentAtEnd(doc.stages[1])).toEqual(
      new Map([
        ['A', '3'],
        ['B', '2'],
      ]),
    );
  });

  it('joins continuation lines, drops comment lines inside them and keeps exact positions', () => {
    const text =
      'FROM debian:12\nRUN apt-get update && \\\n    # a comment\n    apt-get install -y curl \\\n && rm -rf /var/lib/apt/lists/*\n';
    const doc = parse(text);
    const run = doc.byKeyword('RUN')[0];
    expect(run.command?.text).toBe('apt-get update &&     apt-get install -y curl  && rm -rf /var/lib/apt/lists/*');
    expect(run.line).toBe(2);
    const [script] = doc.shell(run);
    expect(script.commands.map((c) => c.program)).toEqual(['apt-get', 'apt-get', 'rm']);
    const curl = script.commands[1].args[2];
    expect(curl.value).toBe('curl');
    expect(text.slice(curl.span.start, curl.span.end)).toBe('curl');
    expect(doc.locate(script.commands[1].span).range).toEqual({ startLine: 4, startColumn: 5, endLine: 4, endColumn: 28 });
  });

  it('keeps redirections out of the command separators', () => {
    const doc = parse('FROM a:1\nRUN curl -fsSL https://x.example/i 2>&1 | sh && make >/dev/null 2>&1 &>log; echo done &\n');
    const [script] = doc.shell(doc.byKeyword('RUN')[0]);
    expect(script.commands.map((c) => [c.program, c.pipeIndex, c.args.map((a) => a.value).join(' ')])).toEqual([
      ['curl', 0, '-fsSL https://x.example/i 2>&1'],
      ['sh', 1, ''],
      ['make', 0, '>/dev/null 2>&1 &>log'],
      ['echo', 0, 'done'],
    ]);
  });

  it('skips the bodies of here-documents inside shell scripts', () => {
    const doc = parse(
      "FROM a:1\nRUN <<EOF\ncat > /etc/x.conf <<'CONF'\nsudo = false\ncurl | sh\nCONF\nchmod 644 /etc/x.conf\ncat <<-END >> /y\n\tsudo x\n\tEND\nls\nEOF\n",
    );
    const cmds = doc.shell(doc.byKeyword('RUN')[0]).flatMap((sc) => sc.commands.filter((c) => c.name).map((c) => c.program));
    expect(cmds).toEqual(['cat', 'chmod', 'cat', 'ls']);
  });

  it('honours the escape directive', () => {
    const text = '# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo a `\n  && echo b\n';
    const doc = parse(text);
    expect(doc.escapeChar).toBe('`');
    expect(doc.byKeyword('RUN')[0].command?.text).toBe('echo a   && echo b');
  });

  it('reads BuildKit heredocs and tells scripts from data', () => {
    const text =
      'FROM alpine:3.20\nRUN <<EOF\nset -e\ncurl -fsSL https://x.example/i.sh | sh\nEOF\nRUN python3 <<PY\nimport os\nPY\nCOPY <<CONF /etc/app.conf\nkey=value\nCONF\nRUN bash <<-SH\n\techo hi\nSH\n';
    const doc = parse(text);
    const [r1, r2, r3] = doc.byKeyword('RUN');
    expect(r1.heredocs.map((h) => [h.name, h.isScript, h.content.text])).toEqual([
      ['EOF', true, 'set -e\ncurl -fsSL https://x.example/i.sh | sh'],
    ]);
    expect(r2.heredocs[0].isScript).toBe(false);
    expect(r3.heredocs[0].isScript).toBe(true);
    const shebangs = parse('FROM a:1\nRUN <<EOF\n#!/usr/bin/env python3\nimport os\nEOF\nRUN <<EOF\n#!/bin/bash\necho hi\nEOF\n').byKeyword(
      'RUN',
    );
    expect(shebangs.map((r) => r.heredocs[0].isScript)).toEqual([false, true]);
    expect(doc.byKeyword('COPY')[0].heredocs[0].isScript).toBe(false);
    const scripts = doc.shell(r1);
    const cmds = scripts.flatMap((s) => s.commands);
    const sh = cmds.find((c) => c.program === 'sh')!;
    expect(sh.pipeIndex).toBe(1);
    expect(scripts[scripts.length - 1].pipelineOf(sh).map((c) => c.program)).toEqual(['curl', 'sh']);
    expect(doc.locate(sh.span).range).toEqual({ startLine: 4, startColumn: 37, endLine: 4, endColumn: 39 });
    expect(
      doc
        .shell(r2)
        .flatMap((s) => s.commands)
        .map((c) => c.program),
    ).toEqual(['python3']);
  });

  it('decodes exec forms and sh -c scripts', () => {
    const text =
      'FROM x:1\nCMD ["python", "-m", "vllm.entrypoints.openai.api_server", "--trust-remote-code"]\nENTRYPOINT ["/bin/sh", "-c", "curl -s http://a | bash"]\n';
    const doc = parse(text);
    const cmd = doc.byKeyword('CMD')[0];
    expect(cmd.execForm?.map((e) => e.text)).toEqual(['python', '-m', 'vllm.entrypoints.openai.api_server', '--trust-remote-code']);
    expect(cmd.command).toBeUndefined();
    const flag = doc.shell(cmd)[0].commands[0].args[2];
    expect(text.slice(flag.span.start, flag.span.end)).toBe('--trust-remote-code');
    const ep = doc.shell(doc.byKeyword('ENTRYPOINT')[0])[0];
    expect(ep.commands.map((c) => c.program)).toEqual(['curl', 'bash']);
  });

  it('finds the script a shell runs from its command line', () => {
    expect(shellScriptIndex(['/bin/sh', '-c', 'x'])).toBe(2);
    expect(shellScriptIndex(['bash', '-c'])).toBe(2);
    expect(shellScriptIndex(['/bin/busybox', 'sh', '-c', 'x'])).toBe(3);
    expect(shellScriptIndex(['busybox', 'ash', '-c', 'x'])).toBe(3);
    expect(shellScriptIndex(['busybox', 'wget', '-c', 'x'])).toBeUndefined();
    expect(shellScriptIndex(['sh', 'script.sh'])).toBeUndefined();
    expect(shellScriptIndex(['python', '-c', 'x'])).toBeUndefined();
  });

  it('finds the script past the options a shell is given before it', () => {
    expect(shellScriptIndex(['bash', '-lc', 'x'])).toBe(2);
    expect(shellScriptIndex(['sh', '-ec', 'x'])).toBe(2);
    expect(shellScriptIndex(['/bin/bash', '-l', '-c', 'x'])).toBe(3);
    expect(shellScriptIndex(['bash', '-o', 'pipefail', '-c', 'x'])).toBe(4);
    expect(shellScriptIndex(['bash', '-eo', 'pipefail', '-c', 'x'])).toBe(4);
    expect(shellScriptIndex(['bash', '--login', '--noprofile', '-c', 'x'])).toBe(4);
    expect(shellScriptIndex(['bash', '--rcfile', 'rc', '-ic', 'x'])).toBe(4);
    expect(shellScriptIndex(['sh', '-c', '--', 'x'])).toBe(3);
    expect(shellScriptIndex(['busybox', 'sh', '-ec', 'x'])).toBe(3);
    expect(shellScriptIndex(['bash', '-e', 'script.sh'])).toBeUndefined();
    expect(shellScriptIndex(['bash', '-o', 'c', 'script.sh'])).toBeUndefined();
    expect(shellScriptIndex(['sh', '--', '-c'])).toBeUndefined();
  });

  it('reads the script of busybox sh -c as a script', () => {
    const doc = parse('FROM x:1\nRUN ["/bin/busybox", "sh", "-c", "wget -qO- http://a | sh"]\n');
    expect(
      doc
        .shell(doc.byKeyword('RUN')[0])
        .flatMap((s) => s.commands)
        .map((c) => c.program),
    ).toEqual(['wget', 'sh']);
  });

  it('reads ENV and ARG pairs with value spans', () => {
    const text = 'FROM x:1\nENV A=1 B="two words"\nARG TOKEN\nENV LEGACY value with spaces\n';
    const doc = parse(text);
    const [env1, env2] = doc.byKeyword('ENV');
    expect(env1.properties.map((p) => [p.name, p.value, p.valueSpan && text.slice(p.valueSpan.start, p.valueSpan.end)])).toEqual([
      ['A', '1', '1'],
      ['B', 'two words', '"two words"'],
    ]);
    expect(doc.byKeyword('ARG')[0].properties[0]).toMatchObject({ name: 'TOKEN', value: null });
    expect(env2.properties[0]).toMatchObject({ name: 'LEGACY', value: 'value with spaces' });
  });

  it('hands a heredoc body over as written: the shell joins continuations by backslash parity, not BuildKit\'s line rule', () => {
    const text = 'FROM a\nRUN <<EOF\necho a\\\\\\\ncurl x | sh\necho b\\\\\ncurl y | sh\necho c \\\n\ncurl z | sh\nEOF\n';
    const doc = parse(text);
    const run = doc.instructions[1];
    const body = 'echo a\\\\\\\ncurl x | sh\necho b\\\\\ncurl y | sh\necho c \\\n\ncurl z | sh';
    expect(run.heredocs.map((h) => [h.content.text, at(doc, h.content.span(0, h.content.text.length))])).toEqual([[body, body]]);
    const commands = doc.shell(run)[1].commands;
    expect(commands.map((c) => [c.program, c.args.map((a) => a.value), at(doc, c.span)])).toEqual([
      ['echo', ['a\\curl', 'x'], 'echo a\\\\\\\ncurl x'],
      ['sh', [], 'sh'],
      ['echo', ['b\\'], 'echo b\\\\'],
      ['curl', ['y'], 'curl y'],
      ['sh', [], 'sh'],
      ['echo', ['c'], 'echo c'],
      ['curl', ['z'], 'curl z'],
      ['sh', [], 'sh'],
    ]);
  });

  it('handles CRLF line ends, empty files and non-Dockerfile content without throwing', () => {
    const doc = parse('FROM a:1\r\nRUN echo a \\\r\n  b\r\nUSER app\r\n');
    expect(doc.byKeyword('RUN')[0].command?.text).toBe('echo a   b');
    expect(doc.locate(doc.byKeyword('USER')[0].span).range).toEqual({ startLine: 4, startColumn: 1, endLine: 4, endColumn: 9 });
    expect(parse('').stages).toEqual([]);
    expect(parse('{"not": "a dockerfile"}\n\u0000').instructions.length).toBeGreaterThanOrEqual(0);
  });

  it('opens no here-document at a << inside quotes, and one at 0<<EOF, as BuildKit splits words', () => {
    const quoted = parse('FROM ubuntu\nRUN echo "use <<EOF to start a heredoc"\nUSER root\nEXPOSE 22\nRUN curl https://x | sh\n');
    expect(quoted.instructions.map((i) => [i.keyword, i.line, at(quoted, i.span)])).toEqual([
      ['FROM', 1, 'FROM ubuntu'],
      ['RUN', 2, 'RUN echo "use <<EOF to start a heredoc"'],
      ['USER', 3, 'USER root'],
      ['EXPOSE', 4, 'EXPOSE 22'],
      ['RUN', 5, 'RUN curl https://x | sh'],
    ]);
    const fd = parse('FROM ubuntu\nRUN cat 0<<EOF > /etc/motd\nEXPOSE 22 is documented\nEOF\nUSER app\n');
    expect(fd.instructions.map((i) => [i.keyword, i.line])).toEqual([
      ['FROM', 1],
      ['RUN', 2],
      ['USER', 5],
    ]);
    expect(fd.instructions[1].heredocs.map((h) => [h.name, h.content.text])).toEqual([['EOF', 'EXPOSE 22 is documented']]);
    expect(fd.instructions[1].command?.text).toBe('cat 0<<EOF > /etc/motd');
  });

  it('takes a bare CR for a character of its line, as BuildKit\'s scanner splits lines at LF alone', () => {
    const doc = parse('FROM a\rRUN curl https://x | sh\rUSER root\r');
    expect(doc.instructions.map((i) => [i.keyword, i.span, at(doc, i.span), i.args.length])).toEqual([
      ['FROM', { start: 0, end: 40 }, 'FROM a\rRUN curl https://x | sh\rUSER root', 8],
    ]);
    expect(doc.errors).toEqual([{ message: 'FROM requires either one or three arguments', line: 1 }]);
    const mixed = parse('FROM a\r\nUSER b\rUSER c\nUSER d\r\r\nUSER e\r');
    expect(mixed.instructions.map((i) => at(mixed, i.span))).toEqual(['FROM a', 'USER b\rUSER c', 'USER d', 'USER e']);
    const comment = parse('FROM a\n# note\rRUN curl https://x | sh\nUSER app\n');
    expect(comment.instructions.map((i) => i.keyword)).toEqual(['FROM', 'USER']);
    const directives = parse('# syntax=x\r# escape=`\nFROM a\n');
    expect([directives.escapeChar, directives.directives.map((d) => [d.name, d.value])]).toEqual(['\\', [['syntax', 'x\r# escape=`']]]);
    const heredoc = parse('FROM a\nRUN <<EOF\necho x\nEOF\rUSER root\nEOF\r\r\nUSER app\n');
    expect(heredoc.instructions.map((i) => [i.keyword, i.heredocs.map((h) => h.content.text)])).toEqual([
      ['FROM', []],
      ['RUN', ['echo x\nEOF\rUSER root']],
      ['USER', []],
    ]);
    expect(heredoc.instructions[2].line).toBe(6);
  });

  // splitCommand and parseStringsWhitespaceDelimited split at reWhitespace ([\t\v\f\r ]), extractBuilderFlags
  // at unicode.IsSpace; after a continuation a line of spaces is empty and a spaced # line a comment.
  it('takes \\v and \\f for blanks between the keyword, the flags and the words, as BuildKit does', () => {
    const doc = parse('FROM\va\vAS\fb\nCOPY --chown=1\v--from=b\f/x /y\nUSER\froot\nRUN echo a \\\n\v\n\f# c\n  b | sh\nUSER app\n');
    expect(doc.instructions.map((i) => [i.keyword, i.flags.map((f) => [f.name, f.value]), i.args.map((a) => a.value)])).toEqual([
      ['FROM', [], ['a', 'AS', 'b']],
      [
        'COPY',
        [
          ['chown', '1'],
          ['from', 'b'],
        ],
        ['/x', '/y'],
      ],
      ['USER', [], ['root']],
      ['RUN', [], ['echo', 'a', 'b', '|', 'sh']],
      ['USER', [], ['app']],
    ]);
    expect(doc.stages.map((s) => s.name)).toEqual(['b']);
    expect(doc.instructions[3].command?.text).toBe('echo a   b | sh');
    expect(doc.errors).toEqual([]);
    const heredoc = parse('FROM a\nRUN\f<<EOF\vcat\nx\nEOF\n');
    expect(heredoc.instructions.map((i) => [i.keyword, i.heredocs.map((h) => h.content.text)])).toEqual([
      ['FROM', []],
      ['RUN', ['x']],
    ]);
  });

  it('gives an empty here-document at the end of the file an empty body after its line', () => {
    const doc = parse('FROM a\nRUN cat <<EOF\n');
    const [h] = doc.instructions[1].heredocs;
    expect([h.name, h.content.text, h.contentSpan]).toEqual(['EOF', '', { start: 20, end: 20 }]);
    expect(doc.instructions[1].command?.text).toBe('cat <<EOF');
  });

  it('takes the flags of a RUN from its leading --words only, as BuildKit does', () => {
    const [run] = parse('FROM a:1\nRUN echo--x --y z\n').byKeyword('RUN');
    expect(run.flags).toEqual([]);
    expect(run.command?.text).toBe('echo--x --y z');
    const [mount] = parse('FROM a:1\nRUN --mount=type=cache,target=/r --network=none pip install x\n').byKeyword('RUN');
    expect(
      mount.flags.map((f) => [
        f.name,
        f.value,
        at(parse('FROM a:1\nRUN --mount=type=cache,target=/r --network=none pip install x\n'), f.span),
      ]),
    ).toEqual([
      ['mount', 'type=cache,target=/r', '--mount=type=cache,target=/r'],
      ['network', 'none', '--network=none'],
    ]);
    expect(mount.command?.text).toBe('pip install x');
  });

  it('reads a RUN as the exec form only when its arguments are a JSON array of strings, continuations joined', () => {
    const text = 'FROM a:1\nRUN ["sh", "-c", "a"]; curl x | sh\nRUN [ "sh", \\\n  "-c", "b\\"c" ]\n';
    const doc = parse(text);
    const [shell, exec] = doc.byKeyword('RUN');
    expect(shell.execForm).toBeUndefined();
    expect(shell.command?.text).toBe('["sh", "-c", "a"]; curl x | sh');
    expect(exec.execForm?.map((e) => [e.text, at(doc, e.span(0, e.text.length))])).toEqual([
      ['sh', 'sh'],
      ['-c', '-c'],
      ['b"c', 'b\\"c'],
    ]);
  });

  it('ends a RUN command line before its here-document bodies, without the CR of a CRLF', () => {
    const doc = parse('FROM a:1\r\nRUN --mount=type=cache,target=/r <<EOF\r\necho x\r\nEOF\r\n');
    const [run] = doc.byKeyword('RUN');
    expect(run.command?.text).toBe('<<EOF');
    expect(run.args.map((a) => a.value)).toEqual(['<<EOF']);
    expect(run.heredocs.map((h) => [h.name, h.content.text, at(doc, h.contentSpan)])).toEqual([['EOF', 'echo x', 'echo x']]);
    expect(doc.locate(run.span).range).toEqual({ startLine: 2, startColumn: 1, endLine: 4, endColumn: 4 });
  });

  it('ends instructions where BuildKit does: a COPY or ADD word it takes for no here-document opens none', () => {
    const lines = (doc: DockerfileDocument) =>
      doc.instructions.map((i) => [i.keyword, i.line, at(doc, i.span), i.heredocs.map((h) => h.name)]);
    const escaped = parse('FROM a\nADD \\<<EOF /x\nUSER root\nEOF\n');
    expect(lines(escaped)).toEqual([
      ['FROM', 1, 'FROM a', []],
      ['ADD', 2, 'ADD \\<<EOF /x', []],
      ['USER', 3, 'USER root', []],
      ['EOF', 4, 'EOF', []],
    ]);
    expect(escaped.locate(escaped.byKeyword('USER')[0].span).range).toEqual({ startLine: 3, startColumn: 1, endLine: 3, endColumn: 10 });
    const nameless = parse('FROM a\nCOPY <<- /x\nUSER root\nRUN curl x | sh\n-\nUSER app\n');
    expect(lines(nameless).map(([k, l]) => [k, l])).toEqual([
      ['FROM', 1],
      ['COPY', 2],
      ['USER', 3],
      ['RUN', 4],
      ['-', 5],
      ['USER', 6],
    ]);
    expect(at(nameless, nameless.instructions[1].span)).toBe('COPY <<- /x');
    const quotedEmpty = parse("FROM a\nCOPY <<'' /x\nUSER root\n\nUSER app\n");
    expect(lines(quotedEmpty)).toEqual([
      ['FROM', 1, 'FROM a', []],
      ['COPY', 2, "COPY <<'' /x", []],
      ['USER', 3, 'USER root', []],
      ['USER', 5, 'USER app', []],
    ]);
    // A here-document BuildKit opens still takes its body, and its words are no arguments of the COPY.
    const copy = parse('FROM a\nCOPY --chmod=600 <<EOF /etc/x\nUSER root\nEOF\nUSER app\n');
    expect(lines(copy)).toEqual([
      ['FROM', 1, 'FROM a', []],
      ['COPY', 2, 'COPY --chmod=600 <<EOF /etc/x\nUSER root\nEOF', ['EOF']],
      ['USER', 5, 'USER app', []],
    ]);
    expect(copy.instructions[1].args.map((a) => a.value)).toEqual(['<<EOF', '/etc/x']);
    expect(copy.instructions[1].flags.map((f) => [f.name, f.value])).toEqual([['chmod', '600']]);
  });

  it('reads an exec form as BuildKit does: JSON of the whole line, continuations joined, else the shell form', () => {
    const doc = parse('FROM a\nCMD ["a"] && b\nENTRYPOINT ["/bin/sh", "-c", "echo \\\n  $A"]\nENTRYPOINT ["sh", "-c", "a\tb"]\n');
    const [trailing, split, tab] = doc.instructions.slice(1);
    expect(trailing.execForm).toBeUndefined();
    expect(trailing.command?.text).toBe('["a"] && b');
    expect(split.execForm?.map((e) => e.text)).toEqual(['/bin/sh', '-c', 'echo   $A']);
    // A raw tab is no JSON: BuildKit runs the line with a shell (the old exec form dropped the script).
    expect(tab.execForm).toBeUndefined();
    expect(tab.command?.text).toBe('["sh", "-c", "a\tb"]');
    const backtick = parse('# escape=`\nFROM a\nCMD ["a", `\n  "b"]\n');
    expect(backtick.instructions[1].execForm?.map((e) => e.text)).toEqual(['a', 'b']);
  });

  it('reads FROM, ONBUILD and HEALTHCHECK from the reader: image, stage name, flags and arguments', () => {
    const doc = parse(
      'FROM --platform=$P python:3.12 \\\n  AS Base\nONBUILD RUN <<EOF\necho hi\nEOF\nHEALTHCHECK --interval=5s CMD curl -f x\n',
    );
    expect(doc.stages[0]).toMatchObject({ name: 'base', imageText: 'python:3.12', resolvedImage: 'python:3.12' });
    expect(at(doc, doc.stages[0].imageSpan)).toBe('python:3.12');
    expect(doc.instructions[0].flags.map((f) => [f.name, f.value])).toEqual([['platform', '$P']]);
    const onbuild = doc.instructions[1];
    expect([onbuild.keyword, at(doc, onbuild.span), onbuild.args.map((a) => a.value), onbuild.flags]).toEqual([
      'ONBUILD',
      'ONBUILD RUN <<EOF\necho hi\nEOF',
      ['RUN', '<<EOF'],
      [],
    ]);
    const health = doc.instructions[2];
    expect([health.flags.map((f) => f.name), health.args.map((a) => a.value), health.command?.text]).toEqual([
      ['interval'],
      ['CMD', 'curl', '-f', 'x'],
      'curl -f x',
    ]);
  });

  it('reads HEALTHCHECK CMD [ … ] as the exec form, as BuildKit does', () => {
    const doc = parse('FROM a\nHEALTHCHECK --interval=5s CMD ["sh", "-c", "curl -f x | sh"]\nHEALTHCHECK ["curl"]\n');
    const [health, bare] = doc.byKeyword('HEALTHCHECK');
    expect(health.execForm?.map((s) => [s.text, at(doc, s.span(0, s.text.length))])).toEqual([
      ['sh', 'sh'],
      ['-c', '-c'],
      ['curl -f x | sh', 'curl -f x | sh'],
    ]);
    expect(health.command).toBeUndefined();
    expect(doc.shell(health).map((s) => s.commands.map((c) => c.words[0]?.value))).toEqual([['curl', 'sh']]);
    // Without CMD, BuildKit rejects the instruction: no exec form.
    expect(bare.execForm).toBeUndefined();
  });

  it('reads quoted flag values whole, quotes removed, and ends the flags at a bare --, as BuildKit does', () => {
    const doc = parse(
      'FROM a\nCOPY --exclude="a b" --chown=app x /y\nRUN --mount=type=secret,id=a,target="/a b" \\\n  --network=\'no ne\' curl x | sh\nRUN --network=none -- --x y\n',
    );
    const [copy, run, dashes] = doc.instructions.slice(1);
    const view = (i: typeof copy) => [i.flags.map((f) => [f.name, f.value, at(doc, f.span)]), i.args.map((a) => a.value)];
    expect(view(copy)).toEqual([
      [
        ['exclude', 'a b', '--exclude="a b"'],
        ['chown', 'app', '--chown=app'],
      ],
      ['x', '/y'],
    ]);
    expect(view(run)).toEqual([
      [
        ['mount', 'type=secret,id=a,target=/a b', '--mount=type=secret,id=a,target="/a b"'],
        ['network', 'no ne', "--network='no ne'"],
      ],
      ['curl', 'x', '|', 'sh'],
    ]);
    expect(run.command?.text).toBe('curl x | sh');
    expect(view(dashes)).toEqual([[['network', 'none', '--network=none']], ['--x', 'y']]);
  });

  it('joins a line whose escape is followed by blanks and CRs before its LF, and no line whose escape a bare CR follows', () => {
    const doc = parse('FROM a\nRUN echo a \\ \r\r\n  # c\r\n \r \n  b\r\nRUN echo c \\\r  d\nCMD ["a", \\\r\n "b"]\r\n');
    const [run, bare, cmd] = doc.instructions.slice(1);
    expect(run.command?.text).toBe('echo a   b');
    expect(at(doc, run.span)).toBe('RUN echo a \\ \r\r\n  # c\r\n \r \n  b');
    expect(bare.command?.text).toBe('echo c \\\r  d');
    expect(bare.line).toBe(6);
    expect(cmd.execForm?.map((e) => [e.text, at(doc, e.span(0, 1))])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
    ]);
  });

  it('maps a command that opens with an escaped blank after a continuation onto its own line', () => {
    for (const [text, escape] of [
      ['FROM a\nCMD \\\n    \\ jupyter lab --NotebookApp.token=\n', '\\'],
      ['# escape=`\nFROM a\nCMD `\n    ` jupyter lab --NotebookApp.token=\n', '`'],
    ]) {
      const doc = parse(text);
      expect(doc.escapeChar).toBe(escape);
      const cmd = doc.byKeyword('CMD')[0];
      expect(cmd.args.map((a) => [a.value, at(doc, a.span)])).toEqual([
        ['jupyter', 'jupyter'],
        ['lab', 'lab'],
        ['--NotebookApp.token=', '--NotebookApp.token='],
      ]);
      const start = text.indexOf('jupyter');
      expect(cmd.command?.text).toBe('jupyter lab --NotebookApp.token=');
      expect(cmd.command?.span(0, cmd.command.text.length)).toEqual({ start, end: text.length - 1 });
    }
  });

  it('ends an instruction at a line that ends with an escaped escape, as BuildKit does', () => {
    const doc = parse('FROM a\nENV TRAIL=a\\\\\nUSER root\n');
    expect(doc.instructions.map((i) => [i.keyword, at(doc, i.span)])).toEqual([
      ['FROM', 'FROM a'],
      ['ENV', 'ENV TRAIL=a\\\\'],
      ['USER', 'USER root'],
    ]);
    expect(doc.instructions[2].line).toBe(3);
    expect(LogicalText.continued('a\\\\\nb \\\nc', 0, 9, '\\').text).toBe('a\\\\\nb c');
    expect(LogicalText.continued('a``\nb `\nc', 0, 9, '`').text).toBe('a``\nb c');
  });

  it('names a stage by its name with line continuations joined, as BuildKit does', () => {
    const doc = parse('FROM alpine AS bu\\\nild\nFROM build\nCOPY --from=build /a /a\n');
    expect(doc.stages.map((s) => [s.name, s.baseStage])).toEqual([
      ['build', undefined],
      [undefined, 0],
    ]);
    expect(doc.stageByRef('build')?.index).toBe(0);
    expect(doc.externalSources()).toEqual([]);
  });

  it('reports a FROM whose arguments BuildKit rejects: not an image alone or image AS name, or a bad stage name', () => {
    const doc = parse('FROM a AS b c\nFROM a b\nFROM a AS 1st\nFROM --platform=x a AS Ok-1.2_x\nFROM\nFROM a as b\n');
    expect(doc.errors).toEqual([
      { message: 'FROM requires either one or three arguments', line: 1 },
      { message: 'FROM requires either one or three arguments', line: 2 },
      { message: "invalid name for build stage: name can't start with a number or contain symbols", line: 3 },
      { message: 'FROM requires either one or three arguments', line: 5 },
    ]);
  });

  it('finds a stage by the name the parser gave it, the first of two with one name', () => {
    const doc = parse('FROM a AS x\nFROM b AS X\nFROM c\n');
    expect([doc.stageByRef('X')?.index, doc.stageByRef('2')?.index, doc.stageByRef('y')]).toEqual([0, 2, undefined]);
  });

  it('rejects binary content with a ParseFailure', () => {
    const file = new MemorySourceFile('Dockerfile', new Uint8Array([0x46, 0, 0x4f, 0xff]));
    expect(() => dockerfileParser.parse(file, { limits: DEFAULT_LIMITS })).toThrow(ParseFailure);
  });
});

describe('image references', () => {
  it('splits registry, repository, tag and digest', () => {
    expect(parseImageRef('nvcr.io/nvidia/pytorch:24.05-py3')).toMatchObject({
      registry: 'nvcr.io',
      repository: 'nvidia/pytorch',
      tag: '24.05-py3',
    });
    expect(parseImageRef('localhost:5000/app')).toMatchObject({ registry: 'localhost:5000', repository: 'app', explicitRegistry: true });
    expect(parseImageRef('vllm/vllm-openai')).toEqual({
      reference: 'vllm/vllm-openai',
      registry: 'docker.io',
      explicitRegistry: false,
      repository: 'vllm/vllm-openai',
    });
    expect(parseImageRef('docker.io/library/ubuntu:24.04@sha256:abc')).toMatchObject({
      registry: 'docker.io',
      repository: 'library/ubuntu',
      tag: '24.04',
      digest: 'sha256:abc',
    });
    expect(parseImageRef('${BASE}')).toBeUndefined();
  });

  it('substitutes variables with defaults', () => {
    const vars = new Map<string, string | null>([
      ['A', 'x'],
      ['E', ''],
      ['N', null],
    ]);
    expect(substituteVariables('$A/${A}/${E:-d}/${U:-d}/${N}/${A:+y}/$U', vars)).toBe('x/x/d/d/${N}/y/$U');
  });

  it("takes the escape directive's character before $ as the escape in raw text, a backslash then being plain (BuildKit ProcessWord)", () => {
    const resolved = (text: string) => parse(text).stages.map((s) => s.resolvedImage);
    expect(resolved('# escape=`\nARG R=ghcr.io\nFROM $R/a AS one\nFROM x`$R/b AS two\nFROM $R\\$R/c AS three\n')).toEqual([
      'ghcr.io/a',
      'x$R/b',
      'ghcr.io\\ghcr.io/c',
    ]);
    expect(resolved('ARG R=ghcr.io\nFROM x\\$R/b AS two\nFROM x`$R/c AS three\n')).toEqual(['x$R/b', 'x`ghcr.io/c']);
    const doc = parse('# escape=`\nFROM a AS b\nARG R=b\nCOPY --from=x`$R/i:1 /a /b\nCOPY --from=y\\\\$R/i:1 /a /b\n');
    expect(doc.externalSources().map((s) => s.image.reference)).toEqual(['y\\b/i:1']);
  });

  // extractBuilderFlags takes the backslashes; then dockerfile2llb's toCommand rejects a COPY --from the
  // shell lexer would change, and instructions' parseMount a from= with a $ but last.
  it('reports a COPY --from or RUN --mount from= that BuildKit rejects for a variable, an escape or quotes', () => {
    const text =
      'FROM a AS b\nARG R=b\nCOPY --from=$R /a /b\nCOPY --from=x\\$R /a /b\nCOPY --from=b /a /b\nCOPY --from=a$ /a /b\n' +
      'RUN --mount=type=bind,from=${R},target=/x ls\nRUN --mount=type=cache,target=/$R,FROM=b$ ls\nCOPY --from=x\\\\y /a /b\n';
    const copy = 'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround';
    expect(parse(text).errors).toEqual([
      { message: copy, line: 3 },
      { message: copy, line: 4 },
      { message: "'from' doesn't support variable expansion, define alias stage instead", line: 7 },
      { message: copy, line: 9 },
    ]);
  });

  // podman and buildah (imagebuilder's COPY and RUN dispatchers) expand ARGs in every flag, --from and
  // --mount's from= included (containers/buildah#4578): a Containerfile is not held to BuildKit's refusal.
  it('reports no BuildKit --from refusal in a file named like a Containerfile', () => {
    const text =
      'ARG VARIANT=cuda\nFROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS stage_cuda\nFROM python:3.12-slim\n' +
      'COPY --from=stage_${VARIANT} /usr/local/cuda /usr/local/cuda\nRUN --mount=type=bind,from=stage_$VARIANT,target=/x ls\nUSER 1000\n';
    for (const path of ['Containerfile', 'd/Containerfile.gpu', 'd/api.containerfile']) expect(parse(text, path).errors, path).toEqual([]);
    expect(parse(text, 'd/Dockerfile').errors.map((e) => e.line)).toEqual([4, 5]);
  });

  // BFlags.Parse rejects a repeated flag first; toCommand then returns the lexer's own error when it
  // fails on the value ("failed to process %q: …"), and its own sentence only for a value it changed.
  it('words a rejected COPY --from as BuildKit does where the parser can tell, generally where it cannot', () => {
    const text =
      'FROM a AS b\nCOPY --from=b${ /a /b\nCOPY --from=${STAGE:?set STAGE} /a /b\nCOPY --from=\\"b /a /b\n' +
      "COPY --from=b --from=$X /a /b\nCOPY --link --from=b --link /a /b\nCOPY --from=$X\\' /a /b\n";
    const general =
      "BuildKit rejects this --from value: variables are not expanded in --from, and BuildKit's shell lexer may fail on its ${…} first; define a new stage with FROM using ARG from global scope as a workaround";
    expect(parse(text).errors).toEqual([
      { message: general, line: 2 },
      { message: general, line: 3 },
      { message: 'failed to process "\\"b": unexpected end of statement while looking for matching double-quote', line: 4 },
      { message: 'duplicate flag specified: --from', line: 5 },
      { message: 'duplicate flag specified: --link', line: 6 },
      { message: 'failed to process "$X\'": unexpected end of statement while looking for matching single-quote', line: 7 },
    ]);
  });

  it('reads an escaped escape before $ as a plain character once: the $ after it starts a variable (BuildKit ProcessWord)', () => {
    const resolved = (text: string) => parse(text).stages.map((s) => s.resolvedImage);
    expect(resolved('ARG R=ghcr.io\nFROM x\\\\$R/b AS one\nFROM x\\\\\\$R/c AS two\n')).toEqual(['x\\ghcr.io/b', 'x\\$R/c']);
    expect(resolved('# escape=`\nARG R=ghcr.io\nFROM x``$R/b AS one\nFROM x```$R/c AS two\n')).toEqual(['x`ghcr.io/b', 'x`$R/c']);
  });
});

/** Each input stays under MAX_DOCKERFILE_BYTES at 4n, or the parser would refuse it and the check test nothing. */
describe('dockerfile parser growth', () => {
  // n may double up to maxN while the small run is too quick to measure; 4 maxN repetitions stay under the limit.
  // times: parses per run, when one parse of the largest file under MAX_DOCKERFILE_BYTES takes well under 50 ms.
  const growth = (name: string, n: number, make: (n: number) => string, times = 1) =>
    it(`reads ${name} in time linear in its size`, () => {
      expectLinearGrowth(
        (n) => {
          const file = new MemorySourceFile('Dockerfile', make(n));
          expect(file.text().length).toBeLessThan(MAX_DOCKERFILE_BYTES);
          return () => {
            for (let i = 0; i < times; i++) parseDockerfile(file);
          };
        },
        n,
        { maxN: 2 * n },
      );
    });
  growth('a long CMD in shell form', 6_000, (n) => `FROM a\nCMD ${'echo x && '.repeat(n)}true\n`);
  growth('a long ONBUILD RUN', 6_000, (n) => `FROM a\nONBUILD RUN ${'echo x && '.repeat(n)}true\n`);
  growth('a long COPY here-document', 4_500, (n) => `FROM a\nCOPY <<EOF /x\n${'line of text\n'.repeat(n)}EOF\n`);
  // No check here for a long ENV (legacy form, or many pairs): its words and pairs are many small objects
  // kept to the end of the parse, and past 30–60 KB their cost per word rises about tenfold as they leave
  // the caches (the parse's CPU per word at 16,000 and 128,000 words: 87 and 998 ns), so linear work
  // measured 3.5–12 at 4n even on a quiet machine, as much as dockerfile-ast's quadratic reading of them
  // did (×5.6–10 at 120 → 480 KB). The 512 KB limit bounds the parse of one (about 250 ms).
  // Each FROM looks up the stage its image names among the earlier ones: 72,000 FROMs at 8n (504,000 bytes).
  // Linear work gives about 8 (measured 4.5), a search of the earlier stages per FROM about 64 (measured 33).
  it('reads many FROM lines in time linear in their number', () => {
    expectLinearGrowth(
      (n) => {
        const file = new MemorySourceFile('Dockerfile', 'FROM a\n'.repeat(n));
        expect(file.text().length).toBeLessThan(MAX_DOCKERFILE_BYTES);
        return () => parseDockerfile(file);
      },
      9_000,
      { k: 8, below: 20, maxN: 9_000 },
    );
  });
  it('finds the stages COPY --from names in time linear in their number', () => {
    expectLinearGrowth(
      (n) => {
        let text = '';
        for (let i = 0; i < n; i++) text += `FROM a AS s${i}\n`;
        for (let i = 0; i < n; i++) text += `COPY --from=s${i} x /\n`;
        const file = new MemorySourceFile('Dockerfile', text);
        expect(file.text().length).toBeLessThan(MAX_DOCKERFILE_BYTES);
        const doc = parseDockerfile(file);
        return () => doc.externalSources();
      },
      3_000,
      { maxN: 3_000 },
    );
  });
  // A bare CR is a character of its line (a blank between words), not a line end: after the directive
  // line, FROM a\rAS b is one FROM and the CMD one instruction whose words bare CRs separate.
  it('reads the bare-CR input of the growth check as a FROM and a CMD', () => {
    const doc = parseDockerfile(new MemorySourceFile('Dockerfile', `# syntax=x\nFROM a\rAS b\nCMD ${'echo x &&\r'.repeat(3)}true\r`));
    expect(doc.instructions.map((i) => i.keyword)).toEqual(['FROM', 'CMD']);
    expect(doc.shell(doc.instructions[1])[0].commands.map((c) => c.program)).toEqual(['echo', 'echo', 'echo', 'true']);
  });
  growth('instructions with bare CRs', 6_000, (n) => `# syntax=x\nFROM a\rAS b\nCMD ${'echo x &&\r'.repeat(n)}true\r`);
  // Each run of CRs is classified once: after a continuation escape (no \n follows), between escaped
  // blanks, and in a here-document body.
  growth('an escape before a long run of bare CRs', 60_000, (n) => `FROM a\nRUN a \\${'\r'.repeat(n)}x\n`, 20);
  growth('escaped blanks each before a bare CR', 20_000, (n) => `FROM a\nRUN ${'\\ \r'.repeat(n)}x\n`, 30);
  growth('a here-document of bare-CR lines', 30_000, (n) => `FROM a\nRUN <<EOF\n${'x\r'.repeat(n)}\nEOF\n`, 150);
});
