import type { ScanDocument } from '../../core/document.js';
import type { ObjectPath } from '../../core/types.js';
import { annotateFile } from '../../core/source-file.js';
import { isMapping } from '../yaml/position-table.js';
import { YamlValueDocument, type YamlFile } from '../yaml/yaml-document.js';
import type { YamlClassifier } from '../yaml/yaml-parser.js';

/** `values.yaml`, `values-prod.yaml`, `values.gpu.yml`: the values a Helm chart is installed with. */
export function isHelmValuesName(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  return /^values([.-][^/]*)?\.ya?ml$/.test(name);
}

/** One setting of a values file: its path from the root and its value. */
export interface ValueEntry {
  path: ObjectPath;
  key: string;
  value: unknown;
}

/**
 * A Helm values file that no render stands for (`kind: helm-values`): the chart was not rendered
 * (no helm, or it failed), or the file is installed with a chart from elsewhere. Charts pass
 * `securityContext`, `hostNetwork`, `service.type`… through to their templates unchanged, so
 * explicit settings here are what the cluster gets.
 */
export class HelmValuesDocument extends YamlValueDocument {
  readonly kind = 'helm-values';
  constructor(
    source: YamlFile,
    docIndex: number,
    readonly values: Record<string, unknown>,
  ) {
    super(source, docIndex, []);
  }

  /** Every mapping entry, depth first, in file order (bounded by the parser's depth limit). */
  *entries(): Generator<ValueEntry> {
    const stack: Array<{ node: unknown; path: ObjectPath }> = [{ node: this.values, path: [] }];
    while (stack.length > 0) {
      const { node, path } = stack.pop()!;
      const children: Array<{ node: unknown; path: ObjectPath }> = [];
      if (Array.isArray(node)) node.forEach((v, i) => children.push({ node: v, path: [...path, i] }));
      else if (isMapping(node)) {
        for (const [k, v] of Object.entries(node)) {
          children.push({ node: v, path: [...path, k] });
        }
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
      const last = path[path.length - 1];
      if (typeof last === 'string') yield { path, key: last, value: node };
    }
  }
}

/** Marks a values file that a rendered chart stands for: its settings are judged in the rendered objects. */
export function markValuesRendered(file: object): void {
  annotateFile(file, 'helmValuesRendered', true);
}

export const helmValuesClassifier: YamlClassifier = {
  name: 'helm-values',
  produces: ['helm-values'],
  classify(value: unknown, source: YamlFile, docIndex: number): ScanDocument[] | undefined {
    if (!isHelmValuesName(source.file.path) || !isMapping(value) || ('apiVersion' in value && 'kind' in value)) return undefined;
    if ((source.file as { helmValuesRendered?: boolean }).helmValuesRendered) return [];
    return [new HelmValuesDocument(source, docIndex, value)];
  },
};
