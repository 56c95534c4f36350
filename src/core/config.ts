import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import yaml from 'js-yaml';
import type { z } from 'zod';
import { loadBounded } from './js-yaml-load.js';
import { keysAt, unknownKeyMessage } from './config-issues.js';
import type { RuleMeta } from './rule.js';
import { describeSystemError, shownPath } from './system-error.js';
import { SCANNERS, SEVERITIES } from './types.js';
import { lazySchema, zod } from './zod.js';

/** `--fail-on` and `failOn` also take `none`: report only, never exit 1 for findings. */
export const FAIL_ON_LEVELS = [...SEVERITIES, 'none'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

/** Parses a severity or `none` given on the command line, in any case. */
export function parseFailOn(value: string): FailOn | undefined {
  const v = value.toLowerCase();
  return (FAIL_ON_LEVELS as readonly string[]).includes(v) ? (v as FailOn) : undefined;
}

const ADMISSION_ACTIONS = ['deny', 'warn', 'audit'] as const;

/** The schemas of `.sanctum.yaml`, built when a configuration is first checked. */
const schemas = lazySchema((z) => {
  const date = z.union([
    z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
    z.date().transform((d) => d.toISOString().slice(0, 10)),
  ]);

  /** Words like severities are accepted in any case (`HIGH`, `High`); the JSON Schema says so with a pattern. */
  const anyCase = <const T extends readonly string[]>(words: T) =>
    z
      .string()
      .refine((s) => words.includes(s.toLowerCase()), { message: `expected one of ${words.join(', ')}` })
      .transform((s) => s.toLowerCase() as T[number])
      .meta({ caseInsensitiveWords: words });

  const IgnoreEntrySchema = z
    .object({
      rule: z.string().describe('Rule id or slug; `*` for every rule').optional(),
      paths: z
        .array(z.string())
        .describe('Path globs, relative to the directory of the configuration file (or to the current directory)')
        .optional(),
      resources: z.array(z.string()).describe('Kubernetes resources as kind/namespace/name globs, e.g. Deployment/llm/*').optional(),
      fingerprints: z.array(z.string()).describe('Finding fingerprints (sha256:…)').optional(),
      users: z.array(z.string()).describe('Runtime detections: identities (user or system:serviceaccount:NS:NAME) as globs').optional(),
      namespaces: z.array(z.string()).describe('Runtime detections: namespaces of the object or pod, as globs').optional(),
      reason: z.string().describe('Why the finding is accepted').optional(),
      expires: date.describe('YYYY-MM-DD; the entry stops suppressing after this day').optional(),
    })
    .strict();

  const admissionAction = z.enum(ADMISSION_ACTIONS).optional();

  /** `sanctum webhook`: what each severity does to an admission request, who is exempt, and how long a decision may take. */
  const WebhookSettingsSchema = z
    .object({
      actions: z
        .object({
          critical: admissionAction,
          high: admissionAction,
          medium: admissionAction,
          low: admissionAction,
          info: admissionAction,
        })
        .strict()
        .describe(
          'What a finding of each severity does: deny the request, warn (admission warnings) or audit (audit annotations only). Default: critical and high deny, medium warns, low and info audit',
        )
        .optional(),
      exempt: z
        .object({
          namespaces: z
            .array(z.string())
            .describe('Namespaces whose requests are allowed unchecked (a trailing * matches a prefix)')
            .optional(),
          users: z
            .array(z.string())
            .describe('User names allowed unchecked, e.g. system:serviceaccount:kube-system:* (a trailing * matches a prefix)')
            .optional(),
          groups: z.array(z.string()).describe('Groups allowed unchecked (a trailing * matches a prefix)').optional(),
        })
        .strict()
        .optional(),
      annotationSuppression: z
        .object({
          users: z
            .array(z.string())
            .describe(
              'User names whose requests may suppress findings with the sanctum.dev/ignore annotation (a trailing * matches a prefix); default none',
            )
            .optional(),
          groups: z
            .array(z.string())
            .describe(
              "Groups whose requests may suppress findings with the sanctum.dev/ignore annotation (a trailing * matches a prefix); default system:serviceaccounts:kube-system (the controllers that create pods from an admitted owner's template)",
            )
            .optional(),
        })
        .strict()
        .describe(
          "Who may suppress a finding on admission with the object's own sanctum.dev/ignore annotation; for anyone else the annotation is not honoured (an admission warning says so). Scans of files and clusters always honour it",
        )
        .optional(),
      timeoutMs: z
        .number()
        .int()
        .positive()
        .describe('Time budget of one decision in milliseconds (default 3000); keep it below the webhook timeoutSeconds')
        .optional(),
      failurePolicy: z
        .enum(['Ignore', 'Fail'])
        .describe(
          'Answer when a decision cannot be made in time or fails: Ignore allows (fail open), Fail denies (fail closed); default Ignore',
        )
        .optional(),
      allowExistingViolations: z
        .boolean()
        .describe(
          "On UPDATE, a finding that oldObject already had (same rule, same container, volume or other named item) only warns instead of denying, as Kyverno's allowExistingViolations; false denies it like any other (default true)",
        )
        .optional(),
      maxRequestBytes: z
        .number()
        .int()
        .positive()
        .describe('Largest AdmissionReview body accepted, in bytes (default 3 MiB, the API server request limit)')
        .optional(),
      mutate: z
        .object({
          rules: z
            .array(z.string())
            .describe('Only fixes of these rules (ids or slugs) become patches on /mutate (default: every fixable rule)')
            .optional(),
        })
        .strict()
        .optional(),
    })
    .strict();

  const ConfigSchema = z
    .object({
      $schema: z.string().describe('URL or path of this JSON Schema, for editors').optional(),
      scanners: z.array(z.enum(SCANNERS)).describe('Scanners to run when --scanners is not given (default: all that apply)').optional(),
      failOn: anyCase(FAIL_ON_LEVELS)
        .describe('Lowest severity that fails the scan (exit 1) when --fail-on is not given; none reports without failing')
        .optional(),
      frameworks: z
        .array(z.string())
        .describe('Only rules mapped to one of these frameworks run, e.g. pss:restricted, owasp-llm-2025')
        .optional(),
      exclude: z
        .array(z.string())
        .describe('Path globs (gitignore syntax), relative to the scanned directory, left out of every scan')
        .optional(),
      ignore: z
        .array(IgnoreEntrySchema)
        .describe('Accepted findings: each entry suppresses the findings it matches until it expires')
        .optional(),
      rules: z
        .record(
          z.string(),
          z
            .object({
              enabled: z.boolean().describe('false turns the rule off').optional(),
              severity: anyCase(SEVERITIES).describe("Overrides the rule's default severity").optional(),
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
      webhook: WebhookSettingsSchema.describe('Settings of sanctum webhook (the admission webhook)').optional(),
    })
    .strict();
  return { ConfigSchema, IgnoreEntrySchema, WebhookSettingsSchema };
});

type Schemas = ReturnType<typeof schemas>;
export type WebhookSettings = z.infer<Schemas['WebhookSettingsSchema']>;
export type AdmissionAction = (typeof ADMISSION_ACTIONS)[number];
export type SanctumConfig = z.infer<Schemas['ConfigSchema']>;
export type IgnoreEntry = z.infer<Schemas['IgnoreEntrySchema']>;

export const CONFIG_FILE_NAMES = ['.sanctum.yaml', '.sanctum.yml'];

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Finds `.sanctum.yaml` in `start` (a directory, or a file's directory) or the nearest directory above it. */
export function findConfig(start: string): string | undefined {
  try {
    if (!statSync(start).isDirectory()) start = dirname(start);
  } catch {
    start = dirname(start);
  }
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

/**
 * The configuration that governs the scanned targets: `.sanctum.yaml` found upward from each of
 * them. Targets governed by different files cannot share one scan.
 */
export function findConfigFor(targets: readonly string[], cwd: string): string | undefined {
  const found = new Set((targets.length ? targets : ['.']).map((t) => findConfig(resolve(cwd, t))));
  if (found.size > 1) {
    const names = [...found].map((p) => (p ? shownPath(p, cwd) : '(none)')).join(', ');
    throw new ConfigError(
      `the targets are governed by different configurations (${names}): scan them separately or name one with --config`,
    );
  }
  return [...found][0];
}

export function parseConfig(text: string, path: string): SanctumConfig {
  let raw: unknown;
  try {
    // No filename: the message is prefixed with the file already (js-yaml would add ` in "FILE"` too).
    raw = loadBounded(text, { schema: yaml.DEFAULT_SCHEMA }) ?? {};
  } catch (e) {
    throw new ConfigError(`${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = schemas().ConfigSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${issueMessage(i)}`).join('; ');
    throw new ConfigError(`${path}: invalid configuration: ${issues}`);
  }
  return r.data;
}

/** An unknown key spelled as a flag (`fail-on`), in snake case (`fail_on`) or with a slip names the key meant (`failOn`), any other the keys allowed there. */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'unrecognized_keys') return issue.message;
  const known = keysAt(schemas().ConfigSchema, issue.path);
  return issue.keys.map((key) => unknownKeyMessage(key, known)).join(', ');
}

export function loadConfig(path: string, cwd = process.cwd()): SanctumConfig {
  const shown = shownPath(path, cwd);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read configuration ${shown}: ${describeSystemError(e)}`);
  }
  return parseConfig(text, shown);
}

type RuleOptionSpecs = NonNullable<RuleMeta['options']>;

/**
 * The schema of one rule option, from the type of its default: a list takes values of the type of
 * its default's items (strings when empty), a number takes a number, and so on.
 */
export function ruleOptionSchema(defaultValue: unknown): z.ZodType {
  const { z } = zod();
  if (Array.isArray(defaultValue)) return z.array(defaultValue.length ? ruleOptionSchema(defaultValue[0]) : z.string());
  switch (typeof defaultValue) {
    case 'number':
      return z.number();
    case 'boolean':
      return z.boolean();
    case 'string':
      return z.string();
    case 'object':
      return defaultValue === null ? z.unknown() : z.record(z.string(), z.unknown());
    default:
      return z.unknown();
  }
}

function ruleOptionsSchema(specs: RuleOptionSpecs) {
  const { z } = zod();
  const shape: Record<string, z.ZodType> = {};
  for (const [key, spec] of Object.entries(specs)) shape[key] = ruleOptionSchema(spec.default).describe(spec.description).optional();
  return z.object(shape).strict();
}

/**
 * Checks `rules.<rule>.options` against the options each rule declares: an unknown key or a value of
 * the wrong type is a ConfigError naming the file and the key. `lookup` finds a rule by id or slug.
 */
export function checkRuleOptions(config: SanctumConfig, lookup: (key: string) => { meta: RuleMeta } | undefined, path: string): void {
  const problems: string[] = [];
  for (const [key, rc] of Object.entries(config.rules ?? {})) {
    const meta = lookup(key)?.meta;
    if (!meta || rc.options === undefined) continue;
    const specs = meta.options ?? {};
    const r = ruleOptionsSchema(specs).safeParse(rc.options);
    if (r.success) continue;
    for (const issue of r.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        const known = Object.keys(specs);
        for (const k of issue.keys)
          problems.push(
            `rules.${key}.options.${k}: unknown option of ${meta.id} (${known.length ? `known: ${known.join(', ')}` : 'it takes no options'})`,
          );
      } else problems.push(`rules.${key}.options.${issue.path.join('.')}: ${issue.message}`);
    }
  }
  if (problems.length) throw new ConfigError(`${path}: invalid configuration: ${problems.join('; ')}`);
}

/**
 * The JSON Schema of `.sanctum.yaml`, shipped as schemas/sanctum-config.schema.json. With `rules`,
 * `rules` lists every rule by id and slug with the options it takes, and nothing else.
 */
export function configJsonSchema(rules: readonly { meta: RuleMeta }[] = []): unknown {
  const { z } = zod();
  const jsonSchemaOf = (schema: z.ZodType) =>
    z.toJSONSchema(schema, {
      io: 'input',
      unrepresentable: 'any',
      override: (ctx) => {
        // YAML reads an unquoted 2027-01-31 as a date; in the JSON view of the file it is the same string.
        if (ctx.zodSchema._zod.def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date' });
        const out = ctx.jsonSchema as Record<string, unknown>;
        const words = out.caseInsensitiveWords as string[] | undefined;
        if (words) {
          // Editors complete from the enum; the pattern accepts the same words in any case.
          const pattern = `^(?:${words.map((w) => [...w].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('')).join('|')})$`;
          delete out.caseInsensitiveWords;
          delete out.type;
          Object.assign(out, { anyOf: [{ enum: [...words] }, { type: 'string', pattern }] });
        }
      },
    }) as Record<string, unknown>;
  const schema = jsonSchemaOf(schemas().ConfigSchema) as { properties: Record<string, Record<string, unknown>> };
  if (rules.length) {
    // Each rule by id and by slug; rules that take options get settings of their own.
    const settings = schema.properties.rules.additionalProperties as Record<string, unknown> & { properties: Record<string, unknown> };
    const defs: Record<string, unknown> = { severity: settings.properties.severity };
    const withOptions = (options: unknown) => ({
      ...settings,
      properties: { ...settings.properties, severity: { $ref: '#/$defs/severity' }, options },
    });
    defs.rule = withOptions({ type: 'object', additionalProperties: false, description: 'This rule takes no options' });
    const byKey: Record<string, unknown> = {};
    for (const { meta } of rules) {
      let ref = '#/$defs/rule';
      if (meta.options && Object.keys(meta.options).length) {
        const { $schema: _, ...options } = jsonSchemaOf(ruleOptionsSchema(meta.options));
        defs[meta.id] = withOptions({ ...options, description: 'Rule options, as listed on the rule page' });
        ref = `#/$defs/${meta.id}`;
      }
      byKey[meta.id] = byKey[meta.slug] = { $ref: ref, description: `${meta.id} ${meta.slug}: ${meta.title}` };
    }
    schema.properties.rules = { ...schema.properties.rules, properties: byKey, additionalProperties: false };
    Object.assign(schema, { $defs: defs });
  }
  return { ...schema, title: 'Sanctum configuration (.sanctum.yaml)' };
}
