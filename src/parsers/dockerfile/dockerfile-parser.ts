import type { TextSpan } from '../../core/document.js';
import { LineIndex } from '../../core/line-index.js';
import { ParseFailure, type ParseContext, type ParseError, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { near } from '../../core/config-issues.js';
import { parseImageRef, substituteVariables } from './image-ref.js';
import { LogicalText } from './logical-text.js';
import { readArguments, readInstructions, type RawInstruction } from './instruction-reader.js';
import { processWord, readProperties } from './property-reader.js';
import { readDirectives } from './directive-reader.js';
import { isReWhitespace } from './unicode-space.js';
import { parseShell } from '../shell/shell.js';
import {
  DockerfileDocument,
  SHELLS,
  shellScriptIndex,
  type DockerArg,
  type DockerFlag,
  type DockerHeredoc,
  type DockerInstruction,
  type DockerProperty,
  type DockerStage,
} from './dockerfile-document.js';

/** Whether a file name is `<stem>file`, `<stem>file.gpu` or `api.<stem>file`, any case, for a stem of the alternation `stems`. */
function fileNamedAfter(stems: string): (name: string) => boolean {
  const own = new RegExp(`^(${stems})file([._-].+)?$`, 'i');
  const suffix = new RegExp(`.\\.(${stems})file$`, 'i');
  return (name) => own.test(name) || suffix.test(name);
}
const isDockerOrContainerfile = fileNamedAfter('docker|container');
/** The Dockerfile names podman and buildah look for first. */
const isContainerfile = fileNamedAfter('container');
const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** `Dockerfile`, `Containerfile`, `Dockerfile.gpu`, `api.Dockerfile`, `api.containerfile`. */
export function isDockerfileName(path: string): boolean {
  const name = baseName(path);
  if (/\.(dockerignore|containerignore|md|txt|json|ya?ml|sh|py)$/i.test(name) && !/^(docker|container)file$/i.test(name)) return false;
  return isDockerOrContainerfile(name);
}

/** `Containerfile`, `Containerfile.gpu`, `api.containerfile`. */
function isContainerfileName(path: string): boolean {
  return isContainerfile(baseName(path));
}

/** Keywords with a command: an exec (JSON) form or a shell form, told apart as BuildKit does. */
const COMMAND_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'SHELL']);
/** Keywords whose leading `--name[=value]` words are flags (BuildKit takes them for any keyword; ENV, ARG and LABEL know none but ARG's --required). */
const FLAG_KEYWORDS = new Set(['RUN', 'COPY', 'ADD', 'FROM', 'HEALTHCHECK', 'ENV', 'ARG', 'LABEL']);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);
/** Keywords of `name=value` pairs. */
const PROPERTY_KEYWORDS = new Set(['ENV', 'ARG', 'LABEL']);

/** Real Dockerfiles are a few KiB. */
export const MAX_DOCKERFILE_BYTES = 512 * 1024;

export const dockerfileParser: Parser = {
  name: 'dockerfile',
  produces: ['dockerfile'],
  maxBytes: MAX_DOCKERFILE_BYTES,
  matches(file: SourceFile): boolean {
    return isDockerfileName(file.path);
  },
  parse(file: SourceFile, _ctx: ParseContext): ParseOutput {
    if (looksBinary(file.head())) throw new ParseFailure('binary content in a Dockerfile; not scanned');
    const doc = parseDockerfile(file);
    return doc.errors.length > 0 ? { documents: [doc], errors: [...doc.errors] } : { documents: [doc] };
  },
};

/**
 * Instructions are delimited and read by our linear reader (instruction-reader.ts), with BuildKit's
 * here-document rules; the parser directives by directive-reader.ts and the pairs of ENV, ARG and LABEL
 * by property-reader.ts, as BuildKit reads them.
 */
