import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { ImageSummary } from '../core/types.js';
import type { Inventory } from '../inventory/types.js';
import { getRegistry, ScanSetupError } from '../scan.js';
import { Interrupts } from './interrupts.js';
import { collect } from './list-flag.js';
import { availableFormats, exitCodeFor, outputs, writeOutputs, type CliIO } from './main.js';
import { addReportFlags, effectiveFailOn, reportOptionsFrom, type ReportFlags } from './report-flags.js';
import { Progress } from './progress.js';
import { writeOutputFile } from './output-file.js';
import { checkUploadFlags, uploadIfAsked } from './upload-options.js';

type ImageFlags = ReportFlags & { platform?: string; insecureRegistry: string[]; installedCode?: boolean };

/**
 * `sanctum image REF...`: container images (`docker save` tarballs, OCI layouts as directories or
 * tars) scanned without a Docker daemon; exit codes as for `scan`.
 */
export function addImageCommand(program: Command, io: CliIO, setExit: (code: number) => void): void {
  addReportFlags(program.command('image'), {
    formats: [...availableFormats(), ...SBOM_FORMATS],
    scanners: 'scanners to run: misconfig,secrets,models,code,deps,malware (default: all)',
    failOnError: 'exit 1 when part of an image could not be scanned',
    quiet: 'print nothing but the report of findings at or above --fail-on',
    strictModels: true,
    progress: true,
    upload: { shards: false, defaultTarget: 'the image references' },
  })
    .description('scan container images (docker save tarballs, OCI layouts, registry references): config, history and every layer')
    .argument('<images...>', 'docker save tarballs, OCI layouts (directory or tar), or registry references')
    .option('--platform <os/arch[/variant]>', "image to pick from a multi-platform index (default: the host's, or the only one)")
    .addOption(
      new Option('--insecure-registry <host[:port]>', 'pull from this registry over plain HTTP (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .option(
      '--installed-code',
      'run the code rules over installed packages too (site-packages, node_modules); they always get the secret, model and package scanners',
    )
    .action(async (images: string[], flags: ImageFlags) => {
      checkUploadFlags(flags);
      const { reports: outs, sboms } = splitOutputs(flags);
      if (sboms.length && images.length > 1)
        throw new ScanSetupError('an SBOM (--format cyclonedx|spdx) describes one image: give one image per run');
      let inventory: { image: ImageSummary; inventory: Inventory } | undefined;
      const cwd = io.cwd ?? process.cwd();
      const failOn = effectiveFailOn(flags, cwd, []);
      const progress = Progress.enabled(io.stderr, flags) ? new Progress(io.stderr) : undefined;
      let ran = getRegistry().rules;
      let result;
      // Loaded on use: the image readers (archives, registries, zstd) stay out of every other command's start-up.
      const { scanImage } = await import('../scan-image.js');
      // Ctrl-C mid-walk leaves no spooled layer file behind: the CLI's listeners, not the library's (see interrupts.ts).
      const interrupts = new Interrupts();
      try {
        try {
          result = await scanImage({
            images,
            cwd,
            platform: flags.platform,
            insecureRegistries: flags.insecureRegistry,
            ...reportOptionsFrom(flags, cwd),
            installedCode: flags.installedCode,
            onInventory: sboms.length ? (image, found) => (inventory = { image, inventory: found }) : undefined,
            onRules: (r) => (ran = r),
            onFile: progress ? (p, i) => progress.tick(p, i) : undefined,
          });
        } finally {
          progress?.done();
        }
        // A Ctrl-C during the scan's synchronous work ends the process here, before any report is written.
        await interrupts.settle();
        writeOutputs(result, outs, { rules: ran, failOn, flags, io, cwd, localFiles: false });
        if (sboms.length && !inventory) io.stderr.write('sanctum: no SBOM written: the image could not be read\n');
        if (inventory) await writeSboms(inventory.image, inventory.inventory, sboms, io, cwd);
        const target = images.join(', ');
        await uploadIfAsked(result, flags, {
          targets: images,
          cwd,
          kind: 'image',
          stderr: io.stderr,
          quiet: flags.quiet,
          withInventory: false,
          target,
        });
        setExit(exitCodeFor(result, failOn, Boolean(flags.failOnError)));
      } finally {
        await interrupts.end();
      }
    });
}

/** Formats of the image's SBOM (CycloneDX 1.6, or SPDX 2.3 converted from it), besides the scan's reports. */
const SBOM_FORMATS = ['cyclonedx', 'spdx'];
const SBOM_EXTENSIONS: Record<string, string> = { cyclonedx: '.cdx.json', spdx: '.spdx.json' };

type Output = { format: string; file?: string };

/** The `--format`/`--output` pairs, split into the scan's reports and the SBOMs. */
function splitOutputs(flags: Pick<ImageFlags, 'format' | 'output'>): { reports: Output[]; sboms: Output[] } {
  const formats = flags.format.length ? flags.format : ['table'];
  const isSbom = (f: string) => SBOM_FORMATS.includes(f);
  // Paired as any report is (an SBOM stands in as JSON), then given its own extension after one --output base name.
  const paired = outputs({ format: flags.format.map((f) => (isSbom(f) ? 'json' : f)), output: flags.output }).map((o, i): Output => {
    if (!isSbom(formats[i])) return o;
    const file =
      o.file !== undefined && flags.output.length === 1 && formats.length > 1 ? flags.output[0] + SBOM_EXTENSIONS[formats[i]] : o.file;
    return file === undefined ? { format: formats[i] } : { format: formats[i], file };
  });
  return { reports: paired.filter((o) => !isSbom(o.format)), sboms: paired.filter((o) => isSbom(o.format)) };
}

async function writeSboms(image: ImageSummary, inventory: Inventory, sboms: Output[], io: CliIO, cwd: string): Promise<void> {
  // Loaded on use: the CycloneDX library stays out of every other command's start-up.
  const { inventoryBom } = await import('../inventory/sbom.js');
  const { imageBomSubject } = await import('../scan-image.js');
  const bom = inventoryBom(inventory, imageBomSubject(image));
  for (const o of sboms) {
    const doc = o.format === 'spdx' ? (await import('../inventory/spdx.js')).toSpdx23(bom) : bom;
    const text = JSON.stringify(doc, null, 2) + '\n';
    if (o.file === undefined) {
      io.stdout.write(text);
      continue;
    }
    writeOutputFile(resolve(cwd, o.file), text, o.file);
  }
}
