import type { At, Located, ScanDocument, TextSpan } from '../../core/document.js';
import { isLineSpan, isTextSpan } from '../../core/document.js';
import type { ParseError } from '../../core/parser.js';
import type { SourceFile } from '../../core/source-file.js';
import { TextLocator } from '../../core/text-document.js';
import { parseImageRef, substituteVariables, type ImageRef } from './image-ref.js';
import { LogicalText } from './logical-text.js';
import { parseShell, type ShellScript } from '../shell/shell.js';

/** A `--name=value` flag of an instruction (`--from=build`, `--chmod=755`, `--mount=type=secret,…`). */
export interface DockerFlag {
  name: string;
  /** `null` for a flag given without `=`. */
  value: string | null;
  span: TextSpan;
}

/**
 * A whitespace-separated argument of an instruction, after its flags. One object a word, its file
 * offsets on it: a long ENV or RUN holds many of them.
 */
export class DockerArg {
  constructor(
    readonly value: string,
    readonly start: number,
    readonly end: number,
    /** Offsets in `value` of escape characters that were escaped (`\\` gave `\`): plain, not the escape of a `$` after them. */
    readonly plainEscapes?: ReadonlySet<number>,
  ) {}

  /** The word's file span, made when asked for: loops over many words read `start` and `end`. */
  get span(): TextSpan {
    return { start: this.start, end: this.end };
  }
}

/**
 * A `name=value` (or `name value`) pair of ENV, ARG or LABEL. One object a pair, its file offsets on
 * it; its spans are made when asked for.
 */
export class DockerProperty {
  constructor(
    readonly name: string,
    /** Unquoted value; `null` when none is given (`ARG TOKEN`). */
    readonly value: string | null,
    /** Offsets in `value` of the `$` that start no variable (`\$HOME`, `'$HOME'`): not substituted. */
    readonly literalDollars: ReadonlySet<number> | undefined,
    private readonly nameStart: number,
    private readonly nameEnd: number,
    /** The end of the pair's span (the value's, or the name's when it has none). */
    private readonly pairEnd: number,
    /** -1 when there is no value. */
    private readonly valueStart: number,
    private readonly valueEnd: number,
  ) {}

  get span(): TextSpan {
    return { start: this.nameStart, end: this.pairEnd };
  }

  get nameSpan(): TextSpan {
    return { start: this.nameStart, end: this.nameEnd };
  }

  get valueSpan(): TextSpan | undefined {
    return this.valueStart === -1 ? undefined : { start: this.valueStart, end: this.valueEnd };
  }
}

/** A BuildKit here-document (`RUN <<EOF … EOF`, `COPY <<EOF /path … EOF`). */
export interface DockerHeredoc {
  name: string;
  /**
   * The body as BuildKit hands it to the shell or writes it to the file: as written, line continuations
   * kept (a shell joins them itself, counting backslashes; blank and comment lines after one end the command).
   */
  content: LogicalText;
  contentSpan: TextSpan;
  /** True when the body is run by a shell: `RUN <<EOF`, `RUN bash <<EOF`; false for `RUN python3 <<EOF`, COPY. */
  isScript: boolean;
}

export interface DockerInstruction {
  /** Upper-case keyword: `FROM`, `RUN`, … */
  keyword: string;
  /** Index in `DockerfileDocument.instructions`. */
  index: number;
  /** Index of the stage the instruction belongs to; -1 for ARGs before the first FROM. */
  stage: number;
  /** 1-based line of the keyword. */
  line: number;
  /** The whole instruction: keyword, continuation lines and here-document bodies. */
  span: TextSpan;
  keywordSpan: TextSpan;
  flags: DockerFlag[];
  args: DockerArg[];
  /** ENV, ARG and LABEL pairs. */
  properties: DockerProperty[];
  /** The decoded strings of the exec (JSON) form of RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK. */
  execForm?: LogicalText[];
  /**
   * The shell form's command line as Docker hands it to the shell: continuations joined, comment lines
   * dropped, here-document bodies excluded. Undefined for the exec form and for non-command keywords.
   */
  command?: LogicalText;
  heredocs: DockerHeredoc[];
  flag(name: string): DockerFlag | undefined;
}

export interface DockerStage {
  index: number;
  /** `FROM … AS name`, lower-cased as Docker compares it. */
  name?: string;
  from: DockerInstruction;
  /** The image argument as written (`${BASE}`, `python:3.12@sha256:…`). */
  imageText: string;
  imageSpan: TextSpan;
  /** The image after substituting ARGs declared before the first FROM. */
  resolvedImage: string;
  /** Parsed reference of an external base image; undefined for `scratch`, stage references and unresolved variables. */
  image?: ImageRef;
  /** Index of the earlier stage this stage builds on (`FROM build`). */
  baseStage?: number;
  scratch: boolean;
  /** Instructions of the stage, `FROM` first. */
  instructions: DockerInstruction[];
  isFinal: boolean;
}

