import type { At, Located, ScanDocument } from '../../core/document.js';
import { MemorySourceFile } from '../../core/source-file.js';
import type { ImageLayerRef, ImageLocation } from '../../core/types.js';
import { isMapping } from '../yaml/position-table.js';
import { YamlValueDocument, type YamlFile } from '../yaml/yaml-document.js';
import type { YamlClassifier } from '../yaml/yaml-parser.js';

export type LayerFactKind = 'setuid' | 'setgid' | 'world-writable-dir' | 'package-cache';

export interface ImageFact {
  kind: LayerFactKind;
  /** Absolute path inside the image. */
  path: string;
  /** Octal permission bits, e.g. `4755`. */
  mode: string;
  layer: number;
  /** Package caches: bytes left under the directory by the layer. */
  bytes?: number;
  /** Set when a later layer deleted or replaced the path. */
  removedBy?: number;
  /** Index into `facts` (what rules report at). */
  index: number;
}

/**
 * What the image walker saw in the layers that image rules judge (SUID/SGID files, world-writable
 * directories, package manager caches), with the image's `PATH`. Written by `sanctum image` as
 * `image-facts.json` (`{"sanctumImageFacts": 1, "layers": [...], "path": [...], "facts": [...]}`);
 * a finding at `['facts', i]` is located at the file inside the image, in the layer that added it,
 * with an empty object path (so that its fingerprint does not depend on `i`).
 */
export class ImageFactsDocument extends YamlValueDocument {
  readonly kind = 'image-facts';
  readonly facts: ImageFact[];
  /** Directories of the image's `PATH`. */
  readonly searchPath: string[];
  private readonly layers: ImageLayerRef[];

  constructor(source: YamlFile, docIndex: number, value: Record<string, unknown>) {
    super(source, docIndex, []);
    this.searchPath = Array.isArray(value.path) ? value.path.filter((p): p is string => typeof p === 'string') : [];
    this.layers = Array.isArray(value.layers)
      ? value.layers.filter(isMapping).map((l) => ({
          index: Number(l.index),
          digest: String(l.digest ?? ''),
          ...(typeof l.createdBy === 'string' ? { createdBy: l.createdBy } : {}),
        }))
      : [];
    const facts: ImageFact[] = [];
    (Array.isArray(value.facts) ? value.facts : []).forEach((f, index) => {
      if (!isMapping(f) || typeof f.path !== 'string' || typeof f.kind !== 'string') return;
      facts.push({
        kind: f.kind as LayerFactKind,
        path: f.path,
        mode: String(f.mode ?? ''),
        layer: Number(f.layer ?? 0),
        ...(typeof f.bytes === 'number' ? { bytes: f.bytes } : {}),
        ...(typeof f.removedBy === 'number' ? { removedBy: f.removedBy } : {}),
        index,
      });
    });
    this.facts = facts;
  }

  of(kind: LayerFactKind): ImageFact[] {
    return this.facts.filter((f) => f.kind === kind);
  }

  /** `['facts', i]` is the file itself, in its layer; other paths are in this document. */
  override locate(at: At | undefined): Located {
    if (Array.isArray(at) && at[0] === 'facts' && typeof at[1] === 'number') {
      const fact = this.facts.find((f) => f.index === at[1]);
      if (fact) {
        // The image walker's file carries the layers with their build steps; a facts file on disk has them in its text.
        const layers = (this.file as { layers?: readonly ImageLayerRef[] }).layers ?? this.layers;
        const layer = layers.find((l) => l.index === fact.layer);
        const removedBy = fact.removedBy === undefined ? undefined : layers.find((l) => l.index === fact.removedBy);
        const base = this.file.image;
        const image: ImageLocation | undefined = base
          ? { ...base, ...(layer ? { layer } : {}), ...(removedBy ? { removedBy } : {}) }
          : undefined;
        // The finding is about the file itself: no pointer into this document, whose order changes with every rebuild
        // (the fingerprint then rests on the rule and the path inside the image).
        return { file: new FactFile(fact.path, image), objectPath: '', snippet: `${fact.path} mode ${fact.mode} (layer ${fact.layer})` };
      }
    }
    return super.locate(at);
  }
}

class FactFile extends MemorySourceFile {
  constructor(
    path: string,
    readonly image: ImageLocation | undefined,
  ) {
    super(path, '');
  }
}

export const imageFactsClassifier: YamlClassifier = {
  name: 'image-facts',
  produces: ['image-facts'],
  classify(value: unknown, source: YamlFile, docIndex: number): ScanDocument[] | undefined {
    if (!isMapping(value) || value.sanctumImageFacts !== 1) return undefined;
    return [new ImageFactsDocument(source, docIndex, value)];
  },
};