export function parseDockerfile(file: SourceFile): DockerfileDocument {
  const text = file.text();
  const lines = new LineIndex(text);

  const read = readDirectives(text);
  const { directives } = read;
  // The escape directive decides where instructions end.
  const escapeChar = read.escape;
  const raws = readInstructions(text, escapeChar);

  const instructions: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  const globalArgs = new Map<string, string | null>();
  // The first stage of each (lower-cased) name, as `FROM <name>` refers to it.
  const stageNames = new Map<string, number>();
  // What makes BuildKit reject the file.
  const errors: ParseError[] = [];
  const buildKitOnly = !isContainerfileName(file.path);
  if (read.error) errors.push({ message: read.error.message, line: lines.position(read.error.at).line });

  for (const raw of raws) {
    const keyword = raw.keyword.toUpperCase();
    const stage = keyword === 'FROM' ? stages.length : stages.length - 1;
    const parts = readParts(raw, keyword, text, escapeChar);
    if (PROPERTY_KEYWORDS.has(keyword)) {
      const pairs = readProperties(text, keyword, parts.argsStart, raw.lineEnd, escapeChar);
      parts.properties = pairs.properties;
      // BuildKit stops at an instruction's first error: what its parser rejects (parseNameVal), then the
      // flags, then what parseEnv, parseLabel and parseArg reject (parseArg asks for a name before it
      // parses the flags), then what expanding the words rejects.
      const pairError = pairs.error;
      const flagError = keyword === 'ARG' && pairs.properties.length === 0 ? undefined : propertyFlagError(keyword, parts.flags);
      if (pairError?.stage === 'parse' || (pairError && !flagError))
        errors.push({ message: pairError.message, line: lines.position(pairError.at).line });
      else if (flagError) errors.push({ message: flagError.message, line: lines.position(flagError.flag.span.start).line });
    }
    const di = toInstruction(parts, keyword, instructions.length, stage, text, escapeChar, lines);
    instructions.push(di);
    const stageFlagError =
      buildKitOnly && (keyword === 'COPY' || keyword === 'RUN') ? fromFlagError(keyword, parts.flags, escapeChar) : undefined;
    if (stageFlagError) errors.push({ message: stageFlagError.message, line: lines.position(stageFlagError.flag.span.start).line });
    if (stage === -1 && keyword === 'ARG')
      for (const p of di.properties) globalArgs.set(p.name, p.value === null ? null : substituteVariables(p.value, globalArgs, p));
    if (keyword === 'FROM') {
      const fromError = fromArgumentsError(di.args);
      if (fromError) errors.push({ message: fromError, line: di.line });
      const st = toStage(di, stages.length, stageNames, globalArgs, escapeChar);
      stages.push(st);
      if (st.name !== undefined && !stageNames.has(st.name)) stageNames.set(st.name, st.index);
    } else if (stage >= 0) stages[stage].instructions.push(di);
  }
  if (stages.length > 0) stages[stages.length - 1].isFinal = true;
  return new DockerfileDocument(file, directives, escapeChar, instructions, stages, globalArgs, errors, stageNames);
}

/**
 * Why BuildKit's BFlags.Parse rejects the flags of an ENV, LABEL or ARG, checked in order as it does
 * and worded as it words them (the flag as written, `--` included): ARG knows the boolean --required
 * (no value, or true or false in any case), the others no flag. An unknown flag within two edits of
 * `required` gets BuildKit's suggestion. The value is left out of the message: it may be a secret.
 */
function propertyFlagError(keyword: string, flags: readonly DockerFlag[]): { message: string; flag: DockerFlag } | undefined {
  let required = false;
  for (const flag of flags) {
    const written = `--${flag.name}`;
    if (keyword !== 'ARG' || flag.name !== 'required') {
      const hint = keyword === 'ARG' && near(flag.name, 'required') ? ' (did you mean required?)' : '';
      return { message: `unknown flag: ${written}${hint}`, flag };
    }
    if (required) return { message: `duplicate flag specified: ${written}`, flag };
    required = true;
    if (flag.value === '') return { message: `missing a value on flag: ${written}`, flag };
    if (flag.value !== null && !/^(?:true|false)$/i.test(flag.value))
      return { message: `expecting boolean value for flag ${written}`, flag };
  }
  return undefined;
}

