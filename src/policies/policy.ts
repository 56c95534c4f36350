import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import yaml from 'js-yaml';
import type { CelInput } from '@bufbuild/cel';
import type { z } from 'zod';
import { configProblems, describeValue, inWords, keyPath, keysAt, unknownKeyMessage } from '../core/config-issues.js';
import { isSeverity, SEVERITIES, type ObjectPath, type Severity } from '../core/types.js';
import { lazySchema } from '../core/zod.js';
import {
  CelCompileError,
  CelEvaluationError,
  CelNotEvaluatedError,
  compileExpression,
  DEFAULT_COST_LIMIT,
  dataToCel,
  largestCollection,
  lazyVariables,
  timestampToCel,
  type CompiledExpression,
} from './cel.js';
import { containersOf, findPodSpecs, getAt } from '../parsers/k8s/pod-specs.js';
import { loadAllBounded } from '../core/js-yaml-load.js';
import { matchesSelector, labelSelectorSchema } from './label-selector.js';
import { authorizerValue, requestResourceValue, withAuthorizer, type AuthorizerContext } from './cel-authorizer.js';
import { ADMISSION_REQUEST, AUTHORIZER, NAMESPACE_OBJECT, variableDeclarationType, variablesType } from './cel-checker.js';
import { DYN, listOf, typeName, type CelType } from './cel-types.js';
import { cut } from '../core/printable.js';
import { imageSecrets, messageMasker, objectSecrets } from './object-secrets.js';
import { withoutSecrets } from '../rules/secrets/lib/plain-text.js';

/**
 * Custom policies: YAML in the shape of Kubernetes' ValidatingAdmissionPolicy, with a severity.
 *
 *   apiVersion: policies.sanctum.dev/v1
 *   kind: SanctumPolicy
 *   metadata: { name: model-images-by-digest }
 *   spec:
 *     severity: high
 *     match: { kinds: [Deployment, serving.kserve.io/InferenceService], namespaces: [ml-*], labels: { matchLabels: { tier: serving } } }
 *     matchConditions: [{ name: not-a-job, expression: "object.kind != 'Job'" }]
 *     variables: [{ name: images, expression: "containers.map(c, c.image)" }]
 *     validations:
 *       - expression: "variables.images.all(i, i.contains('@sha256:'))"
 *         messageExpression: "'images not pinned by digest: ' + variables.images.filter(i, !i.contains('@sha256:')).join(', ')"
 *         fieldPath: spec.template.spec.containers
 */
export const POLICY_API_VERSION = 'policies.sanctum.dev/v1';
export const POLICY_KIND = 'SanctumPolicy';
/** Where policies are looked up when none are named: beside `.sanctum.yaml`, or in the current directory. */
export const DEFAULT_POLICY_DIR = '.sanctum/policies';

/**
 * What a policy checks: Kubernetes objects (the default), or the configuration of a container image
 * (`User`, `Env`, `ExposedPorts`, `Labels`, `Healthcheck`, the build history) in `sanctum image`, and
 * an image config file (`config.json`) a scan finds.
 */
export const POLICY_TARGETS = ['kubernetes', 'image-config'] as const;
export type PolicyTarget = (typeof POLICY_TARGETS)[number];

/** Names an expression of a Kubernetes policy can read: those of ValidatingAdmissionPolicy, and Sanctum's pod-spec views. */
export const POLICY_VARIABLES = [
  'object',
  'oldObject',
  'params',
  'namespaceObject',
  'request',
  'variables',
  'podSpecs',
  'containers',
  'authorizer',
] as const;

/** Names an expression of an image-config policy can read: the config as stored, and a normalised view of it (docs/policies.md). */
export const IMAGE_POLICY_VARIABLES = ['object', 'image', 'variables'] as const;

/** The types of the names, as the API server declares them (`object`, `oldObject` and `params` are dyn there too; `variables` is typed per policy). */
const DECLARED_TYPES: Readonly<Record<string, CelType>> = {
  request: ADMISSION_REQUEST,
  namespaceObject: NAMESPACE_OBJECT,
  authorizer: AUTHORIZER,
  podSpecs: listOf(DYN),
  containers: listOf(DYN),
};

