import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { ScanSetupError } from '../scan.js';

interface SbomFlags {
  output?: string;
  format: string;
  name?: string;
}

/** `sanctum sbom PATH... [--output FILE] [--format cyclonedx|spdx]`: the CycloneDX (or SPDX 2.3) document on stdout or in a file; unreadable files on stderr. */
export function addSbomCommand(program: Command, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; cwd?: string }): void {
  program
    .command('sbom')
    .description('write a CycloneDX 1.6 (or SPDX 2.3) SBOM and AI-BOM: packages, models with their cards, datasets, AI services')
    .argument('[paths...]', 'files or directories', [])
    .option('-o, --output <file>', 'write the SBOM to this file instead of stdout')
    .option('--format <format>', 'cyclonedx (CycloneDX 1.6 JSON) or spdx (SPDX 2.3 JSON)', 'cyclonedx')
    .option('--name <name>', 'name of the described application (default: the first path)')
    .action(async (paths: string[], flags: SbomFlags) => {
      if (flags.format !== 'cyclonedx' && flags.format !== 'spdx')
        throw new ScanSetupError(`unknown SBOM format '${flags.format}' (known: cyclonedx, spdx)`);
      const cwd = io.cwd ?? process.cwd();
      const targets = paths.length ? paths : ['.'];
      for (const t of targets) if (!existsSync(resolve(cwd, t))) throw new ScanSetupError(`no such file or directory: ${t}`);
      // Loaded on use: the CycloneDX library stays out of every other command's start-up.
      const { buildSbom } = await import('../inventory/sbom.js');
      const { bom, errors } = buildSbom(targets, { cwd, name: flags.name });
      for (const e of errors) io.stderr.write(`sanctum: ${e.path}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
      const doc = flags.format === 'spdx' ? (await import('../inventory/spdx.js')).toSpdx23(bom) : bom;
      const text = JSON.stringify(doc, null, 2) + '\n';
      if (!flags.output) {
        io.stdout.write(text);
        return;
      }
      const out = resolve(cwd, flags.output);
      try {
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, text);
      } catch (e) {
        throw new ScanSetupError(`cannot write ${flags.output}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      }
    });
}