/** A `$` the shell lexer expands: before a name (unicode letters, digits, `_`), a special parameter or `{`. */
const LEXER_DOLLAR = /\$(?:[{@*#?\-$!_]|\p{L}|\p{Nd})/u;
/** COPY's flags BFlags.Parse takes once (`--exclude` may repeat). */
const COPY_SINGLE_FLAGS = new Set(['from', 'chown', 'chmod', 'link', 'parents']);

/**
 * Why BuildKit rejects the stage a COPY --from or RUN --mount from= names. The flag's value is what
 * extractBuilderFlags left (quotes and backslashes taken). COPY: BFlags.Parse first rejects a flag
 * given twice; then dockerfile2llb's toCommand runs the shell lexer on --from with no variables set,
 * returns the lexer's error when it fails ("failed to process %q: …") and rejects a value it changes
 * (a variable, the escape character, quotes): build variables are not substituted in --from. Without
 * `${` the lexer fails only on an unclosed quote, which processWord finds; a `${…}` it may fail on in
 * many ways (missing '}', a `?` modifier, …), so that entry is worded more generally. RUN: parseMount
 * rejects a from= holding a `$` anywhere but last. Not raised for a file named like a Containerfile:
 * podman and buildah expand build ARGs in COPY --from (containers/buildah#4578) and, as imagebuilder's
 * RUN dispatcher expands every flag, in --mount's from= too.
 */
function fromFlagError(keyword: string, flags: readonly DockerFlag[], escape: string): { message: string; flag: DockerFlag } | undefined {
  if (keyword === 'COPY') {
    const seen = new Set<string>();
    for (const flag of flags) {
      if (!COPY_SINGLE_FLAGS.has(flag.name)) continue;
      if (seen.has(flag.name)) return { message: `duplicate flag specified: --${flag.name}`, flag };
      seen.add(flag.name);
    }
    const flag = flags.find((f) => f.name === 'from');
    if (flag?.value == null) return undefined;
    const v = flag.value;
    if (v.includes('${'))
      return {
        message:
          "BuildKit rejects this --from value: variables are not expanded in --from, and BuildKit's shell lexer may fail on its ${…} first; define a new stage with FROM using ARG from global scope as a workaround",
        flag,
      };
    const word = processWord(v, escape);
    if (word.unterminated)
      return { message: `failed to process ${JSON.stringify(v)}: unexpected end of statement while looking for matching ${word.unterminated}`, flag };
    if (word.value !== v || LEXER_DOLLAR.test(v))
      return {
        message: 'variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround',
        flag,
      };
    return undefined;
  }
  for (const flag of flags) {
    if (flag.value === null || flag.name !== 'mount') continue;
    for (const field of flag.value.split(',')) {
      const eq = field.indexOf('=');
      if (eq === -1 || field.slice(0, eq).toLowerCase() !== 'from') continue;
      const dollar = field.indexOf('$', eq + 1);
      if (dollar !== -1 && dollar !== field.length - 1)
        return { message: "'from' doesn't support variable expansion, define alias stage instead", flag };
    }
  }
  return undefined;
}

/** What an instruction is made of. */
interface Parts {
  whole: TextSpan;
  keywordSpan: TextSpan;
  flags: DockerFlag[];
  /** Where the arguments after the flags (and a `--` that ends them) start. */
  argsStart: number;
  args: DockerArg[];
  properties: DockerProperty[];
  heredocs: Array<{ name: string; span: TextSpan; contentSpan: TextSpan | null }>;
  /** Where the command line ends: before the first here-document's body. */
  commandEnd: number;
  /** The strings of the exec (JSON) form; undefined for the shell form. */
  execForm?: LogicalText[];
}

/**
 * An instruction from the reader. Flags are the leading `--name[=value]` words, as BuildKit takes them,
 * of the keywords that have flags; the arguments end where the here-document bodies begin.
 */
function readParts(raw: RawInstruction, keyword: string, text: string, escapeChar: string): Parts {
  const words = raw.args ?? readArguments(text, raw.keywordEnd, raw.lineEnd, escapeChar);
  let flags: DockerFlag[] = [];
  let args = words;
  let argsStart = raw.keywordEnd;
  if (FLAG_KEYWORDS.has(keyword) && words[0]?.value.startsWith('--')) {
    const line = LogicalText.continued(text, words[0].start, raw.lineEnd, escapeChar);
    const read = builderFlags(line.text);
    flags = read.words.map((w) => {
      const eq = w.value.indexOf('=');
      const span = line.span(w.start, w.end);
      return { name: w.value.slice(2, eq === -1 ? undefined : eq), value: eq === -1 ? null : w.value.slice(eq + 1), span };
    });
    const rest = read.rest < line.text.length ? line.span(read.rest, read.rest + 1).start : raw.lineEnd;
    args = words.filter((w) => w.start >= rest);
    argsStart = rest;
  }
  const parts: Parts = {
    whole: { start: raw.start, end: raw.end },
    keywordSpan: { start: raw.start, end: raw.keywordEnd },
    flags,
    argsStart,
    args,
    properties: [],
    heredocs: HEREDOC_KEYWORDS.has(keyword) ? raw.heredocs : [],
    commandEnd: raw.lineEnd,
  };
  const first = keyword === 'HEALTHCHECK' ? (args[0]?.value.toUpperCase() === 'CMD' ? args[1] : undefined) : args[0];
  if (COMMAND_KEYWORDS.has(keyword) && first?.value.startsWith('[')) {
    const execForm = jsonArray(LogicalText.continued(text, first.start, raw.lineEnd, escapeChar));
    if (execForm) parts.execForm = execForm;
  }
  return parts;
}

/** What ends a flag word: unicode.IsSpace, as extractBuilderFlags tests it (its ASCII part; it reads bytes). */
const isFlagSpace = (c: string): boolean => c === '\n' || isReWhitespace(c);

/**
 * The leading `--flag` words of an instruction's line (continuations joined) as BuildKit reads them
 * (parser.go extractBuilderFlags): blanks end a word outside quotes, '…' and "…" hold blanks and are
 * removed, a backslash escapes the next character; a bare `--` ends the flags and is dropped. `rest`
 * is where the other arguments start.
 */
function builderFlags(line: string): { words: Array<{ value: string; start: number; end: number }>; rest: number } {
  const words: Array<{ value: string; start: number; end: number }> = [];
  let i = 0;
  for (;;) {
    while (i < line.length && isFlagSpace(line[i])) i++;
    if (!line.startsWith('--', i)) return { words, rest: i };
    const start = i;
    let value = '';
    let quote = '';
    for (; i < line.length; i++) {
      const c = line[i];
      if (quote === '' && isFlagSpace(c)) break;
      if (quote === '' && (c === '"' || c === "'")) quote = c;
      else if (quote !== '' && c === quote) quote = '';
      else if (c === '\\') {
        if (i + 1 < line.length) value += line[++i];
      } else value += c;
    }
    if (value === '--' && i - start === 2) return { words, rest: i };
    words.push({ value, start, end: i });
  }
}

/** The strings of a JSON array of strings (the exec form), or undefined when the text is not one: BuildKit then runs it as a shell command. */
function jsonArray(lt: LogicalText): LogicalText[] | undefined {
  const raw = lt.text.trimEnd();
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return undefined;
  const out: LogicalText[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== '"') continue;
    let j = i + 1;
    while (raw[j] !== '"') j += raw[j] === '\\' ? 2 : 1;
    const s = LogicalText.jsonString(lt.slice(i, j + 1));
    if (s) out.push(s);
    i = j;
  }
  return out;
}

function toInstruction(
  parts: Parts,
  keyword: string,
  index: number,
  stage: number,
  text: string,
  escapeChar: string,
  lines: LineIndex,
): DockerInstruction {
  const { whole, flags, args, properties, commandEnd, execForm } = parts;
  const heredocs: DockerHeredoc[] = parts.heredocs.map((h) => {
    const contentSpan = h.contentSpan ?? { start: h.span.end, end: h.span.end };
    // BuildKit hands the body over as written (the shell given it joins its own continuations).
    return { name: h.name, content: LogicalText.verbatim(text, contentSpan.start, contentSpan.end), contentSpan, isScript: false };
  });

  let command: LogicalText | undefined;
  if (COMMAND_KEYWORDS.has(keyword) && !execForm) {
    // HEALTHCHECK CMD …: the command follows the CMD word.
    let first = args[0];
    if (keyword === 'HEALTHCHECK' && first?.value.toUpperCase() === 'CMD') first = args[1];
    if (first && first.start < commandEnd) command = LogicalText.continued(text, first.start, commandEnd, escapeChar);
  }
  if (keyword === 'RUN' && heredocs.length > 0) {
    const words = command ? parseShell(command).commands.flatMap((c) => c.words) : [];
    const real = words.filter((w) => !w.raw.startsWith('<<') && !/^\d*[<>]/.test(w.raw));
    const prog = real[0]?.value.slice(real[0].value.lastIndexOf('/') + 1);
    const fedToShell =
      real.length === 0 || (prog !== undefined && SHELLS.has(prog) && shellScriptIndex(real.map((w) => w.value)) === undefined);
    for (const h of heredocs) {
      // BuildKit runs a heredoc that starts with a shebang with that interpreter.
      const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(h.content.text);
      const interp = shebang ? (shebang[1].endsWith('/env') ? (shebang[2] ?? '') : shebang[1]) : undefined;
      h.isScript = fedToShell && (interp === undefined || SHELLS.has(interp.slice(interp.lastIndexOf('/') + 1)));
    }
  }

  return {
    keyword,
    index,
    stage,
    line: lines.position(whole.start).line,
    span: whole,
    keywordSpan: parts.keywordSpan,
    flags,
    args,
    properties,
    ...(execForm ? { execForm } : {}),
    ...(command ? { command } : {}),
    heredocs,
    flag(name: string) {
      return flags.find((f) => f.name.toLowerCase() === name.toLowerCase());
    },
  };
}

/**
 * Why BuildKit rejects a FROM's arguments (instructions/parse.go parseBuildStageName): an image alone,
 * or an image, AS and a stage name that starts with a letter and holds lower-case letters, digits,
 * '-', '_' and '.' only.
 */
function fromArgumentsError(args: readonly DockerArg[]): string | undefined {
  if (args.length === 3 && args[1].value.toUpperCase() === 'AS')
    return /^[a-z][a-z0-9-_.]*$/.test(args[2].value.toLowerCase())
      ? undefined
      : "invalid name for build stage: name can't start with a number or contain symbols";
  return args.length === 1 ? undefined : 'FROM requires either one or three arguments';
}

/** A stage from its FROM: `FROM [--platform=…] image [AS name]`. */
function toStage(
  di: DockerInstruction,
  index: number,
  stageNames: ReadonlyMap<string, number>,
  globalArgs: ReadonlyMap<string, string | null>,
  escape: string,
): DockerStage {
  const [image, as, stageName] = di.args;
  const imageText = image?.value ?? '';
  const imageSpan = image?.span ?? di.keywordSpan;
  const resolvedImage = substituteVariables(imageText, globalArgs, { escape, plainEscapes: image?.plainEscapes });
  const name = stageName && as.value.toUpperCase() === 'AS' ? stageName.value.toLowerCase() : undefined;
  const stage: DockerStage = {
    index,
    from: di,
    imageText,
    imageSpan,
    resolvedImage,
    scratch: resolvedImage.toLowerCase() === 'scratch',
    instructions: [di],
    isFinal: false,
  };
  if (name) stage.name = name;
  const lower = resolvedImage.toLowerCase();
  const base = stageNames.get(lower);
  if (base !== undefined) stage.baseStage = base;
  else if (!stage.scratch) {
    const ref = parseImageRef(resolvedImage);
    if (ref) stage.image = ref;
  }
  return stage;
}