/** The schemas of a policy document, built when a policy is first read. */
const schemas = lazySchema((z) => {
  const severity = z
    .string()
    .refine((s) => isSeverity(s.toLowerCase()), {
      error: (issue) => `expected one of ${SEVERITIES.join(', ')}, found ${describeValue(issue.input)}`,
    })
    .transform((s) => s.toLowerCase() as Severity);

  const namedExpression = z.object({
    name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
      error: (issue) => `expected a CEL identifier (letters, digits and _, not starting with a digit), found ${describeValue(issue.input)}`,
    }),
    expression: z.string(),
  });
  const matchCondition = z.object({ name: z.string().min(1), expression: z.string() });

  const PolicySpecSchema = z.object({
    target: z.enum(POLICY_TARGETS).optional(),
    severity: severity.optional(),
    description: z.string().optional(),
    match: z
      .object({
        kinds: z.array(z.string()).optional(),
        namespaces: z.array(z.string()).optional(),
        excludeNamespaces: z.array(z.string()).optional(),
        labels: labelSelectorSchema().optional(),
      })
      .strict()
      .optional(),
    matchConditions: z.array(matchCondition).optional(),
    variables: z.array(namedExpression).optional(),
    validations: z
      .array(
        z
          .object({
            expression: z.string(),
            message: z.string().optional(),
            messageExpression: z.string().optional(),
            fieldPath: z.string().optional(),
            reason: z.string().optional(),
            severity: severity.optional(),
          })
          .strict(),
      )
      .min(1, 'a policy needs at least one validation'),
    costLimit: z.number().int().positive().optional(),
  });

  const PolicyDocumentSchema = z.object({
    apiVersion: z.literal(POLICY_API_VERSION),
    kind: z.literal(POLICY_KIND),
    metadata: z.object({ name: z.string().min(1) }),
    spec: PolicySpecSchema,
  });
  return { PolicySpecSchema, PolicyDocumentSchema };
});

/** The schema of a policy's spec. */
export const policySpecSchema = (): ReturnType<typeof schemas>['PolicySpecSchema'] => schemas().PolicySpecSchema;

export type PolicySpec = z.infer<ReturnType<typeof policySpecSchema>>;

/**
 * A policy that cannot be read or compiled. Its message quotes the policy's own text (an expression, a
 * field's value, a YAML alias), which may hold a key written in it: keys in a known format are masked
 * (`withoutSecrets`), as in every other message of a policy.
 */
export class PolicyError extends Error {
  constructor(message: string) {
    super(withoutSecrets(message));
    this.name = 'PolicyError';
  }
}

/** What an object is checked with: the bindings of ValidatingAdmissionPolicy. */
export interface PolicyBindings {
  object: Record<string, unknown>;
  oldObject?: Record<string, unknown> | null;
  params?: unknown;
  namespaceObject?: Record<string, unknown> | null;
  /** The admission request (for a file, one synthesised as a CREATE of the object). */
  request?: Record<string, unknown>;
  /**
   * The object's resource name (plural), when known: the one a CustomResourceDefinition gives, `endpoints` for
   * Endpoints. Without it (and without `request`), guessed from the kind (`resourceOf`). Used by the synthesised
   * request's `resource`/`requestResource` and by `authorizer.requestResource`.
   */
  resource?: string;
  /**
   * The group, version and resource the object is evaluated as, when a ValidatingAdmissionPolicy matched it through an
   * equivalent resource (`matchPolicy: Equivalent`): `object` has its apiVersion, as converted by the API server (its
   * fields are not converted: the caller tells a failure that may come of it as not judged), the synthesised request's
   * `kind` and `resource` name it, and its `requestKind` and `requestResource` the object as written.
   */
  matchedAs?: { group: string; version: string; resource: string };
  /** For an image-config policy: the normalised view of the image config (`object` is the config as stored). */
  image?: Record<string, unknown>;
  /** What `authorizer` checks are decided with (the RBAC objects, the requesting user); none decided without. */
  authorizer?: AuthorizerContext;
}

/**
 * The reasons a validation may give, as the API server allows them, with the HTTP status code of its answer when the
 * validation denies a request (the API server's answer without a reason is Invalid).
 */
export const VALIDATION_REASONS = ['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge'] as const;
export type ValidationReason = (typeof VALIDATION_REASONS)[number];
export const REASON_STATUS_CODES: Readonly<Record<ValidationReason, number>> = {
  Unauthorized: 401,
  Forbidden: 403,
  Invalid: 422,
  RequestEntityTooLarge: 413,
};

