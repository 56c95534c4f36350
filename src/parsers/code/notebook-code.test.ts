import { describe, expect, it } from 'vitest';
import rule from '../../rules/code/llm-output-shell-command.js';
import trust from '../../rules/code/model-load-trust-remote-code.js';
import { runRule } from '../../testing/rule-tester.js';

const notebook = (cells: Array<{ type?: string; source: string[] }>) =>
  JSON.stringify(
    {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: cells.map((c) => ({ cell_type: c.type ?? 'code', metadata: {}, source: c.source, outputs: [], execution_count: null })),
    },
    null,
    1,
  ) + '\n';

describe('notebook code cells', () => {
  it('are one program: model output flows from cell to cell, located in the .ipynb file', () => {
    const text = notebook([
      { source: ['%pip install openai\n', 'import subprocess\n'] },
      { type: 'markdown', source: ['Run what the model says:\n'] },
      { source: ['cmd = llm.invoke("list files").content\n'] },
      { source: ['!ls\n', 'subprocess.run(cmd, shell=True)\n'] },
    ]);
    const { findings, errors } = runRule(rule, { path: 'nb/explore.ipynb', content: text });
    expect(errors).toEqual([]);
    expect(findings).toHaveLength(1);
    const line = text.split('\n').findIndex((l) => l.includes('subprocess.run(cmd')) + 1;
    const col = text.split('\n')[line - 1].indexOf('subprocess.run') + 1;
    expect(findings[0].location).toMatchObject({
      path: 'nb/explore.ipynb',
      startLine: line,
      startColumn: col,
      endLine: line,
      endColumn: col + 'subprocess.run(cmd, shell=True)'.length,
    });
    expect(findings[0].message).toBe('Model output reaches subprocess.run(shell=True)');
  });

  it('maps columns through JSON escapes', () => {
    const text = notebook([{ source: ['m = AutoModel.from_pretrained("a\\\\b/c", trust_remote_code=True)\n'] }]);
    const { findings } = runRule(trust, { path: 'a.ipynb', content: text });
    expect(findings).toHaveLength(1);
    const line = text.split('\n').findIndex((l) => l.includes('trust_remote_code')) + 1;
    const col = text.split('\n')[line - 1].indexOf('trust_remote_code') + 1;
    expect(findings[0].location).toMatchObject({ startLine: line, startColumn: col, endColumn: col + 'trust_remote_code=True'.length });
  });

  it('markdown cells and outputs are not code', () => {
    const text = notebook([{ type: 'markdown', source: ['subprocess.run(llm.invoke("x"), shell=True)\n'] }]);
    expect(runRule(rule, { path: 'a.ipynb', content: text }).findings).toEqual([]);
  });
});
