import type { At, Located, ScanDocument } from '../../core/document.js';
import { ParseFailure, type ParseOutput, type Parser } from '../../core/parser.js';
import { looksBinary, type SourceFile } from '../../core/source-file.js';
import { TextLocator } from '../../core/text-document.js';
import { LogicalText } from '../dockerfile/logical-text.js';
import { parseShell, type ShellScript } from './shell.js';

const SHELL_NAME = /\.(?:sh|bash|zsh|ksh)$/i;
/** `#!/bin/sh`, `#!/usr/bin/env bash`, `#!/bin/bash -e`: a script without an extension. */
const SHELL_SHEBANG = /^#!\s*(?:\/usr)?\/bin\/(?:env\s+)?(?:ba|z|k|da)?sh(?:\s|$)/;

/** A shell script (`kind: shell`): its commands and words, with their spans in the file. Nothing is run or expanded. */
export class ShellDocument implements ScanDocument {
  readonly kind = 'shell';
  private locator: TextLocator;
  private parsed: ShellScript | undefined;
  constructor(readonly file: SourceFile) {
    this.locator = new TextLocator(file);
  }
  get script(): ShellScript {
    if (!this.parsed) {
      const text = this.file.text();
      this.parsed = parseShell(LogicalText.verbatim(text, 0, text.length));
    }
    return this.parsed;
  }
  locate(at: At | undefined): Located {
    return this.locator.locate(at);
  }
  compact(): void {
    this.locator = new TextLocator(this.file);
    this.parsed = undefined;
  }
}

function isShellScript(file: SourceFile): boolean {
  if (SHELL_NAME.test(file.path)) return true;
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  if (name.includes('.')) return false;
  return SHELL_SHEBANG.test(new TextDecoder().decode(file.head().subarray(0, 64)));
}

/** Shell scripts (`*.sh`, or a `#!` line naming a shell), for the `code` scanner's command rules. */
export const shellParser: Parser = {
  name: 'shell',
  produces: ['shell'],
  maxBytes: 2 * 1024 * 1024,
  matches(file: SourceFile): boolean {
    return file.size > 0 && isShellScript(file);
  },
  parse(file: SourceFile): ParseOutput {
    if (looksBinary(file.head())) throw new ParseFailure('binary content in a shell script; not scanned as shell');
    return { documents: [new ShellDocument(file)] };
  },
};
