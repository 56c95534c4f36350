import type { TextSpan } from '../../core/document.js';

/**
 * The text a shell reads, and where each part of it is in the file: a Dockerfile instruction's
 * `LogicalText` (continuations removed), a script file, or a string of a manifest (`plainShellText`).
 */
export interface ShellText {
  readonly text: string;
  /** The file span of the characters `[start, end)` of `text`. */
  span(start: number, end: number): TextSpan;
}

/** A string read on its own: spans are offsets into it. */
export function plainShellText(text: string): ShellText {
  return { text, span: (start, end) => ({ start, end }) };
}

/** One shell word: its value with quotes removed, and where it is in the file. */
export interface ShellWord {
  /** Unquoted value; `$(…)`, `<(…)` and variables are kept as written. */
  value: string;
  /** As written, quotes included. */
  raw: string;
  span: TextSpan;
}

/** A simple command: `name args…`, with leading `VAR=value` assignments and redirections split off. */
export interface ShellCommand {
  /** Every word, assignments and redirections included. */
  words: ShellWord[];
  assignments: ShellWord[];
  /** The command word (`undefined` for a bare assignment). */
  name: ShellWord | undefined;
  /** `name` without its directory: `/usr/bin/curl` → `curl`. */
  program: string;
  args: ShellWord[];
  span: TextSpan;
  /** Index in `ShellScript.commands` of the pipeline this command belongs to (its first command). */
  pipeline: number;
  /** Position in its pipeline (0 for the first command). */
  pipeIndex: number;
}

export interface ShellScript {
  commands: ShellCommand[];
  /** The commands of the pipeline that starts at `commands[index]`. */
  pipelineOf(cmd: ShellCommand): ShellCommand[];
}

/** A word that is a redirection (`>file`, `2>&1`, `<<EOF`), possibly with its target in the next word. */
const REDIRECT = /^\d*(?:<|>|&>)/;

const LEADING_KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', '}', 'time', 'exec', 'fi', 'done']);

/**
 * A small POSIX shell tokenizer, enough to find commands, their words and pipelines in RUN
 * instructions, shell scripts and the `sh -c` scripts of containers. One pass, linear in the input;
 * it never evaluates anything.
 */
