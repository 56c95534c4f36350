import type { SourceFile } from '../../core/source-file.js';
import { parseDockerfile } from '../dockerfile/dockerfile-parser.js';
import type { ShellCommand, ShellWord } from '../shell/shell.js';
import { fromText } from './requirements.js';
import { emptyManifest, type DependencyManifest } from './types.js';

/** pip options that take a value (the value is not a package). */
const PIP_VALUE_OPTIONS = new Set([
  '-r',
  '--requirement',
  '-c',
  '--constraint',
  '-i',
  '--index-url',
  '--extra-index-url',
  '-f',
  '--find-links',
  '-t',
  '--target',
  '--prefix',
  '--root',
  '--platform',
  '--python-version',
  '--implementation',
  '--abi',
  '--trusted-host',
  '--cache-dir',
  '--src',
  '--upgrade-strategy',
  '--progress-bar',
  '--log',
  '--proxy',
  '--retries',
  '--timeout',
  '--python',
  '--no-binary',
  '--only-binary',
  '-C',
  '--config-settings',
]);
const NPM_VALUE_OPTIONS = new Set(['--registry', '--prefix', '-C', '--cache', '--tag', '--workspace', '-w']);

/**
 * `pip install …` and `npm install …` (`pip3`, `python -m pip`, `uv pip`, `npm i|add`, `yarn add`,
 * `pnpm add`) in the RUN instructions of a Dockerfile: the packages they name, where they name them,
 * and the indexes they pass. Requirement files they install are read as files of their own.
 */
export function parseDockerfileInstalls(file: SourceFile): DependencyManifest {
  const m = emptyManifest('dockerfile', false, true);
  const doc = parseDockerfile(file);
  for (const ins of doc.instructions) {
    if (ins.keyword !== 'RUN') continue;
    for (const script of doc.shell(ins)) for (const cmd of script.commands) readCommand(cmd, m);
  }
  return m;
}

function readCommand(cmd: ShellCommand, m: DependencyManifest): void {
  const words = [cmd.name, ...cmd.args].filter((w): w is ShellWord => w !== undefined);
  const values = words.map((w) => w.value);
  const prog = cmd.program;
  let at = -1;
  let kind: 'pip' | 'npm' | undefined;
  if (/^pip(?:\d(?:\.\d+)?)?$/.test(prog) && values[1] === 'install') [at, kind] = [2, 'pip'];
  else if (/^python(?:\d(?:\.\d+)?)?$/.test(prog) && values[1] === '-m' && values[2] === 'pip' && values[3] === 'install')
    [at, kind] = [4, 'pip'];
  else if (prog === 'uv' && values[1] === 'pip' && values[2] === 'install') [at, kind] = [3, 'pip'];
  else if (prog === 'npm' && ['install', 'i', 'add'].includes(values[1])) [at, kind] = [2, 'npm'];
  else if ((prog === 'yarn' || prog === 'pnpm') && values[1] === 'add') [at, kind] = [2, 'npm'];
  if (!kind) return;
  for (let i = at; i < words.length; i++) {
    const w = words[i];
    const v = w.value;
    if (v.startsWith('-')) {
      const [opt, inline] = v.includes('=') ? [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)] : [v, undefined];
      const takesValue = kind === 'pip' ? PIP_VALUE_OPTIONS.has(opt) : NPM_VALUE_OPTIONS.has(opt);
      const value = inline ?? (takesValue ? words[i + 1]?.value : undefined);
      const end = inline !== undefined ? w.span.end : (words[i + 1]?.span.end ?? w.span.end);
      const span = { start: w.span.start, end };
      if (opt === '--index-url' || opt === '-i' || (kind === 'npm' && opt === '--registry')) {
        if (value) m.indexes.push({ url: value, role: 'primary', span });
      } else if (opt === '--extra-index-url' && value) m.indexes.push({ url: value, role: 'extra', span });
      else if ((opt === '-f' || opt === '--find-links') && value) m.indexes.push({ url: value, role: 'find-links', span });
      else if ((opt === '-r' || opt === '--requirement' || opt === '-c' || opt === '--constraint') && value)
        m.includes.push({ path: value, constraint: opt === '-c' || opt === '--constraint', span });
      if (takesValue && inline === undefined) i++;
      continue;
    }
    if (v.includes('$')) continue; // a variable: the package is not known here
    if (kind === 'pip') {
      const parsed = fromText(v);
      if (parsed) m.packages.push({ ecosystem: 'PyPI', ...parsed, direct: true, span: w.span });
    } else {
      const spec = /^((?:@[^/@\s]+\/)?[^@\s]+)(?:@(.+))?$/.exec(v);
      if (!spec || /^[./]|:/.test(v)) continue;
      const version = spec[2];
      const exact = version && /^\d+\.\d+\.\d+(?:[-+][\w.-]+)?$/.test(version);
      m.packages.push({
        ecosystem: 'npm',
        name: spec[1],
        direct: true,
        span: w.span,
        ...(exact ? { version } : version ? { requirement: version } : {}),
      });
    }
  }
}