export interface Violation {
  message: string;
  severity: Severity;
  /** Where, relative to the object: the validation's `fieldPath`, else the object's name. */
  at: ObjectPath;
  /** The validation's `reason`, when it gives one. */
  reason?: ValidationReason;
  /** The expression that failed or could not be evaluated (a key in a known format written in it masked). */
  expression: string;
  /** True when the expression could not be evaluated (error or cost limit), not found false. */
  error?: boolean;
  /** True when it could not be decided here (an authorizer check without the user or RBAC objects): neither a pass nor a fail. */
  notEvaluated?: boolean;
  /** True for an error of an audit annotation's valueExpression (a ValidatingAdmissionPolicy's). */
  auditAnnotation?: boolean;
  /**
   * True when that valueExpression gave a value neither a string nor null (a dyn-typed expression passes at compile
   * time): an AuditAnnotationActionError on the API server, which denies whatever failurePolicy and validationActions.
   */
  unsupportedType?: boolean;
}

interface CompiledValidation {
  expression: CompiledExpression;
  message?: string;
  messageExpression?: CompiledExpression;
  at: ObjectPath;
  reason?: ValidationReason;
  severity: Severity;
}

export interface Policy {
  readonly name: string;
  /** Where it was read from (a file, or the manifest of a ValidatingAdmissionPolicy). */
  readonly source: string;
  readonly severity: Severity;
  readonly description?: string;
  /** What it checks (default: Kubernetes objects). */
  readonly target?: PolicyTarget;
  /** True when an expression reads `authorizer`: checks that only RBAC objects decide. */
  readonly usesAuthorizer?: boolean;
  /** True when the policy applies to the object (kinds, namespaces, labels; not the match conditions). */
  matches(object: Record<string, unknown>): boolean;
  /**
   * The violations of one object; empty when it passes or the match conditions leave it out. Their
   * messages mask the secrets of the objects read where quoted, whole, in another ASCII case, in part or in base64 (see
   * `object-secrets.ts`), and any in a known format; a message is cut to `MAX_MESSAGE` characters first (`messageMasker`).
   */
  evaluate(bindings: PolicyBindings): Violation[];
}

/** Compiles a policy spec; a CEL error is a PolicyError naming the policy, the field and the expression. */
/**
 * A ValidatingAdmissionPolicy's `auditAnnotations` (not part of a SanctumPolicy's format): each
 * `valueExpression` is compiled and, when the validations have run, evaluated; an error, or a value
 * other than a string or null, is a violation marked `auditAnnotation` (the API server denies an error under
 * failurePolicy Fail, and a value of another type, marked `unsupportedType`, whatever failurePolicy; both whatever
 * the binding's actions).
 */
export interface AuditAnnotation {
  key: string;
  valueExpression: string;
}

