import type { At, Located, ScanDocument } from '../../core/document.js';
import type { SourceFile } from '../../core/source-file.js';
import { TextLocator } from '../../core/text-document.js';
import type { DependencyManifest } from './types.js';

/** A manifest, lockfile or installed-package record read into its dependencies (`kind: deps`). */
export class DependencyDocument implements ScanDocument {
  readonly kind = 'deps';
  private locator: TextLocator;
  constructor(
    readonly file: SourceFile,
    readonly manifest: DependencyManifest,
    /** The deps parser gathers it into the scan's `deps-set`, where rules that pair a manifest with its lockfile judge it. */
    readonly inSet = false,
  ) {
    this.locator = new TextLocator(file);
  }
  locate(at: At | undefined): Located {
    // A binary source (an rpm database, a Go executable) has no lines: findings name the file.
    if (this.manifest.binary) return {};
    return this.locator.locate(at);
  }
  compact(): void {
    this.locator = new TextLocator(this.file);
  }
}

/** Every dependency document of a scan (`kind: deps-set`), for rules that look at a project as a whole. */
export class DependencySetDocument implements ScanDocument {
  readonly kind = 'deps-set';
  constructor(
    readonly manifests: DependencyDocument[],
    readonly file: SourceFile,
  ) {}
  locate(): Located {
    return {};
  }
}