export interface DockerDirective {
  name: string;
  value: string;
  span: TextSpan;
}

/** A parsed Dockerfile (`kind: dockerfile`). Locations are text spans into the file. */
export class DockerfileDocument implements ScanDocument {
  readonly kind = 'dockerfile';
  private readonly locator: TextLocator;
  private readonly scripts = new Map<number, ShellScript[]>();

  constructor(
    readonly file: SourceFile,
    /** Parser directives (`# syntax=…`, `# escape=…`, `# check=…`), lower-case names. */
    readonly directives: readonly DockerDirective[],
    readonly escapeChar: string,
    readonly instructions: readonly DockerInstruction[],
    readonly stages: readonly DockerStage[],
    /** ARG values declared before the first FROM (`null` without a default). */
    readonly globalArgs: ReadonlyMap<string, string | null>,
    /** What makes BuildKit reject the file (an ENV without a value, an unclosed quote, …), in file order. */
    readonly errors: readonly ParseError[] = [],
    /** The index of the first stage of each (lower-cased) name, as the parser found them. */
    private readonly stageNames: ReadonlyMap<string, number> = new Map(),
  ) {
    this.locator = new TextLocator(file);
  }

  /** The stage `docker build` produces without `--target`: the last one. */
  get finalStage(): DockerStage | undefined {
    return this.stages[this.stages.length - 1];
  }

  /** Instructions with one of the given keywords, in file order. */
  byKeyword(...keywords: string[]): DockerInstruction[] {
    return this.instructions.filter((i) => keywords.includes(i.keyword));
  }

  /** The stage with this name or numeric index, as `COPY --from` and `FROM` refer to it. */
  stageByRef(ref: string): DockerStage | undefined {
    const named = this.stageNames.get(ref.toLowerCase());
    if (named !== undefined) return this.stages[named];
    return /^\d+$/.test(ref) ? this.stages[Number(ref)] : undefined;
  }

  /**
   * External images that `COPY --from=<image>` (and `RUN --mount=from=<image>`) read files from:
   * references that name no stage of this file, with build variables substituted.
   */
  externalSources(): Array<{ ins: DockerInstruction; text: string; span: TextSpan; image: ImageRef }> {
    const out: Array<{ ins: DockerInstruction; text: string; span: TextSpan; image: ImageRef }> = [];
    for (const ins of this.instructions) {
      const refs: Array<{ text: string; span: TextSpan }> = [];
      const from = ins.keyword === 'COPY' ? ins.flag('from') : undefined;
      if (from?.value) refs.push({ text: from.value, span: from.span });
      if (ins.keyword === 'RUN')
        for (const f of ins.flags) {
          const m = f.name === 'mount' && f.value ? /(?:^|,)from=([^,]+)/.exec(f.value) : null;
          if (m) refs.push({ text: m[1], span: f.span });
        }
      for (const r of refs) {
        if (this.stageByRef(r.text)) continue;
        const resolved = substituteVariables(r.text, this.variablesAt(ins), { escape: this.escapeChar });
        if (this.stageByRef(resolved)) continue;
        const image = parseImageRef(resolved);
        if (image) out.push({ ins, text: r.text, span: r.span, image });
      }
    }
    return out;
  }

  /** The stage and the stages it builds on (`FROM earlier-stage`), nearest first. */
  lineage(stage: DockerStage): DockerStage[] {
    const out = [stage];
    let s = stage;
    while (s.baseStage !== undefined && !out.includes(this.stages[s.baseStage])) {
      s = this.stages[s.baseStage];
      out.push(s);
    }
    return out;
  }

  /**
   * Build variables in scope at an instruction, as Docker expands them: ARGs declared in its stage
   * (taking the global default when redeclared without one) and ENVs set before it in the stage and
   * the stages it builds on. Global ARGs are in scope only for FROM.
   */
  variablesAt(ins: DockerInstruction): Map<string, string | null> {
    if (ins.stage < 0 || ins.keyword === 'FROM') return new Map(this.globalArgs);
    return this.stageVariables(this.stages[ins.stage], ins.index);
  }

  /**
   * The variables in scope after the stage's last instruction: the ENVs the image built from the stage
   * keeps, wherever they stand, and the stage's ARGs.
   */
  variablesAtEnd(stage: DockerStage): Map<string, string | null> {
    return this.stageScope(stage, Infinity).variables;
  }

  /**
   * The environment a container of the image built from the stage starts with, as far as the file
   * sets it: the ENVs of the stage and the stages it builds on, wherever they stand, with the values
   * they were given. Not its ARGs: those exist only while the image is built.
   */
  environmentAtEnd(stage: DockerStage): Map<string, string | null> {
    return this.stageScope(stage, Infinity).environment;
  }