export function compilePolicy(name: string, source: string, spec: PolicySpec & { auditAnnotations?: readonly AuditAnnotation[] }): Policy {
  const where = (field: string, expr: string, e: unknown): PolicyError =>
    new PolicyError(`policy ${name} (${source}): ${field}: ${(e as Error).message}: ${JSON.stringify(cut(expr))}`);
  /** Variables declared so far, with the types inferred for them: an expression reads those before it. */
  const declaredVariables = new Map<string, CelType>();
  const compile = (field: string, expr: string, names: readonly string[], expected?: 'bool' | 'string'): CompiledExpression => {
    const declarations = new Map<string, CelType>(
      names.map((n) => [n, n === 'variables' ? variablesType(declaredVariables) : (DECLARED_TYPES[n] ?? DYN)]),
    );
    let compiled: CompiledExpression;
    try {
      compiled = compileExpression(expr, declarations);
    } catch (e) {
      if (e instanceof CelCompileError) throw where(field, expr, e);
      throw e;
    }
    // The API server's compile check: a validation or match condition is exactly a bool, a message exactly a
    // string. A result typed dyn (a field of an object without a schema) is refused there too.
    if (expected && compiled.type.kind !== expected)
      throw where(
        field,
        expr,
        new Error(
          `at ${compiled.resultAt}: must evaluate to ${expected} but got ${typeName(compiled.type)}${resultHint(expected, compiled.type)}`,
        ),
      );
    return compiled;
  };
  const target = spec.target ?? 'kubernetes';
  const match = spec.match ?? {};
  if (target === 'image-config') {
    const objectFields = Object.keys(match).filter((k) => match[k as keyof typeof match] !== undefined);
    if (objectFields.length)
      throw new PolicyError(
        `policy ${name} (${source}): match.${objectFields[0]} selects Kubernetes objects, and this policy's target is image-config: select images with matchConditions (image.ref, image.labels, …)`,
      );
  }
  const names: readonly string[] = target === 'image-config' ? IMAGE_POLICY_VARIABLES : POLICY_VARIABLES;
  // Where a finding points without a fieldPath: the object's name, or the runtime part of an image config.
  const defaultAt: ObjectPath = target === 'image-config' ? ['config'] : ['metadata', 'name'];
  const variables = (spec.variables ?? []).map((v, i) => {
    const expr = compile(`variables[${i}] (${v.name})`, v.expression, names);
    declaredVariables.set(v.name, variableDeclarationType(expr.type));
    return { name: v.name, expr };
  });
  const variableNames = variables.map((v) => v.name);
  const variableExpressions = new Map(variables.map((v) => [v.name, v.expr]));
  // As in the API server, match conditions can read every variable.
  const conditions = (spec.matchConditions ?? []).map((c, i) => ({
    name: c.name,
    expr: compile(`matchConditions[${i}] (${c.name})`, c.expression, names, 'bool'),
  }));
  const policySeverity = spec.severity ?? 'medium';
  spec.validations.forEach((v, i) => {
    // The API server refuses a policy with another reason.
    if (v.reason !== undefined && !(VALIDATION_REASONS as readonly string[]).includes(v.reason))
      throw new PolicyError(
        `policy ${name} (${source}): validations[${i}].reason: expected one of ${VALIDATION_REASONS.join(', ')}, found ${JSON.stringify(cut(v.reason))}`,
      );
  });
  const validations: CompiledValidation[] = spec.validations.map((v, i) => ({
    expression: compile(`validations[${i}].expression`, v.expression, names, 'bool'),
    message: v.message,
    messageExpression:
      v.messageExpression !== undefined ? compile(`validations[${i}].messageExpression`, v.messageExpression, names, 'string') : undefined,
    at: v.fieldPath ? parseFieldPath(v.fieldPath, `policy ${name} (${source}): validations[${i}].fieldPath`) : defaultAt,
    reason: v.reason as ValidationReason | undefined,
    severity: v.severity ?? policySeverity,
  }));
  const costLimit = spec.costLimit ?? DEFAULT_COST_LIMIT;
  const auditAnnotations = (spec.auditAnnotations ?? []).map((a, i) => {
    const field = `auditAnnotations[${i}].valueExpression`;
    const expr = compile(field, a.valueExpression, names);
    if (!['string', 'null', 'dyn'].includes(expr.type.kind))
      throw where(
        field,
        a.valueExpression,
        new Error(`at ${expr.resultAt}: must evaluate to string or null but got ${typeName(expr.type)}`),
      );
    return { key: a.key, expr };
  });
  const usesAuthorizer = [
    ...conditions.map((c) => c.expr),
    ...variables.map((v) => v.expr),
    ...validations.flatMap((v) => [v.expression, ...(v.messageExpression ? [v.messageExpression] : [])]),
    ...auditAnnotations.map((a) => a.expr),
  ].some((e) => e.reads.has('authorizer'));

  // An expression as findings quote it (evidence, the webhook's answer): a key written in it masked, each masked once.
  const shownExpressions = new Map<string, string>();
  const shownExpression = (source: string): string => {
    let shown = shownExpressions.get(source);
    if (shown === undefined) shownExpressions.set(source, (shown = withoutSecrets(source)));
    return shown;
  };

  return {
    name,
    source,
    severity: policySeverity,
    description: spec.description,
    target,
    usesAuthorizer,
    matches(object) {
      if (target === 'image-config') return true;
      if (match.kinds?.length && !match.kinds.some((k) => kindMatches(k, object))) return false;
      const ns = namespaceOf(object);
      if (match.namespaces?.length && !(ns !== undefined && match.namespaces.some((p) => globMatch(p, ns)))) return false;
      if (match.excludeNamespaces?.length && ns !== undefined && match.excludeNamespaces.some((p) => globMatch(p, ns))) return false;
      if (match.labels && !matchesSelector(match.labels, labelsOf(object))) return false;
      return true;
    },
    evaluate(b) {
      const violations = withAuthorizer(b.authorizer ?? { rbacMissing: NO_RBAC }, () => evaluate(b));
      if (violations.length === 0) return violations;
      // A message made by the policy's expressions may quote a value of the objects it reads: their secrets are masked.
      const secrets = objectSecrets(b.object);
      objectSecrets(b.oldObject, secrets);
      objectSecrets(b.params, secrets);
      if (target === 'image-config') imageSecrets(b.image, secrets);
      const mask = messageMasker(secrets);
      return violations.map((v) => ({ ...v, message: mask(v.message), expression: shownExpression(v.expression) }));
    },
  };

  function evaluate(b: PolicyBindings): Violation[] {
    const n = largestCollection(b.object, b.params, b.namespaceObject, b.oldObject, b.image);
    const bound: Record<string, unknown> = target === 'image-config' ? imageBindings(b) : kubernetesBindings(b);
    // Each variable is evaluated when an expression first reads it, as on the API server: one that
    // fails fails the expressions that read it, and one nobody reads is never evaluated.
    bound.variables = lazyVariables(variableNames, (name) => variableExpressions.get(name)!.evaluateValue(bound as never, n, costLimit));
    const failed = (expression: string, message: string, at: ObjectPath = defaultAt, sev = policySeverity, e?: unknown): Violation[] => [
      {
        message: `policy ${name}: ${message}`,
        severity: sev,
        at,
        expression,
        error: true,
        ...(e instanceof CelNotEvaluatedError ? { notEvaluated: true } : {}),
      },
    ];
    const notEvaluated = (e: unknown, what: string, message: string): string =>
      e instanceof CelNotEvaluatedError ? `${what} not evaluated: ${e.message}; it neither passes nor fails` : message;
    // As the API server: one condition false leaves the object out, even when another fails; else the
    // first that fails is the error.
    let conditionFailure: Violation[] | undefined;
    for (const c of conditions) {
      try {
        const r = c.expr.evaluate(bound as never, n, costLimit);
        if (r === false) return [];
        if (r !== true) conditionFailure ??= failed(c.expr.source, `match condition ${c.name} gave ${typeof r}, not a bool`);
      } catch (e) {
        if (!(e instanceof CelEvaluationError)) throw e;
        conditionFailure ??= failed(
          c.expr.source,
          notEvaluated(e, `match condition ${c.name}`, `match condition ${c.name} could not be evaluated: ${e.message}`),
          defaultAt,
          policySeverity,
          e,
        );
      }
    }
    if (conditionFailure) return conditionFailure;
    const out: Violation[] = [];
    for (const v of validations) {
      let ok: unknown;
      try {
        ok = v.expression.evaluate(bound as never, n, costLimit);
      } catch (e) {
        if (!(e instanceof CelEvaluationError)) throw e;
        const source = quoted(v.expression.source);
        out.push(
          ...failed(v.expression.source, notEvaluated(e, source, `${source} could not be evaluated: ${e.message}`), v.at, v.severity, e),
        );
        continue;
      }
      if (ok === true) continue;
      if (ok !== false) {
        out.push(...failed(v.expression.source, `${quoted(v.expression.source)} gave ${typeof ok}, not a bool`, v.at, v.severity));
        continue;
      }
      // As the API server: the messageExpression's value trimmed, unless it fails, is empty, holds a line
      // break or is over 5 KiB; else the message trimmed, unless empty; else the expression.
      let message = '';
      if (v.messageExpression) {
        try {
          const m = v.messageExpression.evaluate(bound as never, n, costLimit);
          if (typeof m === 'string') message = usableMessage(m.trim());
        } catch {
          // A messageExpression that fails falls back to message.
        }
      }
      if (message === '') message = v.message?.trim() ?? '';
      if (message === '') message = `failed expression: ${cut(v.expression.source.trim())}`;
      out.push({ message, severity: v.severity, at: v.at, expression: v.expression.source, ...(v.reason ? { reason: v.reason } : {}) });
    }
    for (const a of auditAnnotations) {
      let value: unknown;
      try {
        value = a.expr.evaluate(bound as never, n, costLimit);
      } catch (e) {
        if (!(e instanceof CelEvaluationError)) throw e;
        const what = `auditAnnotations ${a.key}`;
        out.push(
          ...failed(a.expr.source, notEvaluated(e, what, `${what} could not be evaluated: ${e.message}`), defaultAt, policySeverity, e).map(
            (v) => ({ ...v, auditAnnotation: true }),
          ),
        );
        continue;
      }
      if (typeof value !== 'string' && value !== null)
        out.push(
          ...failed(a.expr.source, `auditAnnotations ${a.key} gave ${typeof value}, not a string or null`).map((v) => ({
            ...v,
            auditAnnotation: true,
            unsupportedType: true,
          })),
        );
    }
    return out;
  }
}

