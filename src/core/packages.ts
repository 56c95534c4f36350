/**
 * The versions a project pins, for rules whose risk depends on a library's version (`torch.load`
 * is unsafe by default before PyTorch 2.6). `src/inventory/` implements it over the manifests and
 * lockfiles next to the scanned files; rules receive it through `RuleContext.settings.packages`
 * and never read a manifest themselves.
 */

export interface PinnedVersion {
  /** The exact version, as the manifest or lockfile writes it. */
  version: string;
  /** The file that pins it (relative to the current directory, `/`-separated) and its line. */
  path: string;
  line?: number;
}

export interface ProjectPackages {
  /**
   * The exact version of package `name` (ecosystem as OSV spells it: `PyPI`, `npm`) pinned by the
   * project that holds the file at `path`: the nearest directory above it whose manifests pin it.
   * Undefined when no manifest pins an exact version (a range, or no mention): the version is unknown.
   */
  pinned(path: string, ecosystem: string, name: string): PinnedVersion | undefined;
}
