import type { DockerfileDocument, DockerInstruction } from '../../../parsers/dockerfile/dockerfile-document.js';
import type { ShellCommand, ShellScript } from '../../../parsers/shell/shell.js';
import { withoutTrailing } from '../../../core/trim.js';

export interface CommandHit {
  ins: DockerInstruction;
  script: ShellScript;
  cmd: ShellCommand;
}

/** Every shell command run by instructions with the given keywords (RUN by default), in file order. */
export function* commandsOf(doc: DockerfileDocument, keywords: readonly string[] = ['RUN']): Generator<CommandHit> {
  for (const ins of doc.instructions) {
    if (!keywords.includes(ins.keyword)) continue;
    for (const script of doc.shell(ins)) for (const cmd of script.commands) yield { ins, script, cmd };
  }
}

/** Every command of one instruction. */
export function instructionCommands(doc: DockerfileDocument, ins: DockerInstruction): ShellCommand[] {
  return doc.shell(ins).flatMap((s) => s.commands);
}

/** `python3.11` → `python`, `pip3` → `pip`, `python${PYTHON_VERSION}` → `python`. */
export function programFamily(program: string): string {
  const name = program.replace(/\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '');
  return withoutTrailing(name, '0123456789.');
}

/** The arguments after a sub-command: `apt-get -y install a b` with `install` → `a b` (flags included). */
export function afterSubcommand(cmd: ShellCommand, sub: readonly string[]): ShellCommand['args'] | undefined {
  const k = cmd.args.findIndex((a) => sub.includes(a.value));
  return k === -1 ? undefined : cmd.args.slice(k + 1);
}

/**
 * The pip invocation of a command: `pip install`, `pip3.11 install`, `python -m pip install`,
 * `uv pip install`. Returns the arguments after `install`.
 */
export function pipInstallArgs(cmd: ShellCommand): ShellCommand['args'] | undefined {
  const fam = programFamily(cmd.program);
  let args = cmd.args;
  if (fam === 'python') {
    const m = args.findIndex((a) => a.value === '-m');
    if (m === -1 || args[m + 1]?.value !== 'pip') return undefined;
    args = args.slice(m + 2);
  } else if (fam === 'uv') {
    if (args[0]?.value !== 'pip') return undefined;
    args = args.slice(1);
  } else if (fam !== 'pip') return undefined;
  const k = args.findIndex((a) => !a.value.startsWith('-'));
  return k !== -1 && args[k].value === 'install' ? args.slice(k + 1) : undefined;
}