/** The API server's limit of a messageExpression's value (celconfig.MaxEvaluatedMessageExpressionSizeBytes). */
const MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;

/** A messageExpression's trimmed value, or '' where the API server falls back to message: a line break, over 5 KiB. */
function usableMessage(m: string): string {
  if (m.includes('\n')) return '';
  if (m.length > MAX_MESSAGE_EXPRESSION_BYTES / 4 && Buffer.byteLength(m, 'utf8') > MAX_MESSAGE_EXPRESSION_BYTES) return '';
  return m;
}

/** An expression as a message quotes it: in JSON quotes, and only its start when it is long (`cut`). */
function quoted(expression: string): string {
  return JSON.stringify(cut(expression));
}

/**
 * Keys of a ValidatingAdmissionPolicy's spec that a SanctumPolicy does not read: a policy copied from
 * one may keep them, and they are ignored without a word.
 */
const ADMISSION_POLICY_SPEC_KEYS = new Set(['paramKind', 'matchConstraints', 'failurePolicy', 'auditAnnotations']);

/**
 * The keys of a policy's spec that neither a SanctumPolicy nor a ValidatingAdmissionPolicy has, each
 * told with the key probably meant: `unknown key "matchCondition" (did you mean "matchConditions"?)`.
 * The spec is not strict (a policy copied from a ValidatingAdmissionPolicy keeps its other keys), so
 * such a key would be dropped in silence.
 */
