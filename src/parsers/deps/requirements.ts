import { parsePep508, pinnedVersion } from './pep508.js';
import { emptyManifest, type DeclaredDependency, type DependencyManifest, type PackageSource } from './types.js';

/** pip options that take a value, with the role the value plays. */
const VALUE_OPTIONS: Record<string, 'requirement' | 'constraint' | 'index' | 'extra-index' | 'find-links' | 'editable' | 'other'> = {
  '-r': 'requirement',
  '--requirement': 'requirement',
  '-c': 'constraint',
  '--constraint': 'constraint',
  '-i': 'index',
  '--index-url': 'index',
  '--extra-index-url': 'extra-index',
  '-f': 'find-links',
  '--find-links': 'find-links',
  '-e': 'editable',
  '--editable': 'editable',
  '--trusted-host': 'other',
  '--no-binary': 'other',
  '--only-binary': 'other',
  '--use-feature': 'other',
  '--config-settings': 'other',
  '--global-option': 'other',
};

const VCS = /^(?:git|hg|svn|bzr)\+/i;
const URL_LIKE = /^(?:https?|file|ftp):\/\//i;

/**
 * A pip requirements file (`requirements*.txt`, constraints, pip-tools inputs): one requirement per
 * logical line, with pip's options, `--hash`es, URL/VCS/path and editable requirements. Nothing is
 * resolved or fetched; included files are recorded and read when the scan reaches them.
 */
export function parseRequirements(text: string, path: string): DependencyManifest {
  const manifest = emptyManifest('requirements', false, !/\.in$/i.test(path));
  for (const line of logicalLines(text)) readLine(line, manifest);
  return manifest;
}

interface LogicalLine {
  /** Joined text of the continued physical lines, comment removed. */
  text: string;
  /** Offset in the file of each character of `text`. */
  offsets: number[];
  line: number;
}

/** Joins `\`-continued lines and drops comments (`#` at the start or after whitespace), keeping offsets. */
function* logicalLines(text: string): Generator<LogicalLine> {
  let buf = '';
  let offsets: number[] = [];
  let startLine = 1;
  let lineNo = 0;
  let pos = 0;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl === -1 ? text.length : nl;
    lineNo++;
    let raw = text.slice(pos, end);
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (buf === '') startLine = lineNo;
    const continued = raw.endsWith('\\');
    const body = continued ? raw.slice(0, -1) : raw;
    for (let i = 0; i < body.length; i++) offsets.push(pos + i);
    buf += body;
    if (!continued || nl === -1) {
      const comment = /(?:^|\s)#/.exec(buf);
      const kept = comment ? buf.slice(0, comment.index) : buf;
      if (kept.trim() !== '') yield { text: kept, offsets: offsets.slice(0, kept.length), line: startLine };
      buf = '';
      offsets = [];
    }
    if (nl === -1) break;
    pos = nl + 1;
  }
}

interface Token {
  value: string;
  start: number;
  end: number;
}

function tokens(line: LogicalLine): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  for (let m = re.exec(line.text); m; m = re.exec(line.text)) out.push({ value: m[0], start: m.index, end: m.index + m[0].length });
  return out;
}

function span(line: LogicalLine, start: number, end: number): { start: number; end: number } {
  return { start: line.offsets[start], end: line.offsets[end - 1] + 1 };
}

function readLine(line: LogicalLine, manifest: DependencyManifest): void {
  const toks = tokens(line);
  if (toks.length === 0) return;
  const first = toks[0];
  if (first.value.startsWith('-')) {
    const [opt, inline] = splitOption(first.value);
    const role = VALUE_OPTIONS[opt];
    if (!role) return; // flags such as --pre, --no-index
    let valueTok: Token | undefined;
    if (inline !== undefined) valueTok = { value: inline, start: first.end - inline.length, end: first.end };
    else valueTok = toks[1];
    if (!valueTok) {
      manifest.problems.push({ message: `line ${line.line}: option ${opt} has no value`, line: line.line });
      return;
    }
    const where = span(line, first.start, valueTok.end);
    if (role === 'requirement' || role === 'constraint')
      manifest.includes.push({ path: valueTok.value, constraint: role === 'constraint', span: where });
    else if (role === 'index') manifest.indexes.push({ url: valueTok.value, role: 'primary', span: where });
    else if (role === 'extra-index') manifest.indexes.push({ url: valueTok.value, role: 'extra', span: where });
    else if (role === 'find-links') manifest.indexes.push({ url: valueTok.value, role: 'find-links', span: where });
    else if (role === 'editable') {
      const rest = inline !== undefined ? [valueTok, ...toks.slice(1)] : toks.slice(1);
      const dep = requirement(line, rest, manifest);
      if (dep) dep.editable = true;
    }
    return;
  }
  requirement(line, toks, manifest);
}

