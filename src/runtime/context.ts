/**
 * Static knowledge for runtime detections (`sanctum audit --context PATH`): which workloads are AI
 * services. PATH is a `sanctum scan --format json` result (resources of findings of the AI-service
 * rules), a CycloneDX AI-BOM from `sanctum sbom` (its services), or manifests (a file or directory,
 * inventoried as `sanctum sbom` does).
 */
import { readFileSync, statSync } from 'node:fs';
import { describeSystemError, isSystemError, shownPath } from '../core/system-error.js';
import { collectInventory } from '../inventory/collect.js';
import { kindOfLabel, kindFromName, WorkloadIndex } from './workloads.js';
import { jsonErrorMessage } from '../core/printable.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface ContextLoad {
  workloads: number;
  errors: string[];
}

/** Labels of findings of the AI-service rules: `Jupyter notebook server`, `vLLM HTTP API`. */
const AI_MESSAGE = /jupyter|notebook|vllm|text generation inference|tgi|triton|torchserve|ollama|ray|mlflow|model server|inference/i;

function fromScanResult(result: Obj, index: WorkloadIndex): number {
  let n = 0;
  for (const f of Array.isArray(result.findings) ? result.findings : []) {
    if (!isObj(f) || !isObj(f.location) || !isObj(f.location.resource)) continue;
    const slug = typeof f.slug === 'string' ? f.slug : '';
    const message = typeof f.message === 'string' ? f.message : '';
    if (!/^ai-|gpu|model|notebook|ray/.test(slug) && !AI_MESSAGE.test(message)) continue;
    const r = f.location.resource;
    if (typeof r.name !== 'string') continue;
    const kind = kindOfLabel(message) ?? kindFromName(r.name)?.kind;
    if (!kind) continue;
    index.addKnown(typeof r.namespace === 'string' ? r.namespace : undefined, r.name, {
      kind,
      label: kind === 'model-server' ? 'model server' : kind,
      via: 'scan result',
    });
    n++;
  }
  return n;
}

function fromSbom(bom: Obj, index: WorkloadIndex): number {
  let n = 0;
  for (const s of Array.isArray(bom.services) ? bom.services : []) {
    if (!isObj(s) || typeof s.name !== 'string') continue;
    const props = Array.isArray(s.properties) ? s.properties.filter(isObj) : [];
    // Property values are strings in CycloneDX; any other value is as good as absent.
    const prop = (name: string) => {
      const v = props.find((p) => p.name === name)?.value;
      return typeof v === 'string' ? v : undefined;
    };
    // `sanctum sbom` writes `sanctum:service:kind`; the other two names are read as before.
    const description = typeof s.description === 'string' ? s.description : undefined;
    const label = prop('sanctum:service:kind') ?? prop('sanctum:service-kind') ?? prop('sanctum:kind') ?? description ?? '';
    const kind = kindOfLabel(label) ?? kindFromName(s.name)?.kind;
    if (!kind) continue;
    const ns = prop('sanctum:namespace') ?? s.group;
    index.addKnown(typeof ns === 'string' ? ns : undefined, s.name, { kind, label: label || kind, via: 'AI-BOM' });
    n++;
  }
  return n;
}

/** Loads the context into `index`; problems are returned, never thrown (the stream goes on without). */
export function loadContext(path: string, index: WorkloadIndex, cwd: string): ContextLoad {
  const errors: string[] = [];
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    return { workloads: 0, errors: [`--context ${shownPath(path, cwd)}: ${describeSystemError(e)}`] };
  }
  if (!isDir && /\.json$/i.test(path)) {
    let v: unknown;
    try {
      v = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      return {
        workloads: 0,
        errors: [`--context ${shownPath(path, cwd)}: ${isSystemError(e) ? describeSystemError(e) : `not JSON: ${jsonErrorMessage(e)}`}`],
      };
    }
    if (isObj(v) && v.schemaVersion === 1 && Array.isArray(v.findings)) return { workloads: fromScanResult(v, index), errors };
    if (isObj(v) && v.bomFormat === 'CycloneDX') return { workloads: fromSbom(v, index), errors };
  }
  const inv = collectInventory([path], { cwd });
  for (const e of inv.errors) errors.push(`--context ${e.path}: ${e.message}`);
  let n = 0;
  for (const s of inv.services) {
    const kind = kindOfLabel(s.kind) ?? kindFromName(s.name)?.kind;
    if (!kind) continue;
    index.addKnown(s.namespace, s.name, { kind, label: s.kind, via: `manifest ${s.origin.path}` });
    n++;
  }
  return { workloads: n, errors };
}
