import { describe, expect, it } from 'vitest';
import { MemorySourceFile } from '../../core/source-file.js';
import { textParser } from './text-parser.js';

describe('text parser', () => {
  it('matches text files of any name, dotfiles included', () => {
    for (const p of ['.env', 'Dockerfile', 'app.py', 'LICENSE', 'config/.npmrc', 'x.yaml'])
      expect(textParser.matches(new MemorySourceFile(p, 'A=1\n'))).toBe(true);
  });
  it('skips binary content whatever the name, empty files and notebooks', () => {
    expect(textParser.matches(new MemorySourceFile('model.txt', new Uint8Array([0x80, 0x02, 0x63, 0x00, 0x01])))).toBe(false);
    expect(
      textParser.matches(new MemorySourceFile('image.env', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]))),
    ).toBe(false);
    expect(textParser.matches(new MemorySourceFile('empty', ''))).toBe(false);
    expect(textParser.matches(new MemorySourceFile('nb.ipynb', '{"cells": []}'))).toBe(false);
  });
});
