import type * as DockerfileAst from 'dockerfile-ast';
import type { Heredoc, Instruction } from 'dockerfile-ast';
import type { TextSpan } from '../../core/document.js';
import { lazyModule } from '../../core/lazy-module.js';
import { LineIndex } from '../../core/line-index.js';
import { ParseFailure, type ParseContext, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { parseImageRef, substituteVariables } from './image-ref.js';
import { LogicalText } from './logical-text.js';
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

/** Real Dockerfiles are a few KiB; dockerfile-ast slows down superlinearly on huge single instructions. */
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
  const off = (p: { line: number; character: number }): number => lines.offset(p.line + 1, p.character + 1);
  const span = (r: LspRange): TextSpan => ({ start: off(r.start), end: off(r.end) });

  let df;
  try {
    df = ast().DockerfileParser.parse(text);
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

  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword().toUpperCase();
    const stage = keyword === 'FROM' ? stages.length : stages.length - 1;
    const di = toInstruction(ins, keyword, instructions.length, stage, text, escapeChar, span, lines);
    instructions.push(di);
    if (stage === -1 && keyword === 'ARG')
      for (const p of di.properties) globalArgs.set(p.name, p.value === null ? null : substituteVariables(p.value, globalArgs));
    if (keyword === 'FROM') stages.push(toStage(ins, di, stages, globalArgs, span));
    else if (stage >= 0) stages[stage].instructions.push(di);
  }
  if (stages.length > 0) stages[stages.length - 1].isFinal = true;
  return new DockerfileDocument(file, directives, escapeChar, instructions, stages, globalArgs);
}

function toInstruction(
  ins: Instruction,
  keyword: string,
  index: number,
  stage: number,
  text: string,
  escapeChar: string,
  span: (r: LspRange) => TextSpan,
  lines: LineIndex,
): DockerInstruction {
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

  const heredocs: DockerHeredoc[] = [];
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
      const contentSpan = cr ? span(cr) : { start: span(h.getStartRange()).end, end: span(h.getStartRange()).end };
      heredocs.push({
        name: h.getName(),
        content: LogicalText.continued(text, contentSpan.start, contentSpan.end, '\\'),
        contentSpan,
        isScript: false,
      });
    }
  }

  let execForm: LogicalText[] | undefined;
  let command: LogicalText | undefined;
  if (COMMAND_KEYWORDS.has(keyword)) {
    const json = ins instanceof ast().JSONInstruction ? ins.getJSONStrings() : [];
    const isExec = ins instanceof ast().JSONInstruction && ins.getOpeningBracket() !== null && ins.getClosingBracket() !== null;
    if (isExec) {
      execForm = [];
      for (const j of json) {
        const s = span(j.getRange());
        const lt = LogicalText.jsonString(text.slice(s.start, s.end), s.start);
        if (lt) execForm.push(lt);
      }
    } else {
      // HEALTHCHECK CMD …: the command follows the CMD word.
      let first = args[0];
      if (keyword === 'HEALTHCHECK' && first?.value.toUpperCase() === 'CMD') first = args[1];
      if (first && first.span.start < commandEnd) command = LogicalText.continued(text, first.span.start, commandEnd, escapeChar);
    }
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

  const kw = span(ins.getInstructionRange());
  return {
    keyword,
    index,
    stage,
    line: lines.position(whole.start).line,
    span: whole,
    keywordSpan: kw,
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
