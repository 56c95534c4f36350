import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { DEFAULT_LIMITS } from '../../core/parser.js';
import { fakes } from '../../rules/secrets/lib/fakes.js';
import openai from '../../rules/secrets/openai-api-key.js';
import huggingface from '../../rules/secrets/huggingface-token.js';
import aws from '../../rules/secrets/aws-credentials.js';
import { runRule } from '../../testing/rule-tester.js';
import { NotebookTextDocument, notebookParser } from './notebook-parser.js';
import { parseJsonTree } from './json-tree.js';

const key = fakes.openaiProject('nb');
const hf = fakes.huggingface('nb');
const png = `iVBORw0KGgoAAAANSUhEUgAA+${fakes.awsAccessKeyId('img')}/AAAABJRU5ErkJggg==`;

const notebook = JSON.stringify(
  {
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Fine-tuning run\n', 'Uses the "OpenAI" API.'] },
      {
        cell_type: 'code',
        execution_count: 1,
        metadata: {},
        source: ['import os\n', `print("\\t key:", "${key}")\n`],
        outputs: [
          { name: 'stdout', output_type: 'stream', text: ['\tkey: ', `${hf}\n`] },
          { output_type: 'display_data', metadata: {}, data: { 'image/png': png, 'text/plain': ['<Figure size 640x480>'] } },
        ],
      },
      {
        cell_type: 'code',
        execution_count: 2,
        metadata: {},
        source: 'login()',
        outputs: [
          { output_type: 'error', ename: 'ValueError', evalue: `bad token "${hf}"`, traceback: ['\u001b[0;31mValueError\u001b[0m'] },
        ],
      },
    ],
    metadata: { kernelspec: { name: 'python3' }, papermill: { parameters: { wandb_key: 'x', hf: hf } } },
    nbformat: 4,
    nbformat_minor: 5,
  },
  null,
  1,
);

function position(text: string, needle: string, from = 0): { line: number; column: number } {
  const i = text.indexOf(needle, from);
  const before = text.slice(0, i);
  return { line: before.split('\n').length, column: i - before.lastIndexOf('\n') };
}

describe('notebook parser', () => {
  it('yields one document per cell source and per text output, with cell details', () => {
    const out = notebookParser.parse(new MemorySourceFile('train.ipynb', notebook), { limits: DEFAULT_LIMITS });
    const docs = out.documents.filter((d): d is NotebookTextDocument => d.kind === 'notebook-text');
    expect(docs.map((d) => d.detail)).toEqual([
      'cell 1',
      'cell 2',
      'cell 2, output 1',
      'cell 2, output 2',
      'cell 3',
      'cell 3, output 1',
      'notebook metadata',
    ]);
    expect(docs[1].text).toBe(`import os\nprint("\\t key:", "${key}")\n`);
    expect(docs[1].isCode).toBe(true);
    expect(docs[0].isCode).toBe(false);
    expect(docs[3].text).toBe('<Figure size 640x480>');
    expect(docs[6].text).toBe(`python3\nx\n${hf}`);
  });

  it('reports a key in a cell source at its exact place in the file, with the cell number', () => {
    const { findings } = runRule(openai, { path: 'train.ipynb', content: notebook });
    const p = position(notebook, key);
    expect(
      findings.map((f) => [f.location.detail, f.location.startLine, f.location.startColumn, f.location.endLine, f.location.endColumn]),
    ).toEqual([['cell 2', p.line, p.column, p.line, p.column + key.length]]);
    expect(p.line).toBe(17);
  });

  it('reports keys in stored outputs (stream text, error values) and notebook metadata, and skips images', () => {
    const hfFindings = runRule(huggingface, { path: 'train.ipynb', content: notebook }).findings;
    const first = position(notebook, hf);
    const second = position(notebook, hf, notebook.indexOf(hf) + 1);
    const third = position(notebook, hf, notebook.lastIndexOf(hf));
    expect(hfFindings.map((f) => [f.location.detail, f.location.startLine, f.location.startColumn, f.location.endColumn])).toEqual([
      ['cell 2, output 1', first.line, first.column, first.column + hf.length],
      ['cell 3, output 1', second.line, second.column, second.column + hf.length],
      ['notebook metadata', third.line, third.column, third.column + hf.length],
    ]);
    expect(runRule(aws, { path: 'train.ipynb', content: notebook }).findings).toEqual([]);
  });

  it('maps positions through JSON escapes', () => {
    const nb = `{"cells": [{"cell_type": "code", "source": ["x = \\"\\u00e9\\\\\\" ${key}\\""], "outputs": []}]}`;
    const { findings } = runRule(openai, { path: 'x.ipynb', content: nb });
    const p = position(nb, key);
    expect(findings.map((f) => [f.location.startLine, f.location.startColumn, f.location.endColumn])).toEqual([
      [1, p.column, p.column + key.length],
    ]);
  });

  it('scans a file that is not valid notebook JSON as text, with an error entry', () => {
    const { findings, errors } = runRule(openai, { path: 'broken.ipynb', content: `{"cells": [ "${key}"` });
    expect(errors).toEqual([
      { path: 'broken.ipynb', message: "invalid notebook JSON at line 1: expected ',' or ']'; scanned as plain text", line: 1 },
    ]);
    expect(findings.map((f) => [f.location.startLine, f.location.startColumn])).toEqual([[1, 14]]);
  });

  it('falls back to plain text on an invalid escape', () => {
    const { findings, errors } = runRule(openai, { path: 'bad.ipynb', content: `{"cells": [{"source": ["\\x41 ${key}"]}]}` });
    expect(errors).toEqual([{ path: 'bad.ipynb', message: 'invalid escape in a JSON string; scanned as plain text' }]);
    expect(findings).toHaveLength(1);
  });

  it('supports the nbformat 3 worksheets layout', () => {
    const nb3 = JSON.stringify({ worksheets: [{ cells: [{ cell_type: 'code', input: [`k = "${key}"`], outputs: [] }] }], nbformat: 3 });
    expect(runRule(openai, { path: 'old.ipynb', content: nb3 }).findings.map((f) => f.location.detail)).toEqual(['cell 1']);
  });

  it('joins a cell of many lines in linear time', () => {
    // Found by the fuzzer: an 825 KB notebook took 20 s, each of its lines flattening the text joined so far.
    const lines = Array.from({ length: 100_000 }, (_, i) => `x${i} = ${i}  # line\n`);
    const nb = JSON.stringify({
      cells: [{ cell_type: 'code', source: lines, outputs: [{ output_type: 'stream', text: ['a', 'b\n', '', 'c'] }] }],
      nbformat: 4,
    });
    const docs = notebookParser
      .parse(new MemorySourceFile('long.ipynb', nb), { limits: DEFAULT_LIMITS })
      .documents.filter((d): d is NotebookTextDocument => d.kind === 'notebook-text');
    expect(docs.map((d) => d.detail)).toEqual(['cell 1', 'cell 1, output 1']);
    expect(docs[0].text).toBe(lines.join(''));
    expect(docs[1].text).toBe('a\nb\nc');
  });

  it('bounds nesting depth', () => {
    expect(() => parseJsonTree('['.repeat(200) + ']'.repeat(200), 100)).toThrow(/nesting deeper than 100 levels/);
  });
});
