import type * as DockerfileAst from 'dockerfile-ast';
import type { Heredoc, Instruction } from 'dockerfile-ast';
import type { TextSpan } from '../../core/document.js';
import { lazyModule } from '../../core/lazy-module.js';
import { LineIndex } from '../../core/line-index.js';
import { ParseFailure, type ParseContext, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { parseImageRef, substituteVariables } from './image-ref.js';
import { LogicalText } from './logical-text.js';
import { readArguments, readInstructions, type RawInstruction } from './instruction-reader.js';
import { parseShell } from '../shell/shell.js';
import {
  DockerfileDocument,
  SHELLS,
  shellScriptIndex,
  type DockerArg,
  type DockerDirective,
  type DockerFlag,
  type DockerHeredoc,
  type DockerInstruction,
  type DockerProperty,
  type DockerStage,
} from './dockerfile-document.js';

interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

// The Dockerfile syntax library loads when the first Dockerfile is parsed.
const ast = lazyModule<typeof DockerfileAst>('dockerfile-ast');

/** `Dockerfile`, `Containerfile`, `Dockerfile.gpu`, `api.Dockerfile`, `api.containerfile`. */
export function isDockerfileName(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (/\.(dockerignore|containerignore|md|txt|json|ya?ml|sh|py)$/i.test(name) && !/^(docker|container)file$/i.test(name)) return false;
  return /^(docker|container)file([._-].+)?$/i.test(name) || /.\.(docker|container)file$/i.test(name);
}

const COMMAND_KEYWORDS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'HEALTHCHECK', 'SHELL']);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/** Real Dockerfiles are a few KiB; dockerfile-ast (which still parses every instruction but RUN) slows down superlinearly on huge single instructions. */
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
    return { documents: [parseDockerfile(file)] };
  },
};

export function parseDockerfile(file: SourceFile): DockerfileDocument {
  const text = file.text();
  const lines = new LineIndex(text);
  const off = astOffset(text, lines);
  const span = (r: LspRange): TextSpan => ({ start: off(r.start), end: off(r.end) });

  let df;
  let runs: RawInstruction[];
  try {
    // The escape directive decides where instructions end; only the comment lines that open the file can hold it.
    const escapeChar =
      ast()
        .DockerfileParser.parse(text.slice(0, headerEnd(text)))
        .getEscapeCharacter() || '\\';
    // RUN instructions are read here; dockerfile-ast gets the text with them blanked out (same offsets).
    runs = readInstructions(text, escapeChar).filter((r) => r.keyword.toUpperCase() === 'RUN');
    df = ast().DockerfileParser.parse(blankOut(text, runs));
  } catch (e) {
    throw new ParseFailure(`Dockerfile parse error: ${(e as Error).message ?? String(e)}`);
  }
  const escapeChar = df.getEscapeCharacter() || '\\';
  const directives: DockerDirective[] = df.getDirectives().map((d) => ({
    name: d.getName().toLowerCase(),
    value: d.getValue(),
    span: span(d.getRange()),
  }));

  const instructions: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  const globalArgs = new Map<string, string | null>();

  const others = df.getInstructions();
  let o = 0;
  let r = 0;
  while (o < others.length || r < runs.length) {
    const ins = others[o];
    const run = runs[r];
    const takeRun = run !== undefined && (ins === undefined || run.start < off(ins.getRange().start));
    const keyword = takeRun ? 'RUN' : ins.getKeyword().toUpperCase();
    const stage = keyword === 'FROM' ? stages.length : stages.length - 1;
    const parts = takeRun ? runParts(run, text, escapeChar) : astParts(ins, keyword, text, span);
    const di = toInstruction(parts, keyword, instructions.length, stage, text, escapeChar, lines);
    instructions.push(di);
    if (stage === -1 && keyword === 'ARG')
      for (const p of di.properties) globalArgs.set(p.name, p.value === null ? null : substituteVariables(p.value, globalArgs));
    if (keyword === 'FROM') stages.push(toStage(ins, di, stages, globalArgs, span));
    else if (stage >= 0) stages[stage].instructions.push(di);
    if (takeRun) r++;
    else o++;
  }
  if (stages.length > 0) stages[stages.length - 1].isFinal = true;
  return new DockerfileDocument(file, directives, escapeChar, instructions, stages, globalArgs);
}

/**
 * The offset of a dockerfile-ast position. Its lines end at CRLF, LF and a bare CR too (LineIndex's
 * end at LF only, as BuildKit's), so a text with a bare CR has its own line starts here.
 */
function astOffset(text: string, lines: LineIndex): (p: { line: number; character: number }) => number {
  if (!/\r(?!\n)/.test(text)) return (p) => lines.offset(p.line + 1, p.character + 1);
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (p) => Math.min(starts[Math.min(Math.max(p.line, 0), starts.length - 1)] + p.character, text.length);
}

/** End of the comment lines (and blank-prefixed comment lines) that open the file, where parser directives stand. */
function headerEnd(text: string): number {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (;;) {
    let j = i;
    while (text[j] === ' ' || text[j] === '\t') j++;
    if (text[j] !== '#') return i;
    const nl = text.indexOf('\n', j);
    if (nl === -1) return text.length;
    i = nl + 1;
  }
}