function splitOption(tok: string): [string, string | undefined] {
  const eq = tok.indexOf('=');
  if (tok.startsWith('--')) return eq === -1 ? [tok, undefined] : [tok.slice(0, eq), tok.slice(eq + 1)];
  // Short options may carry their value attached: -rbase.txt
  if (tok.length > 2) return [tok.slice(0, 2), tok.slice(2).replace(/^=/, '')];
  return [tok, undefined];
}

/** Reads a requirement and its per-requirement options (`--hash=…`) from the tokens of a line. */
function requirement(line: LogicalLine, toks: Token[], manifest: DependencyManifest): DeclaredDependency | undefined {
  const optAt = toks.findIndex((t, i) => i > 0 && t.value.startsWith('--'));
  const reqToks = optAt === -1 ? toks : toks.slice(0, optAt);
  const hashes: string[] = [];
  for (const t of optAt === -1 ? [] : toks.slice(optAt)) {
    const m = /^--hash[=:]?(.*)$/.exec(t.value);
    if (m && m[1]) hashes.push(m[1].replace(/^=/, ''));
  }
  const start = reqToks[0].start;
  const end = reqToks[reqToks.length - 1].end;
  const text = line.text.slice(start, end).trim();
  const where = span(line, start, end);
  const dep = fromText(text);
  if (!dep) {
    manifest.problems.push({ message: `line ${line.line}: cannot read the requirement '${text.slice(0, 80)}'`, line: line.line });
    return undefined;
  }
  const full: DeclaredDependency = { ecosystem: 'PyPI', ...dep, direct: true, span: where };
  if (hashes.length) full.hashes = hashes;
  manifest.packages.push(full);
  return full;
}

type Parsed = Omit<DeclaredDependency, 'ecosystem' | 'span' | 'direct'>;

/** A requirement's name, version and source from its text: PEP 508, a URL, a VCS reference or a path. */
export function fromText(text: string): Parsed | undefined {
  const pep508Url = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\]\s*)?@/.test(text);
  if (!pep508Url && (VCS.test(text) || URL_LIKE.test(text) || /^[./~]/.test(text) || /\.(?:whl|tar\.gz|zip|tgz)$/i.test(text))) {
    const source: PackageSource = { kind: VCS.test(text) ? 'vcs' : URL_LIKE.test(text) ? 'url' : 'path', location: text };
    const egg = /[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(text);
    const wheel = /([A-Za-z0-9][A-Za-z0-9._]*)-(\d[^-/]*)-[^/]*\.whl$/i.exec(text);
    const name = egg?.[1] ?? wheel?.[1]?.replace(/_/g, '-');
    if (!name) return { name: text, source };
    const out: Parsed = { name, source };
    if (wheel) out.version = wheel[2];
    return out;
  }
  const req = parsePep508(text);
  if (!req) return undefined;
  const out: Parsed = { name: req.name };
  if (req.extras.length) out.extras = req.extras;
  if (req.marker) out.marker = req.marker;
  if (req.url) {
    out.source = { kind: VCS.test(req.url) ? 'vcs' : URL_LIKE.test(req.url) ? 'url' : 'path', location: req.url };
    return out;
  }
  const version = pinnedVersion(req.specifier);
  if (version) out.version = version;
  if (req.specifier && !(version && /^===?[^,]*$/.test(req.specifier))) out.requirement = req.specifier;
  return out;
}