export function parseShell(src: ShellText): ShellScript {
  const t = src.text;
  const n = t.length;
  const commands: ShellCommand[] = [];
  let words: ShellWord[] = [];
  let pipelineStart = 0;
  const heredocs: Array<{ delimiter: string; stripTabs: boolean }> = [];
  let pipeIndex = 0;
  /** After `|`, `&&` or `||` and before the next word: a newline there is a linebreak, not the end of the list. */
  let operatorPending = false;

  const endCommand = (piped: boolean): void => {
    let k = 0;
    while (k < words.length && LEADING_KEYWORDS.has(words[k].raw)) k++;
    const ws = words.slice(k);
    if (ws.length > 0) {
      let a = 0;
      for (;;) {
        if (a < ws.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(ws[a].raw)) a++;
        else if (a < ws.length && REDIRECT.test(ws[a].raw)) a += /^\d*(?:<<-?|<<<|>>|<>|>\||&>>?|[<>]&?)$/.test(ws[a].raw) ? 2 : 1;
        else break;
      }
      const name = ws[a];
      const program = name ? basename(name.value) : '';
      const idx = commands.length;
      if (pipeIndex === 0) pipelineStart = idx;
      commands.push({
        words: ws,
        assignments: ws.slice(0, a),
        name,
        program,
        args: ws.slice(a + 1),
        span: { start: ws[0].span.start, end: ws[ws.length - 1].span.end },
        pipeline: pipelineStart,
        pipeIndex,
      });
      pipeIndex = piped ? pipeIndex + 1 : 0;
    } else if (!piped) pipeIndex = 0;
    words = [];
  };

  let i = 0;
  while (i < n) {
    const c = t[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\n' && heredocs.length > 0) {
      // Bodies of here-documents opened on the line just ended are data, not commands.
      if (!operatorPending) endCommand(false);
      i++;
      for (const { delimiter, stripTabs } of heredocs) {
        while (i < n) {
          let eol = t.indexOf('\n', i);
          if (eol === -1) eol = n;
          let line = t.slice(i, eol);
          if (line.endsWith('\r')) line = line.slice(0, -1);
          i = eol + 1;
          if ((stripTabs ? line.replace(/^\t+/, '') : line) === delimiter) break;
        }
      }
      heredocs.length = 0;
      continue;
    }
    if (c === '\n' && operatorPending) {
      i++;
      continue;
    }
    if (c === '\n' || c === ';' || c === '(' || c === ')') {
      endCommand(false);
      operatorPending = false;
      i++;
      continue;
    }
    if (c === '&' && t[i + 1] !== '>') {
      endCommand(false);
      operatorPending = t[i + 1] === '&';
      i += operatorPending ? 2 : 1;
      continue;
    }
    if (c === '|') {
      if (t[i + 1] === '|') {
        endCommand(false);
        i += 2;
      } else {
        endCommand(true);
        i += t[i + 1] === '&' ? 2 : 1;
      }
      operatorPending = true;
      continue;
    }
    if (c === '#') {
      while (i < n && t[i] !== '\n') i++;
      continue;
    }
    if (c === '\\' && t[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '\\' && t[i + 1] === '\r' && t[i + 2] === '\n') {
      i += 3;
      continue;
    }
    operatorPending = false;
    // A word: runs until an unquoted blank or operator.
    const start = i;
    let value = '';
    while (i < n) {
      const d = t[i];
      // `2>&1`, `>&2` and `&>file` are redirections, not the `&` operator.
      const redirect = d === '&' && (t[i + 1] === '>' || (i > start && (t[i - 1] === '>' || t[i - 1] === '<')));
      if (d === ' ' || d === '\t' || d === '\n' || d === '\r' || d === ';' || (d === '&' && !redirect) || d === '|' || d === ')') break;
      if (d === '(' && i === start) break;
      if (d === "'") {
        const close = t.indexOf("'", i + 1);
        const stop = close === -1 ? n : close;
        value += t.slice(i + 1, stop);
        i = stop + 1;
      } else if (d === '"') {
        i++;
        while (i < n && t[i] !== '"') {
          // A backslash before a line break continues the line inside double quotes too: both go.
          if (t[i] === '\\' && t[i + 1] === '\n') i += 2;
          else if (t[i] === '\\' && t[i + 1] === '\r' && t[i + 2] === '\n') i += 3;
          else {
            if (t[i] === '\\' && i + 1 < n && (t[i + 1] === '"' || t[i + 1] === '\\' || t[i + 1] === '$' || t[i + 1] === '`')) i++;
            value += t[i];
            i++;
          }
        }
        i++;
      } else if (d === '\\' && t[i + 1] === '\r' && t[i + 2] === '\n') {
        i += 3;
      } else if (d === '\\' && i + 1 < n) {
        if (t[i + 1] !== '\n') value += t[i + 1];
        i += 2;
      } else if ((d === '$' || d === '<' || d === '>') && t[i + 1] === '(') {
        const close = matchParen(t, i + 1);
        value += t.slice(i, close + 1);
        i = close + 1;
      } else if (d === '`') {
        const close = t.indexOf('`', i + 1);
        const stop = close === -1 ? n - 1 : close;
        value += t.slice(i, stop + 1);
        i = stop + 1;
      } else if (d === '(') {
        break;
      } else {
        value += d;
        i++;
      }
    }
    const end = Math.min(i, n);
    if (end > start) {
      const raw = t.slice(start, end);
      words.push({ value, raw, span: src.span(start, end) });
      const here = /^\d*<<(-?)\s*(.*)$/.exec(raw.startsWith('<<<') ? '' : raw);
      if (here && here[2] !== '') heredocs.push({ delimiter: here[2].replace(/^(['"])(.*)\1$/, '$2'), stripTabs: here[1] === '-' });
    } else i++;
  }
  endCommand(false);

  return {
    commands,
    pipelineOf(cmd: ShellCommand): ShellCommand[] {
      const out: ShellCommand[] = [];
      for (let k = cmd.pipeline; k < commands.length && commands[k].pipeline === cmd.pipeline; k++) out.push(commands[k]);
      return out;
    },
  };
}

/** Index of the `)` closing the `(` at `open`, or the last index when unbalanced. */
function matchParen(t: string, open: number): number {
  let depth = 0;
  for (let i = open; i < t.length; i++) {
    const c = t[i];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) return i;
    } else if (c === "'") {
      const close = t.indexOf("'", i + 1);
      if (close === -1) return t.length - 1;
      i = close;
    }
  }
  return t.length - 1;
}

function basename(p: string): string {
  const k = p.lastIndexOf('/');
  return k === -1 ? p : p.slice(k + 1);
}