/** The text with the given instructions' characters, line breaks aside, turned into spaces. */
function blankOut(text: string, instructions: readonly RawInstruction[]): string {
  if (instructions.length === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const ins of instructions) {
    parts.push(text.slice(at, ins.start), text.slice(ins.start, ins.end).replace(/[^\r\n]/g, ' '));
    at = ins.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** What an instruction is made of, from dockerfile-ast or from the reader. */
interface Parts {
  whole: TextSpan;
  keywordSpan: TextSpan;
  flags: DockerFlag[];
  args: DockerArg[];
  properties: DockerProperty[];
  heredocs: Array<{ name: string; span: TextSpan; contentSpan: TextSpan | null }>;
  /** Where the command line ends: before the first here-document's body. */
  commandEnd: number;
  /** The strings of the exec (JSON) form; undefined for the shell form. */
  execForm?: LogicalText[];
}

function astParts(ins: Instruction, keyword: string, text: string, span: (r: LspRange) => TextSpan): Parts {
  const whole = span(ins.getRange());
  const flags: DockerFlag[] =
    ins instanceof ast().ModifiableInstruction
      ? ins.getFlags().map((f) => ({ name: f.getName(), value: f.getValue(), span: span(f.getRange()) }))
      : [];
  const args: DockerArg[] = ins.getArguments().map((a) => ({ value: a.getValue(), span: span(a.getRange()) }));
  const properties: DockerProperty[] = [];
  for (const p of ins instanceof ast().PropertyInstruction ? ins.getProperties() : []) {
    const vr = p.getValueRange();
    const prop: DockerProperty = { name: p.getName(), value: p.getValue(), span: span(p.getRange()), nameSpan: span(p.getNameRange()) };
    if (vr) prop.valueSpan = span(vr);
    properties.push(prop);
  }
  const heredocs: Parts['heredocs'] = [];
  let commandEnd = whole.end;
  if (HEREDOC_KEYWORDS.has(keyword)) {
    const hs = heredocsOf(ins);
    if (hs.length > 0) {
      const firstStart = span(hs[0].getStartRange()).start;
      const nl = text.indexOf('\n', firstStart);
      commandEnd = nl === -1 || nl > whole.end ? whole.end : nl;
    }
    for (const h of hs) {
      const cr = h.getContentRange();
      heredocs.push({ name: h.getName(), span: span(h.getStartRange()), contentSpan: cr ? span(cr) : null });
    }
  }
  let execForm: LogicalText[] | undefined;
  if (
    COMMAND_KEYWORDS.has(keyword) &&
    ins instanceof ast().JSONInstruction &&
    ins.getOpeningBracket() !== null &&
    ins.getClosingBracket() !== null
  ) {
    execForm = [];
    for (const j of ins.getJSONStrings()) {
      const s = span(j.getRange());
      const lt = LogicalText.jsonString(LogicalText.verbatim(text, s.start, s.end));
      if (lt) execForm.push(lt);
    }
  }
  return {
    whole,
    keywordSpan: span(ins.getInstructionRange()),
    flags,
    args,
    properties,
    heredocs,
    commandEnd,
    ...(execForm ? { execForm } : {}),
  };
}

/** A RUN from the reader: flags are the leading `--name[=value]` words, as BuildKit takes them. */
function runParts(run: RawInstruction, text: string, escapeChar: string): Parts {
  const words = readArguments(text, run.keywordEnd, run.lineEnd, escapeChar);
  let f = 0;
  while (f < words.length && words[f].value.startsWith('--')) f++;
  const flags: DockerFlag[] = words.slice(0, f).map((w) => {
    const eq = w.value.indexOf('=');
    return { name: w.value.slice(2, eq === -1 ? undefined : eq), value: eq === -1 ? null : w.value.slice(eq + 1), span: w.span };
  });
  const args = words.slice(f);
  const parts: Parts = {
    whole: { start: run.start, end: run.end },
    keywordSpan: { start: run.start, end: run.keywordEnd },
    flags,
    args,
    properties: [],
    heredocs: run.heredocs,
    commandEnd: run.lineEnd,
  };
  const first = args[0];
  if (first?.value.startsWith('[')) {
    const execForm = jsonArray(LogicalText.continued(text, first.span.start, run.lineEnd, escapeChar));
    if (execForm) parts.execForm = execForm;
  }
  return parts;
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
    return { name: h.name, content: LogicalText.continued(text, contentSpan.start, contentSpan.end, '\\'), contentSpan, isScript: false };
  });

  let command: LogicalText | undefined;
  if (COMMAND_KEYWORDS.has(keyword) && !execForm) {
    // HEALTHCHECK CMD …: the command follows the CMD word.
    let first = args[0];
    if (keyword === 'HEALTHCHECK' && first?.value.toUpperCase() === 'CMD') first = args[1];
    if (first && first.span.start < commandEnd) command = LogicalText.continued(text, first.span.start, commandEnd, escapeChar);
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

/** Here-documents of RUN, COPY and ADD (dockerfile-ast parses them for every instruction but exposes them only on RUN and COPY). */
function heredocsOf(ins: Instruction): Heredoc[] {
  if (ins instanceof ast().Run || ins instanceof ast().Copy) return ins.getHeredocs();
  return (ins as unknown as { getHeredocs(): Heredoc[] }).getHeredocs();
}

function toStage(
  ins: Instruction,
  di: DockerInstruction,
  stages: DockerStage[],
  globalArgs: ReadonlyMap<string, string | null>,
  span: (r: LspRange) => TextSpan,
): DockerStage {
  if (!(ins instanceof ast().From)) throw new ParseFailure(`line ${di.line}: FROM instruction not recognised`, di.line);
  const from = ins;
  const imageText = from.getImage() ?? '';
  const ir = from.getImageRange();
  const imageSpan = ir ? span(ir) : di.keywordSpan;
  const resolvedImage = substituteVariables(imageText, globalArgs);
  const name = from.getBuildStage()?.toLowerCase() ?? undefined;
  const stage: DockerStage = {
    index: stages.length,
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
  const base = stages.find((s) => s.name === lower);
  if (base) stage.baseStage = base.index;
  else if (!stage.scratch) {
    const ref = parseImageRef(resolvedImage);
    if (ref) stage.image = ref;
  }
  return stage;
}
