import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { z } from 'zod';
import { SCANNERS, SEVERITIES } from './types.js';

const date = z.union([z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'), z.date().transform((d) => d.toISOString().slice(0, 10))]);

export const IgnoreEntrySchema = z
  .object({
    rule: z.string().describe('Rule id or slug; `*` for every rule').optional(),
    paths: z.array(z.string()).describe('Path globs, relative to the current directory').optional(),
    resources: z.array(z.string()).describe('Kubernetes resources as kind/namespace/name globs, e.g. Deployment/llm/*').optional(),
    fingerprints: z.array(z.string()).describe('Finding fingerprints (sha256:…)').optional(),
    reason: z.string().describe('Why the finding is accepted').optional(),
    expires: date.describe('YYYY-MM-DD; the entry stops suppressing after this day').optional(),
  })
  .strict();

export const ConfigSchema = z
  .object({
    $schema: z.string().describe('URL or path of this JSON Schema, for editors').optional(),
    scanners: z.array(z.enum(SCANNERS)).describe('Scanners to run when --scanners is not given (default: all that apply)').optional(),
    failOn: z.enum(SEVERITIES).describe('Lowest severity that fails the scan (exit 1) when --fail-on is not given').optional(),
    frameworks: z.array(z.string()).describe('Only rules mapped to one of these frameworks run, e.g. pss:restricted, owasp-llm-2025').optional(),
    exclude: z.array(z.string()).describe('Path globs (gitignore syntax) left out of every scan').optional(),
    ignore: z.array(IgnoreEntrySchema).describe('Accepted findings: each entry suppresses the findings it matches until it expires').optional(),
    rules: z
      .record(
        z.string(),
        z
          .object({
            enabled: z.boolean().describe('false turns the rule off').optional(),
            severity: z.enum(SEVERITIES).describe("Overrides the rule's default severity").optional(),
            options: z.record(z.string(), z.unknown()).describe('Rule options, as listed on the rule page').optional(),
          })
          .strict(),
      )
      .describe('Per-rule settings keyed by rule id or slug')
      .optional(),
    models: z
      .object({ strict: z.boolean().describe('Any pickle import outside the allow-list is high (like --strict-models)').optional() })
      .strict()
      .optional(),
  })
  .strict();

export type SanctumConfig = z.infer<typeof ConfigSchema>;
export type IgnoreEntry = z.infer<typeof IgnoreEntrySchema>;

export const CONFIG_FILE_NAMES = ['.sanctum.yaml', '.sanctum.yml'];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Finds `.sanctum.yaml` in `start` or the nearest directory above it. */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function parseConfig(text: string, path: string): SanctumConfig {
  let raw: unknown;
  try {
    raw = yaml.load(text, { filename: path }) ?? {};
  } catch (e) {
    throw new ConfigError(`${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = ConfigSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ConfigError(`${path}: invalid configuration: ${issues}`);
  }
  return r.data;
}

export function loadConfig(path: string): SanctumConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read configuration ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseConfig(text, path);
}

/** The JSON Schema of `.sanctum.yaml`, shipped as schemas/sanctum-config.schema.json. */
export function configJsonSchema(): unknown {
  const schema = z.toJSONSchema(ConfigSchema, {
    io: 'input',
    unrepresentable: 'any',
    // YAML reads an unquoted 2027-01-31 as a date; in the JSON view of the file it is the same string.
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date' });
    },
  });
  return { ...(schema as object), title: 'Sanctum configuration (.sanctum.yaml)' };
}