function unknownSpecKeys(doc: unknown): string[] {
  const spec = doc && typeof doc === 'object' ? (doc as { spec?: unknown }).spec : undefined;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return [];
  const known = keysAt(schemas().PolicySpecSchema, []);
  return Object.keys(spec)
    .filter((key) => !known.includes(key) && !ADMISSION_POLICY_SPEC_KEYS.has(key))
    .map((key) => unknownKeyMessage(key, known));
}

/**
 * Reads policies from files and directories (every `.yaml`/`.yml` file inside, documents of kind
 * SanctumPolicy). `onWarning` receives what is read but ignored: a key of the spec no policy has.
 */
export function loadPolicies(paths: readonly string[], cwd = process.cwd(), onWarning?: (message: string) => void): Policy[] {
  const files: string[] = [];
  for (const p of paths) {
    const abs = resolve(cwd, p);
    if (!existsSync(abs)) throw new PolicyError(`no such policy file or directory: ${p}`);
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs).sort())
        if (/\.ya?ml$/i.test(name) && statSync(join(abs, name)).isFile()) files.push(join(abs, name));
    } else files.push(abs);
  }
  const out: Policy[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const display = relative(cwd, file).split('\\').join('/') || file;
    let docs: unknown[];
    try {
      // No filename: the message is prefixed with the file already (js-yaml would add ` in "FILE"` too).
      docs = loadAllBounded(readFileSync(file, 'utf8'), { schema: yaml.DEFAULT_SCHEMA });
    } catch (e) {
      throw new PolicyError(`${display}: ${(e as Error).message.split('\n')[0]}`);
    }
    docs.forEach((doc, i) => {
      if (doc === null || doc === undefined) return;
      const where = `${display}${docs.length > 1 ? ` (document ${i + 1})` : ''}`;
      const r = schemas().PolicyDocumentSchema.safeParse(doc, { error: inWords });
      if (!r.success) throw shapeError(doc, r.error.issues, where);
      const name = r.data.metadata.name;
      for (const problem of unknownSpecKeys(doc)) onWarning?.(`policy ${name} (${where}): spec: ${problem}; it is ignored`);
      if (seen.has(name)) throw new PolicyError(`policy ${name} is defined twice: in ${seen.get(name)} and ${display}`);
      seen.set(name, display);
      out.push(compilePolicy(name, display, r.data.spec));
    });
  }
  return out;
}

/**
 * A policy document of the wrong shape, in words: the file (and document), the policy when it has a
 * name, and each field with what was expected there and what was found. A document that is not a
 * SanctumPolicy at all is told by its apiVersion and kind only: its other fields are not a policy's.
 */
