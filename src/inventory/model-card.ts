import yaml from 'js-yaml';
import { loadBounded } from '../core/js-yaml-load.js';
import type { ModelCard, Origin } from './types.js';

const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

function list(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * A Hugging Face model card: the YAML front matter of a `README.md` (licence, base model, datasets,
 * pipeline tag, languages). Read with the JSON schema: no tags, nothing executed. Returns undefined
 * when the file has no front matter or it says nothing a model card says.
 */
export function readModelCard(text: string, origin: Origin): ModelCard | undefined {
  const m = FRONT_MATTER.exec(text.slice(0, 256 * 1024));
  if (!m) return undefined;
  let data: unknown;
  try {
    data = loadBounded(m[1], { schema: yaml.JSON_SCHEMA });
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const d = data as Record<string, unknown>;
  const card: ModelCard = {
    origin,
    baseModels: list(d.base_model),
    datasets: list(d.datasets),
    languages: list(d.language),
    tags: list(d.tags),
  };
  const license = typeof d.license === 'string' ? d.license : undefined;
  if (license) card.license = license === 'other' && typeof d.license_name === 'string' ? d.license_name : license;
  if (typeof d.pipeline_tag === 'string') card.pipelineTag = d.pipeline_tag;
  if (typeof d.library_name === 'string') card.libraryName = d.library_name;
  const meaningful = card.license || card.baseModels.length || card.datasets.length || card.pipelineTag || card.libraryName;
  return meaningful ? card : undefined;
}
