import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { ScanError } from '../core/types.js';
import { ScanSetupError } from '../scan.js';
import { Interrupts } from './interrupts.js';
import { collect } from './list-flag.js';
import { checkTarget } from './main.js';
import { outputFile, streamReport } from './output-file.js';
import { writeJsonTopArrays } from '../reporters/json-stream.js';

interface SbomFlags {
  output?: string;
  format: string;
  name?: string;
  image?: string;
  platform?: string;
  insecureRegistry: string[];
}

/**
 * `sanctum sbom PATH... [--output FILE] [--format cyclonedx|spdx]`, or `sanctum sbom --image REF`:
 * the CycloneDX (or SPDX 2.3) document on stdout or in a file; what could not be read on stderr.
 */
export function addSbomCommand(program: Command, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; cwd?: string }): void {
  program
    .command('sbom')
    .description('write a CycloneDX 1.6 (or SPDX 2.3) SBOM and AI-BOM: packages, models with their cards, datasets, AI services')
    .argument('[paths...]', 'files or directories (default: .)')
    .option('-o, --output <file>', 'write the SBOM to this file instead of stdout (- is stdout)')
    .option('-f, --format <format>', 'cyclonedx (CycloneDX 1.6 JSON) or spdx (SPDX 2.3 JSON)', 'cyclonedx')
    .option('--name <name>', 'name of the described application (default: the first path, or the image reference)')
    .option(
      '--image <ref>',
      'describe a container image instead of paths: a docker save tarball, an OCI layout (directory or tar), or a registry reference',
    )
    .option(
      '--platform <os/arch[/variant]>',
      "with --image: the image to pick from a multi-platform index (default: the host's, or the only one)",
    )
    .addOption(
      new Option('--insecure-registry <host[:port]>', 'with --image: pull from this registry over plain HTTP (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .action(async (paths: string[], flags: SbomFlags) => {
      if (flags.format !== 'cyclonedx' && flags.format !== 'spdx')
        throw new ScanSetupError(`unknown SBOM format '${flags.format}' (known: cyclonedx, spdx)`);
      const cwd = io.cwd ?? process.cwd();
      const printErrors = (errors: ScanError[]) => {
        for (const e of errors) io.stderr.write(`sanctum: ${e.path}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
      };
      let bom: Record<string, unknown>;
      if (flags.image !== undefined) {
        if (paths.length) throw new ScanSetupError('give paths or --image, not both: an SBOM describes one application or one image');
        bom = await imageSbom(flags, cwd, printErrors);
      } else {
        if (flags.platform !== undefined || flags.insecureRegistry.length)
          throw new ScanSetupError('--platform and --insecure-registry go with --image');
        const targets = paths.length ? paths : ['.'];
        // As for scan: a missing or unreadable target stops the command, in the same words.
        for (const t of targets) checkTarget(t, cwd);
        // Loaded on use: the CycloneDX library stays out of every other command's start-up.
        const { buildSbom } = await import('../inventory/sbom.js');
        // Only the document and the errors are kept: the inventory is garbage before the document is written.
        const { bom: built, errors } = buildSbom(targets, { cwd, name: flags.name });
        printErrors(errors);
        bom = built;
      }
      const doc = flags.format === 'spdx' ? (await import('../inventory/spdx.js')).toSpdx23(bom) : bom;
      // Written a batch of components (packages, relationships) at a time, as JSON.stringify(doc, null, 2)
      // writes it: the text of a 120,000-package SBOM (85 MB) never exists whole, nor its bytes.
      const file = outputFile(flags.output);
      streamReport(
        file === undefined ? undefined : resolve(cwd, file),
        io.stdout,
        (sink) => {
          writeJsonTopArrays(doc, sink);
          sink('\n');
        },
        file,
      );
    });
}

/** The SBOM of one image, from the image reader and the same inventory as `sanctum image --format cyclonedx`. */
async function imageSbom(flags: SbomFlags, cwd: string, printErrors: (errors: ScanError[]) => void): Promise<Record<string, unknown>> {
  const [{ inventoryImages, imageBomSubject }, { inventoryBom }] = await Promise.all([
    import('../scan-image.js'),
    import('../inventory/sbom.js'),
  ]);
  const ref = flags.image!;
  // Ctrl-C mid-walk leaves no spooled layer file behind: the CLI's listeners, not the library's (see interrupts.ts).
  const interrupts = new Interrupts();
  const { images, errors } = await inventoryImages({
    images: [ref],
    cwd,
    platform: flags.platform,
    insecureRegistries: flags.insecureRegistry,
  }).finally(() => interrupts.end());
  if (images.length === 0) throw new ScanSetupError(errors.map((e) => `${e.path}: ${e.message}`).join('; ') || `no image in ${ref}`);
  if (images.length > 1)
    throw new ScanSetupError(
      `${ref} holds ${images.length} images (${images.map((i) => i.image.ref).join(', ')}): an SBOM describes one; save or pull that one alone`,
    );
  const [{ image, inventory }] = images;
  printErrors([...errors, ...inventory.errors]);
  const subject = imageBomSubject(image);
  return inventoryBom(inventory, flags.name !== undefined ? { ...subject, name: flags.name } : subject);
}