function shapeError(doc: unknown, issues: readonly z.core.$ZodIssue[], where: string): PolicyError {
  // A misspelt key of the spec (`validation`) is why a key it needs is missing: both are told.
  const problems = [
    ...configProblems(schemas().PolicyDocumentSchema, issues),
    ...unknownSpecKeys(doc).map((message) => ({ path: ['spec'], message })),
  ];
  const told = (list: typeof problems) => list.map((p) => `${keyPath(p.path) || '(top level)'}: ${p.message}`).join('; ');
  const header = problems.filter((p) => p.path.length === 1 && (p.path[0] === 'apiVersion' || p.path[0] === 'kind'));
  if (header.length) return new PolicyError(`${where}: not a ${POLICY_KIND} ${POLICY_API_VERSION}: ${told(header)}`);
  const metadata = doc && typeof doc === 'object' ? (doc as { metadata?: unknown }).metadata : undefined;
  const name = metadata && typeof metadata === 'object' ? (metadata as { name?: unknown }).name : undefined;
  return new PolicyError(`${typeof name === 'string' && name ? `policy ${name} (${where})` : where}: ${told(problems)}`);
}

/** `spec.template.spec.containers[0].image`, `metadata.labels['app.kubernetes.io/name']` as an object path. */
export function parseFieldPath(path: string, where: string): ObjectPath {
  const out: Array<string | number> = [];
  const re = /\.?([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < path.length && (m = re.exec(path))) {
    pos = re.lastIndex;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3] ?? m[4]);
  }
  if (pos !== path.length || out.length === 0) throw new PolicyError(`${where}: cannot read field path ${JSON.stringify(path)}`);
  return out;
}

function kindMatches(spec: string, object: Record<string, unknown>): boolean {
  const slash = spec.lastIndexOf('/');
  const kind = slash === -1 ? spec : spec.slice(slash + 1);
  if (kind !== '*' && kind !== object.kind) return false;
  if (slash === -1) return true;
  const group = spec.slice(0, slash);
  const apiVersion = String(object.apiVersion ?? '');
  const objectGroup = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  // `apps/Deployment` names the group; `apps/v1/Deployment` the group and version; `v1/Pod` the core group.
  return group === objectGroup || group === apiVersion || (objectGroup === '' && group === 'core');
}

export function namespaceOf(object: Record<string, unknown>): string | undefined {
  const md = object.metadata as Record<string, unknown> | undefined;
  return md && typeof md.namespace === 'string' ? md.namespace : undefined;
}

export function labelsOf(object: Record<string, unknown> | null | undefined): Record<string, string> {
  const md = object?.metadata as Record<string, unknown> | undefined;
  const labels = md?.labels;
  return labels && typeof labels === 'object' && !Array.isArray(labels) ? (labels as Record<string, string>) : {};
}

function globMatch(pattern: string, value: string): boolean {
  return pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : pattern === value;
}

/**
 * The request of a scan: a CREATE of the object by a user with no name and no groups, with the fields
 * the API server always sets (`kind`, `resource`, their `request…` twins, `name`, `namespace`,
 * `operation`, `userInfo`, `dryRun`), so an expression reading them runs rather than fails.
 */
function syntheticRequest(
  object: Record<string, unknown>,
  resourceName?: string,
  matchedAs?: PolicyBindings['matchedAs'],
): Record<string, unknown> {
  const md = (object.metadata ?? {}) as Record<string, unknown>;
  const apiVersion = String(object.apiVersion ?? '');
  const slash = apiVersion.lastIndexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const requestKind = { group, version, kind: object.kind };
  const requestResource = { group, version, resource: resourceName ?? resourceOf(String(object.kind ?? '')) };
  return {
    operation: 'CREATE',
    kind: matchedAs ? { group: matchedAs.group, version: matchedAs.version, kind: object.kind } : requestKind,
    resource: matchedAs ?? requestResource,
    requestKind,
    requestResource,
    name: md.name ?? '',
    namespace: md.namespace ?? '',
    userInfo: { username: '', groups: [] },
    dryRun: false,
  };
}

/** Why a policy has no RBAC objects to decide `authorizer` checks with, unless its caller gives them. */
const NO_RBAC = "a custom policy runs on one object at a time, without the scan's RBAC objects";