  /** Variables set by the stage's lineage and by the stage's instructions before index `before`. */
  private stageVariables(target: DockerStage, before: number): Map<string, string | null> {
    return this.stageScope(target, before).variables;
  }

  /** The build variables (ENVs and the stage's ARGs) and the environment (ENVs only) set before index `before`. */
  private stageScope(
    target: DockerStage,
    before: number,
  ): { variables: Map<string, string | null>; environment: Map<string, string | null> } {
    const vars = new Map<string, string | null>();
    const environment = new Map<string, string | null>();
    const chain = this.lineage(target).reverse();
    for (const stage of chain) {
      for (const i of stage.instructions) {
        if (stage === target && i.index >= before) break;
        if (i.keyword === 'ENV')
          for (const p of i.properties) {
            const value = p.value === null ? null : substituteVariables(p.value, vars, p);
            vars.set(p.name, value);
            environment.set(p.name, value);
          }
        else if (i.keyword === 'ARG' && stage === target)
          for (const p of i.properties)
            vars.set(p.name, p.value !== null ? substituteVariables(p.value, vars, p) : (this.globalArgs.get(p.name) ?? null));
      }
    }
    return { variables: vars, environment };
  }

  /**
   * Shell scripts an instruction runs (RUN, CMD, ENTRYPOINT, HEALTHCHECK): the shell-form command line,
   * the bodies of here-documents fed to a shell, and the script of an exec form `["sh", "-c", "…"]`.
   * For any other exec form, its strings joined by spaces.
   */
  shell(ins: DockerInstruction): ShellScript[] {
    let out = this.scripts.get(ins.index);
    if (!out) {
      out = [];
      if (ins.command) out.push(parseShell(ins.command));
      for (const h of ins.heredocs) if (h.isScript) out.push(parseShell(h.content));
      if (ins.execForm && ins.execForm.length > 0) {
        const at = shellScriptIndex(ins.execForm.map((s) => s.text));
        const script = at === undefined ? undefined : ins.execForm[at];
        if (script) out.push(parseShell(script));
        else out.push(parseShell(LogicalText.join(ins.execForm)));
      }
      this.scripts.set(ins.index, out);
    }
    return out;
  }

  locate(at: At | undefined): Located {
    if (at === undefined) return {};
    if (isTextSpan(at) || isLineSpan(at)) return this.locator.locate(at);
    const [kind, n] = at as readonly (string | number)[];
    const ins = kind === 'instructions' ? this.instructions[Number(n)] : kind === 'stages' ? this.stages[Number(n)]?.from : undefined;
    return ins ? { ...this.locator.locate(ins.span), objectPath: `/${kind}/${n}` } : {};
  }
}

/** Programs that run a shell script: a Dockerfile's SHELL and `["sh", "-c", …]`, an image's `/bin/sh -c`, a container's `command`. */
export const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh', 'ksh', 'busybox']);

function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** True when a shell is the program (a path may lead to it). */
export function isShellProgram(word: string): boolean {
  return SHELLS.has(programName(word));
}

/**
 * Where the script of a command line that runs a shell is: 2 in `["sh", "-c", "…"]`, 3 in
 * `["busybox", "sh", "-c", "…"]` (busybox runs the applet its first argument names) and in
 * `["bash", "-o", "pipefail", "-c", "…"]`; `undefined` when no shell runs a script given on the
 * command line.
 */
export function shellScriptIndex(words: readonly string[]): number | undefined {
  if (words.length < 2 || !isShellProgram(words[0])) return undefined;
  if (programName(words[0]) !== 'busybox') return scriptAfterOptions(words, 1);
  return words[1] !== 'busybox' && SHELLS.has(words[1]) ? scriptAfterOptions(words, 2) : undefined;
}

/** Options of sh and bash whose value is the next word. */
const SHELL_OPTIONS_WITH_VALUE = new Set(['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);

/**
 * The script among a shell's arguments from `from` on: the first word past its options
 * (`-c`, bundled as in `-lc` or `-ec`, `-o pipefail`, `--login`, `--`) when one of them is `c`.
 */
function scriptAfterOptions(words: readonly string[], from: number): number | undefined {
  let command = false;
  let i = from;
  for (; i < words.length; i++) {
    const word = words[i];
    if (word === '--' || word === '-') return command ? i + 1 : undefined;
    if (SHELL_OPTIONS_WITH_VALUE.has(word)) i++;
    else if (/^[-+][A-Za-z]+$/.test(word)) {
      if (word[0] === '-' && word.includes('c')) command = true;
      // `-eo pipefail`: a bundled o takes the next word.
      if (/[oO]/.test(word.slice(1))) i++;
    } else if (!word.startsWith('--')) break;
  }
  return command ? i : undefined;
}

/** True when a shell runs the script of the command line (`["sh", "-c", "…"]`), expanding its `$NAME` and `$(…)`. */
export function isShellExec(words: readonly string[]): boolean {
  return shellScriptIndex(words) !== undefined;
}
