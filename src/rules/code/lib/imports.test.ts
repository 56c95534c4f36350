import { expect, it } from 'vitest';
import { MemorySourceFile } from '../../../core/source-file.js';
import { CodeDocument, type CodeLanguage } from '../../../parsers/code/code-document.js';
import { fileImports, importsFrom } from './imports.js';

const read = (language: CodeLanguage, text: string) => {
  const doc = new CodeDocument(new MemorySourceFile('a', text), language);
  return fileImports(doc.root).map((i) => `${i.module}|${i.name}|${i.local}`);
};

it('reads what Python imports bind: names from a module (aliased, in parentheses, relative), modules (dotted, aliased)', () => {
  expect(
    read(
      'python',
      'from a.b import c, d as e\nfrom . import f as g\nfrom .h import (i,\n  j as k)\nimport l.m, n as o\nfrom p import *\ndef q():\n    import r\n',
    ),
  ).toEqual(['a.b|c|c', 'a.b|d|e', '.|f|g', '.h|i|i', '.h|j|k', 'l.m||l.m', 'n||o', 'r||r']);
});

it('reads what JavaScript imports and requires bind: named, default, namespace, destructured, a member, the module', () => {
  expect(
    read(
      'typescript',
      "import d, { a, b as c, 'q' as r } from 'M';\nimport * as ns from 'N';\nconst { x, y: z, w = 1, 'u': v = 2 } = require('R'), s = require(`S`).s, t = require('T');\nconst dyn = require(name);\nrequire('side-effect');\n",
    ),
  ).toEqual(['M|default|d', 'M|a|a', 'M|b|c', 'M|q|r', 'N||ns', 'R|x|x', 'R|y|z', 'R|w|w', 'R|u|v', 'S|s|s', 'T||t']);
});

it("reads TypeScript's import = require and dynamic imports (awaited, destructured, a member, the module)", () => {
  expect(
    read(
      'typescript',
      "import ai = require('ai');\nasync function f() {\n  const { generateText, tool: t } = await import('ai');\n  const u = (await import('U')).u, v = await import(`V`), w = await (import('W'));\n  const x = import(name);\n  await import('side-effect');\n}\n",
    ),
  ).toEqual(['ai||ai', 'ai|generateText|generateText', 'ai|tool|t', 'U|u|u', 'V||v', 'W||w']);
});

it('keeps the imports from the modules asked about', () => {
  const doc = new CodeDocument(
    new MemorySourceFile('a.py', 'from mylib import tool as t\nfrom langchain.tools import tool as lc\n'),
    'python',
  );
  expect(importsFrom(doc.root, (m) => m.startsWith('langchain'))).toEqual([{ module: 'langchain.tools', name: 'tool', local: 'lc' }]);
});