/** The resource name of a kind, as the API server pluralises it (`NetworkPolicy` → `networkpolicies`). */
export function resourceOf(kind: string): string {
  const k = kind.toLowerCase();
  if (/[^aeiou]y$/.test(k)) return k.slice(0, -1) + 'ies';
  if (/(s|x|z|ch|sh)$/.test(k)) return k + 'es';
  return k + 's';
}

/** `authorizer.requestResource`: the request's resource when the request names it, else the object's. */
function requestResource(
  object: Record<string, unknown>,
  request: Record<string, unknown> | undefined,
  resourceName: string | undefined,
): Record<string, string> {
  const md = (object.metadata ?? {}) as Record<string, unknown>;
  const resource = (request?.resource ?? {}) as Record<string, unknown>;
  const apiVersion = String(object.apiVersion ?? '');
  const str = (v: unknown, fallback: string) => (typeof v === 'string' ? v : fallback);
  return {
    group: str(resource.group, apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : ''),
    resource: str(resource.resource, resourceName ?? resourceOf(String(object.kind ?? ''))),
    subresource: str(request?.subResource, ''),
    namespace: str(request?.namespace, str(md.namespace, '')),
    name: str(request?.name, str(md.name, '')),
  };
}

function kubernetesBindings(b: PolicyBindings): Record<string, unknown> {
  const pods = podViews(b.object);
  return {
    authorizer: authorizerValue(),
    'authorizer.requestResource': requestResourceValue(requestResource(b.object, b.request, b.resource)),
    object: dataToCel(b.matchedAs ? { ...b.object, apiVersion: apiVersionOf(b.matchedAs) } : b.object),
    oldObject: dataToCel(b.oldObject ?? null),
    params: dataToCel(b.params ?? null),
    namespaceObject: namespaceObjectToCel(b.namespaceObject),
    request: dataToCel(b.request ?? syntheticRequest(b.object, b.resource, b.matchedAs)),
    podSpecs: dataToCel(pods.specs),
    containers: dataToCel(pods.containers),
  };
}

/** `group/version`, or `version` alone for the core group. */
export function apiVersionOf(gv: { group: string; version: string }): string {
  return gv.group ? `${gv.group}/${gv.version}` : gv.version;
}

/**
 * `namespaceObject` as the API server gives it: typed as Kubernetes' Namespace (see `NAMESPACE_OBJECT`),
 * whose times are timestamps, where the JSON of the object has strings. So
 * `namespaceObject.metadata.creationTimestamp < timestamp('2024-01-01T00:00:00Z')` runs as it type-checks.
 */
function namespaceObjectToCel(namespace: Record<string, unknown> | null | undefined): CelInput {
  const value = dataToCel(namespace ?? null);
  if (!(value instanceof Map)) return value;
  const toTimestamp = (holder: unknown, key: string): void => {
    if (!(holder instanceof Map)) return;
    const text = holder.get(key);
    const time = typeof text === 'string' ? timestampToCel(text) : undefined;
    if (time !== undefined) holder.set(key, time);
  };
  const metadata = value.get('metadata');
  toTimestamp(metadata, 'creationTimestamp');
  toTimestamp(metadata, 'deletionTimestamp');
  const status = value.get('status');
  const conditions = status instanceof Map ? status.get('conditions') : undefined;
  if (Array.isArray(conditions)) for (const c of conditions) toTimestamp(c, 'lastTransitionTime');
  return value;
}

function imageBindings(b: PolicyBindings): Record<string, unknown> {
  return { object: dataToCel(b.object), image: dataToCel(b.image ?? {}) };
}

/** Every pod spec of the object (workloads, AI operators' resources) and every container in them. */
function podViews(object: Record<string, unknown>): { specs: unknown[]; containers: unknown[] } {
  const specs: unknown[] = [];
  const containers: unknown[] = [];
  for (const loc of findPodSpecs(object)) {
    const spec = getAt(object, loc.specPath);
    if (spec && typeof spec === 'object') specs.push(spec);
    for (const c of containersOf(object, loc)) containers.push(c.container);
  }
  return { specs, containers };
}

/** What to write instead of a result the API server refuses for its type. */
function resultHint(expected: 'bool' | 'string', actual: CelType): string {
  if (actual.kind !== 'dyn') return '';
  return expected === 'bool'
    ? ' (its type is only known when it runs, and the API server refuses it: compare it, e.g. `… == true`)'
    : ' (its type is only known when it runs, and the API server refuses it: convert it with string())';
}
