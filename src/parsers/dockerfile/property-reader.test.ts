import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { dockerfileParser, parseDockerfile } from './dockerfile-parser.js';

const parse = (text: string) => parseDockerfile(new MemorySourceFile('Dockerfile', text));
/** Each pair of the file's ENV, ARG and LABEL: name, value and the text of its span, name span and value span. */
const pairs = (text: string) => {
  const doc = parse(text);
  const at = (s: { start: number; end: number } | undefined) => (s ? text.slice(s.start, s.end) : undefined);
  return doc.instructions.flatMap((i) => i.properties.map((p) => [p.name, p.value, at(p.span), at(p.nameSpan), at(p.valueSpan)]));
};
const errors = (text: string) => parse(text).errors.map((e) => [e.message, e.line]);

// Values as BuildKit gives them (parseNameVal / parseNameOrNameVal, then the shell lexer's ProcessWord),
// variables left unexpanded.
describe('ENV, ARG and LABEL pairs', () => {
  it('removes quotes wherever they stand in a value, as the shell lexer does', () => {
    expect(pairs('FROM a\nENV A=a"b c"d B=\'x y\'z\nENV L a"b c"d \'e\'\n')).toEqual([
      ['A', 'ab cd', 'A=a"b c"d', 'A', 'a"b c"d'],
      ['B', 'x yz', "B='x y'z", 'B', "'x y'z"],
      ['L', 'ab cd e', 'L a"b c"d \'e\'', 'L', 'a"b c"d \'e\''],
    ]);
  });

  it('reads each ARG word as a name or name=value, never the legacy name-value form', () => {
    expect(pairs('FROM a\nARG TOKEN secret\nARG B="x y" C\n')).toEqual([
      ['TOKEN', null, 'TOKEN', 'TOKEN', undefined],
      ['secret', null, 'secret', 'secret', undefined],
      ['B', 'x y', 'B="x y"', 'B', '"x y"'],
      ['C', null, 'C', 'C', undefined],
    ]);
  });

  it('keeps the pairs after a value ending in an escaped escape and a continuation', () => {
    const text = 'FROM a\nENV A=a\\\\ \\\n  B=2 \\\n  # c\n  C="3"\n';
    expect(pairs(text)).toEqual([
      ['A', 'a\\', 'A=a\\\\', 'A', 'a\\\\'],
      ['B', '2', 'B=2', 'B', '2'],
      ['C', '3', 'C="3"', 'C', '"3"'],
    ]);
  });

  it('splits the legacy form at the first blank, escaped or not, and keeps the value to the end of the line', () => {
    expect(pairs('FROM a\nENV a\\ b c\nLABEL K  v \\\n  w\n')).toEqual([
      ['a', 'b c', 'a\\ b c', 'a\\', 'b c'],
      ['K', 'v   w', 'K  v \\\n  w', 'K', 'v \\\n  w'],
    ]);
  });

  it('keeps the offsets of a $ that starts no variable beside the value, so it is not substituted', () => {
    const text = 'FROM a\nENV A=\\$HOME B=\'$HOME\' C="\\$HOME" D=$HOME E=a\\\\$HOME\n';
    const doc = parse(text.replace('FROM a\n', 'FROM a\nENV HOME=/root\n') + 'USER x\n');
    expect(doc.instructions[2].properties.map((p) => [p.name, p.value, [...(p.literalDollars ?? [])]])).toEqual([
      ['A', '$HOME', [0]],
      ['B', '$HOME', [0]],
      ['C', '$HOME', [0]],
      ['D', '$HOME', []],
      ['E', 'a\\$HOME', []],
    ]);
    expect([...doc.variablesAt(doc.byKeyword('USER')[0])]).toEqual([
      ['HOME', '/root'],
      ['A', '$HOME'],
      ['B', '$HOME'],
      ['C', '$HOME'],
      ['D', '/root'],
      ['E', 'a\\/root'],
    ]);
  });

  it('takes escapes inside double quotes for ", $ and the escape only, and the escape directive for the escape', () => {
    expect(pairs('FROM a\nENV A="a\\"b\\\\c\\d"\n').map(([n, v]) => [n, v])).toEqual([['A', 'a"b\\c\\d']]);
    expect(pairs('# escape=`\nFROM a\nENV P="C:\\dir" Q=C:\\x `\n  R="a`"b"\n').map(([n, v]) => [n, v])).toEqual([
      ['P', 'C:\\dir'],
      ['Q', 'C:\\x'],
      ['R', 'a"b'],
    ]);
  });

  it('reports what makes BuildKit reject the instruction as an error, never with the word itself', () => {
    expect(errors('FROM a\nENV A=1 ghp_secretvalue\nLABEL only\nENV B="open\nARG\nENV =x\nENV C=1\n')).toEqual([
      ["Syntax error - can't find = in a word of ENV. Must be of the form: name=value", 2],
      ['LABEL must have two arguments', 3],
      ['unexpected end of statement while looking for matching double-quote', 4],
      ['ARG requires at least one argument', 5],
      ['ENV names can not be blank', 6],
    ]);
    const out = dockerfileParser.parse(new MemorySourceFile('Dockerfile', 'FROM a\nENV A="open\n'), { limits: DEFAULT_LIMITS });
    expect(out.errors).toEqual([{ message: 'unexpected end of statement while looking for matching double-quote', line: 2 }]);
    expect(out.documents).toHaveLength(1);
  });

  // BuildKit takes the leading --flags of any instruction; ENV and LABEL know none, ARG only --required.
  it('reports a flag ENV or LABEL does not know and reads the pairs after the flags', () => {
    const text = 'FROM a\nENV --x A=1\nLABEL --y=z k=v\nARG --required TOKEN\n';
    expect(errors(text)).toEqual([
      ['unknown flag: --x', 2],
      ['unknown flag: --y', 3],
    ]);
    expect(pairs(text).map(([n, v]) => [n, v])).toEqual([
      ['A', '1'],
      ['k', 'v'],
      ['TOKEN', null],
    ]);
  });

  // BuildKit's BFlags.Parse words it so, and suggests a known flag within two edits (util/suggest).
  it('names an unknown flag as written and suggests --required to ARG for a near miss', () => {
    expect(errors('FROM a\nARG --requird A\nARG --Required B\nARG --req C\nENV --required D=1\n')).toEqual([
      ['unknown flag: --requird (did you mean required?)', 2],
      ['unknown flag: --Required (did you mean required?)', 3],
      ['unknown flag: --req', 4],
      ['unknown flag: --required', 5],
    ]);
  });

  // BuildKit's BFlags.Parse takes --required as a boolean: true or false in any case, or no value.
  it('reports a value of ARG --required that is no boolean, without the value', () => {
    const secret = 'hf_' + 'a'.repeat(34);
    const text = `FROM a\nARG --required=TRUE A\nARG --required=false B\nARG --required=yes C\nARG --required=${secret} D\nARG --required= E\nARG --required --required F\n`;
    expect(errors(text)).toEqual([
      ['expecting boolean value for flag --required', 4],
      ['expecting boolean value for flag --required', 5],
      ['missing a value on flag: --required', 6],
      ['duplicate flag specified: --required', 7],
    ]);
    expect(pairs(text).map(([n]) => n)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
  });

  // BuildKit stops at an instruction's first error: parseArg asks for a name before it parses the flags,
  // parseEnv and parseLabel parse the flags first. extractBuilderFlags drops a `--` that ends the flags.
  it('reports the first error of an ENV, LABEL or ARG only, in the order BuildKit checks them, and reads the names after --', () => {
    const text = 'FROM a\nARG --required=x\nARG -- A\nARG --required -- B=1\nENV --x\n';
    expect(errors(text)).toEqual([
      ['ARG requires at least one argument', 2],
      ['unknown flag: --x', 5],
    ]);
    expect(pairs(text)).toEqual([
      ['A', null, 'A', 'A', undefined],
      ['B', '1', 'B=1', 'B', '1'],
    ]);
  });

  // parseNameVal's errors come while the file is parsed, before parseEnv and parseLabel parse the flags
  // and parseKvps checks the names (instructions/parse.go); the shell lexer's come last, when words expand.
  it('reports what the parser rejects before a flag error, and a flag error before a blank name', () => {
    const text = 'FROM a\nENV --x A\nLABEL --y a=1 b\nENV =x y\nENV --x =1\nARG --x =1\nENV =1 B="open\n';
    expect(errors(text)).toEqual([
      ['ENV must have two arguments', 2],
      ["Syntax error - can't find = in a word of LABEL. Must be of the form: name=value", 3],
      ["Syntax error - can't find = in a word of ENV. Must be of the form: name=value", 4],
      ['unknown flag: --x', 5],
      ['unknown flag: --x', 6],
      ['ENV names can not be blank', 7],
    ]);
  });
});
