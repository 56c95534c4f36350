import { isDeepStrictEqual } from 'node:util';
import jsonPatch, { type Operation } from 'fast-json-patch';
import type { AdmissionAction, SanctumConfig, WebhookSettings } from '../../core/config.js';
import { applyCheckedFixes, type FileFix } from '../../core/apply-fixes.js';
import { refusedPodSettingsIn } from '../../core/refused-pod-settings.js';
import type { Finding, Severity } from '../../core/types.js';
import { REASON_STATUS_CODES, type Policy, type ValidationReason } from '../../policies/policy.js';
import { policyRules } from '../../policies/policy-rules.js';
import { maskMessage, objectSecrets } from '../../policies/object-secrets.js';
import { getRegistry, prepareScan, ScanSetupError } from '../../scan.js';
import { k8sClassifier } from '../../parsers/k8s/k8s-classifier.js';
import { IGNORE_ANNOTATION } from '../../parsers/k8s/k8s-documents.js';
import { ObjectFile } from '../../sources/object-file.js';
import type { AdmissionRequest, AdmissionResponse } from './admission-review.js';

export type Endpoint = 'validate' | 'mutate';

export const DEFAULT_ACTIONS: Readonly<Record<Severity, AdmissionAction>> = {
  critical: 'deny',
  high: 'deny',
  medium: 'warn',
  low: 'audit',
  info: 'audit',
};
export const DEFAULT_TIMEOUT_MS = 3000;
/**
 * Who may suppress findings with the object's `sanctum.dev/ignore` annotation when `webhook.annotationSuppression.groups`
 * is not set: the controllers (ReplicaSet, Job, StatefulSet, …) that create pods from the template of an owner that was
 * itself admitted, annotation and all, for its author.
 */
export const DEFAULT_ANNOTATION_SUPPRESSION_GROUPS: readonly string[] = ['system:serviceaccounts:kube-system'];

/** The Kubernetes API server's own request body limit; AdmissionReviews carrying the object are a little larger. */
export const DEFAULT_MAX_REQUEST_BYTES = 3 * 1024 * 1024 + 64 * 1024;

export interface EvaluatorOptions {
  /** The configuration: rules, ignores, frameworks, and the `webhook` section. */
  config?: SanctumConfig;
  /** Custom CEL policies, run with the rules on each object (bound to the request: `request`, `oldObject`). */
  policies?: readonly Policy[];
  /** Milliseconds clock; `performance.now` by default. */
  now?(): number;
  /** `YYYY-MM-DD` for suppression expiry; today by default. */
  today?: string;
}

export type Outcome = 'allowed' | 'denied' | 'patched' | 'exempt' | 'skipped' | 'failure-policy';

/** A validation of a custom policy that the webhook could not decide (an `authorizer` check: it does not read the cluster's RBAC). */
export interface NotEvaluated {
  policy: string;
  expression: string;
}

export interface DecidedFinding {
  finding: Finding;
  action: AdmissionAction;
  /**
   * On an UPDATE with `allowExistingViolations` (the default): the finding would deny, but `oldObject` has the
   * same one (same rule, same subject: see `findingSubject`), so it is only warned about (`action` is `warn`).
   */
  preExisting?: true;
}

export interface Decision {
  response: AdmissionResponse;
  outcome: Outcome;
  /** The findings that were not suppressed, each with what it did. */
  findings: DecidedFinding[];
  /** Validations of custom policies that could not be decided here: neither allowed nor denied by them. */
  notEvaluated?: NotEvaluated[];
  dryRun: boolean;
  /** Why the failure policy answered, when it did. */
  failure?: string;
  /** The object carried the `sanctum.dev/ignore` annotation and the requester may not suppress with it: it was not honoured. */
  annotationNotHonoured?: true;
}

/**
 * The API server's limits on warnings (k8s.io/apiserver's warning recorder): a warning with a control
 * character (a newline) is dropped; past 4,096 characters in all, each is cut to 256 and those that no
 * longer fit are dropped, all in silence. Sanctum keeps within them and says what it left out.
 */
const MAX_WARNING = 256;
const MAX_WARNINGS_TOTAL = 4096;
/** Why `authorizer` checks are not decided by the webhook. */
export const WEBHOOK_NO_RBAC =
  "the webhook does not read the cluster's RBAC (Roles, ClusterRoles and their bindings), so it cannot decide authorizer checks";
const MAX_DENY_MESSAGE = 4096;
const MAX_AUDIT_VALUE = 8192;
const FIX_PASSES = 3;

/**
 * Decides admission requests with the rules `scan` runs on Kubernetes objects: the request's object is
 * handed to the engine as the JSON file the API server would store (`ObjectFile`: located by walking the
 * value beside that text, not by parsing it again, as a cluster object is), so a rule says the same about it
 * as about the same object in a manifest.
 */
/** Whether a rule applying to these document kinds reads one Kubernetes object alone: a kind the object's classifier produces. */
export function readsSingleObjects(appliesTo: readonly string[]): boolean {
  return appliesTo.some((k) => k8sClassifier.produces.includes(k));
}

export class AdmissionEvaluator {
  private readonly config: SanctumConfig;
  private readonly settings: WebhookSettings;
  private readonly actions: Record<Severity, AdmissionAction>;
  private readonly ruleIds: string[];
  private readonly mutateRules: ReadonlySet<string> | undefined;
  private readonly now: () => number;
  private readonly allowExisting: boolean;
  /**
   * For each rule run here, the rules run here linked to it by supersession, either way and through others (its
   * group): they run with it on `oldObject`. A superseding rule's finding folds its finding away (`foldSuperseded`),
   * and a suppression of a rule it folds away silences its finding (`answersTo`): without them, its findings on
   * `oldObject` would not be those of a full run.
   */
  private readonly foldGroups: ReadonlyMap<string, readonly string[]>;
  /** The rules whose fixes /mutate applies, in every pass: fixable, and in `webhook.mutate.rules` when given. */
  private readonly fixRules: ReadonlySet<string>;
  /**
   * `fixRules` with their fold groups (a finding folded away offers no fix): what the object is checked with again
   * after a pass of fixes, since only fixes are taken from that check and custom policies attach none.
   */
  private readonly recheckRules: ReadonlySet<string>;
  /** The configuration and rules resolved once, for every request. */
  private readonly scanObject: ReturnType<typeof prepareScan>;
  readonly timeoutMs: number;

  constructor(private readonly opts: EvaluatorOptions = {}) {
    this.config = opts.config ?? {};
    this.settings = this.config.webhook ?? {};
    this.actions = { ...DEFAULT_ACTIONS, ...definedOnly(this.settings.actions ?? {}) };
    this.timeoutMs = this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.allowExisting = this.settings.allowExistingViolations ?? true;
    this.now = opts.now ?? (() => performance.now());
    const reg = getRegistry();
    // Rules on single objects and their pod specs; cross-object rules need the whole set, which one request is not.
    this.ruleIds = reg.rules.filter((r) => readsSingleObjects(r.meta.appliesTo)).map((r) => r.meta.id);
    this.foldGroups = foldGroupsOf(this.ruleIds, (id) => reg.get(id)?.meta.supersedes);
    if (this.settings.mutate?.rules) {
      const unknown = reg.unknown(this.settings.mutate.rules);
      if (unknown.length) throw new ScanSetupError(`webhook.mutate.rules: unknown rule ${unknown.join(', ')}`);
      this.mutateRules = new Set(this.settings.mutate.rules.map((k) => reg.get(k)!.meta.id));
    }
    this.fixRules = new Set(this.ruleIds.filter((id) => reg.get(id)?.meta.fixable && (!this.mutateRules || this.mutateRules.has(id))));
    this.recheckRules = new Set([...this.fixRules].flatMap((id) => this.foldGroups.get(id)!));
    // Bad configuration (frameworks, rule options) is found now, not on the first request.
    this.scanObject = prepareScan({ config: this.config, rules: this.ruleIds, policies: false, today: opts.today });
    this.scan({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sanctum-warm-up', namespace: 'default' } });
  }

  get maxRequestBytes(): number {
    return this.settings.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
  }

  /** Answers one request; `receivedAt` (same clock as `now`) starts the time budget. */
  evaluate(req: AdmissionRequest, endpoint: Endpoint, receivedAt = this.now()): Decision {
    const dryRun = req.dryRun === true;
    const deadline = receivedAt + this.timeoutMs;
    const allow = (outcome: Outcome): Decision => ({ response: { uid: req.uid, allowed: true }, outcome, findings: [], dryRun });
    if (req.operation === 'DELETE' || req.operation === 'CONNECT') return allow('skipped');
    // Status and scale updates change no spec the rules read; ephemeral containers do.
    if (req.subResource && req.subResource !== 'ephemeralcontainers') return allow('skipped');
    if (this.isExempt(req)) return allow('exempt');
    const object = req.object;
    if (!isObject(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') return allow('skipped');
    // An object being deleted is only waiting for its finalizers to be removed (an UPDATE by their controller):
    // denying that update would leave it, and a namespace deleted around it, terminating forever. Any other
    // change to it is checked (a spec changed while it waits could still be reconciled by an operator).
    if (req.operation === 'UPDATE' && beingDeleted(object) && onlyFinalizersChanged(object, req.oldObject)) return allow('skipped');
    try {
      if (this.now() > deadline)
        return this.failurePolicy(req, dryRun, `the request waited more than ${this.timeoutMs} ms before it could be checked`);
      // The object's own suppression annotation counts only for requesters trusted with it (`annotationSuppression`):
      // for anyone else the object (and oldObject) is checked as if it had none.
      const honoured = this.mayAnnotate(req);
      const stored = withoutManagedFields(object);
      const checked = honoured ? stored : withoutIgnoreAnnotations(stored);
      const notHonoured = checked !== stored;
      const { findings, text, notEvaluated, reasons } = this.scan(checked, req);
      const tooLong = () => this.failurePolicy(req, dryRun, `the rules and policies took more than ${this.timeoutMs} ms`);
      if (this.now() > deadline) return tooLong();
      let active: DecidedFinding[] = findings
        .filter((f) => f.status === 'fail')
        .map((finding) => ({ finding, action: this.actions[finding.severity] }));
      // A violation the object already had before this update does not deny it (Kyverno's allowExistingViolations):
      // the rules whose findings would deny run on `oldObject`, inside the same time budget.
      const old = req.oldObject;
      // An untrusted update that adds or changes the annotation excuses nothing: the pods a trusted controller
      // makes from the new template would carry it, honoured, past the check this update passed as pre-existing.
      const excusable =
        endpoint === 'validate' &&
        req.operation === 'UPDATE' &&
        this.allowExisting &&
        !(notHonoured && ignoreAnnotationsChanged(stored, req.oldObject))
          ? this.excusableRules(active)
          : undefined;
      if (excusable && isObject(old) && typeof old.apiVersion === 'string' && typeof old.kind === 'string') {
        // This step can only relax the answer: if the old object cannot be checked in time, the denial stands.
        const oldStored = honoured ? withoutManagedFields(old) : withoutIgnoreAnnotations(withoutManagedFields(old));
        let oldFindings: Finding[] | undefined;
        try {
          oldFindings = this.scanOld(oldStored, req, excusable).filter((f) => f.status === 'fail');
        } catch {
          oldFindings = undefined;
        }
        if (oldFindings && this.now() <= deadline) active = markPreExisting(active, checked, oldFindings, oldStored);
      }
      const decision =
        endpoint === 'mutate'
          ? this.mutation(req, checked, text, active, dryRun)
          : this.validation(req, active, dryRun, notEvaluated, reasons, notHonoured);
      if (notHonoured) decision.annotationNotHonoured = true;
      return notEvaluated.length ? { ...decision, notEvaluated } : decision;
    } catch (e) {
      // An error may quote a value of the object (a rule or policy that fails on it): its secrets are masked, as in findings.
      const secrets = objectSecrets(object);
      objectSecrets(req.oldObject, secrets);
      return this.failurePolicy(req, dryRun, `the check failed: ${maskMessage((e as Error).message ?? String(e), secrets)}`);
    }
  }

  private validation(
    req: AdmissionRequest,
    active: Decision['findings'],
    dryRun: boolean,
    notEvaluated: NotEvaluated[],
    reasons: ReadonlyMap<string, PolicyFailure> | undefined,
    annotationNotHonoured: boolean,
  ): Decision {
    const response: AdmissionResponse = { uid: req.uid, allowed: true };
    const denied = active.filter((a) => a.action === 'deny');
    const warned = active.filter((a) => a.action === 'warn' && !a.preExisting);
    const existing = active.filter((a) => a.preExisting);
    // Said on the validating answer only: the mutating call of the same request would repeat it to the user.
    const skipped = notEvaluated.map(
      (n) =>
        `Sanctum policy:${n.policy}: an authorizer check was not evaluated (the webhook does not read the cluster's RBAC), so it neither allowed nor denied: ${n.expression}`,
    );
    if (denied.length) {
      response.allowed = false;
      const what = describeObject(req);
      const lines = denied.map(
        ({ finding: f }) => `[${f.ruleId} ${f.severity}] ${f.message}${f.location.objectPath ? ` (${f.location.objectPath})` : ''}`,
      );
      // Denied by custom policies only, the answer is the API server's for the reason of the first validation to fail
      // (in policy order, then validation order), which the message names first.
      const failures = denied.every(({ finding }) => isPolicyFinding(finding))
        ? denied
            .map((d, i) => ({ line: lines[i]!, failure: reasons?.get(reasonKey(d.finding.ruleId, d.finding.message)) }))
            .sort((a, b) => (a.failure?.order ?? Infinity) - (b.failure?.order ?? Infinity))
        : undefined;
      if (failures) lines.splice(0, lines.length, ...failures.map((f) => f.line));
      const reason = failures?.[0]?.failure?.reason;
      response.status = {
        code: reason ? REASON_STATUS_CODES[reason] : 403,
        reason: reason ?? 'Forbidden',
        message: truncateRunes(`Sanctum denied ${what}: ${lines.join('; ')}`, MAX_DENY_MESSAGE),
      };
    }
    if (warned.length || existing.length || skipped.length || annotationNotHonoured)
      response.warnings = admissionWarnings([
        // First: it explains the findings below, and a denial.
        ...(annotationNotHonoured ? [annotationWarning(req)] : []),
        // First: they would deny the object if it were created now.
        ...existing.map(
          ({ finding: f }) =>
            `Sanctum ${f.ruleId} (${f.severity}): ${f.message} (pre-existing: in the object before this update, so not denied)`,
        ),
        ...warned.map(({ finding: f }) => `Sanctum ${f.ruleId} (${f.severity}): ${f.message}`),
        ...skipped,
      ]);
    if (active.length || notEvaluated.length)
      response.auditAnnotations = {
        ...(active.length ? auditAnnotations(active) : {}),
        ...(notEvaluated.length ? { 'policy-checks-not-evaluated': boundedList(notEvaluated) } : {}),
      };
    return { response, outcome: denied.length ? 'denied' : 'allowed', findings: active, dryRun };
  }

  /**
   * The rules' fixes, applied to the object as the JSON the rules saw (`text`), as a JSON Patch against
   * the request's object.
   */
  private mutation(
    req: AdmissionRequest,
    object: Record<string, unknown>,
    text: string,
    active: Decision['findings'],
    dryRun: boolean,
  ): Decision {
    const response: AdmissionResponse = { uid: req.uid, allowed: true };
    let current = object;
    let currentText = text;
    let pending = active.map((a) => a.finding);
    // Fixes that would make the object one the API server rejects or the kubelet cannot start
    // (`allowPrivilegeEscalation: false` beside `privileged: true`, `runAsNonRoot: true` beside `runAsUser: 0`) are held back, as by `--fix`.
    const heldBack = new Set<string>();
    const key = (f: Finding) => `${f.ruleId} ${f.location.objectPath ?? ''}`;
    for (let pass = 0; pass < FIX_PASSES; pass++) {
      const fixes: Array<FileFix<Finding>> = pending
        .filter((f) => f.status === 'fail' && f.fix && this.fixRules.has(f.ruleId) && !heldBack.has(key(f)))
        .map((f) => ({ tag: f, edits: f.fix!.edits }));
      if (fixes.length === 0) break;
      const refusedBefore = new Set(refusedPodSettingsIn(current));
      const {
        text: fixedText,
        applied,
        skipped,
      } = applyCheckedFixes(currentText, fixes, (_before, after) => {
        const fixed = parseFixed(after);
        if (!fixed) return 'the fixed object would not parse';
        return refusedPodSettingsIn(fixed).find((r) => !refusedBefore.has(r));
      });
      for (const s of skipped) if (s.reason !== 'overlaps another fix') heldBack.add(key(s.tag));
      if (applied.length === 0) break;
      const fixed = parseFixed(fixedText);
      if (!fixed) break;
      current = fixed;
      // Fixes that overlapped an applied one are computed again on the fixed object, for the next pass. Only the
      // rules that may fix run: an error another rule or a policy would raise on the fixed object is not seen here,
      // but /validate, which the API server calls after every mutation, runs them all on it and fails the same way.
      if (pass === FIX_PASSES - 1 || !skipped.some((s) => s.reason === 'overlaps another fix')) break;
      ({ findings: pending, text: currentText } = this.scan(current, undefined, this.recheckRules));
    }
    const patch: Operation[] = current === object ? [] : jsonPatch.compare(object, current);
    if (patch.length) {
      response.patchType = 'JSONPatch';
      response.patch = Buffer.from(JSON.stringify(patch)).toString('base64');
    }
    return { response, outcome: patch.length ? 'patched' : 'allowed', findings: active, dryRun };
  }

  private failurePolicy(req: AdmissionRequest, dryRun: boolean, why: string): Decision {
    const fail = this.settings.failurePolicy === 'Fail';
    const response: AdmissionResponse = fail
      ? {
          uid: req.uid,
          allowed: false,
          status: { code: 503, reason: 'ServiceUnavailable', message: `Sanctum could not decide: ${why} (failurePolicy Fail)` },
        }
      : {
          uid: req.uid,
          allowed: true,
          warnings: admissionWarnings([`Sanctum could not decide: ${why}; allowed (failurePolicy Ignore)`]),
        };
    return { response, outcome: 'failure-policy', findings: [], dryRun, failure: why };
  }

  /**
   * The rules to run on `oldObject` to tell which denials of an UPDATE pre-existed (`markPreExisting`): the rules of
   * the denying findings and their fold groups (`foldGroups`: the rules that supersede them, as a finding folded away
   * on `oldObject` is not there, and the rules they supersede, as a suppression of a folded rule covers them), or
   * 'all' when a denying finding is the engine's own (suppression hygiene, made for findings of any rule or policy).
   * Undefined when nothing could be excused: no finding denies, or only custom policies' findings, which never are.
   */
  private excusableRules(active: readonly DecidedFinding[]): ReadonlySet<string> | 'all' | undefined {
    let rules: Set<string> | undefined;
    for (const { finding, action } of active) {
      if (action !== 'deny' || isPolicyFinding(finding)) continue;
      const group = this.foldGroups.get(finding.ruleId);
      if (!group) return 'all';
      rules ??= new Set();
      for (const id of group) rules.add(id);
    }
    return rules;
  }

  /**
   * The findings of `rules` on `oldObject`, without the custom policies: their findings are never excused.
   * With 'all', every rule and policy, as on the request's object.
   */
  private scanOld(oldObject: Record<string, unknown>, req: AdmissionRequest, rules: ReadonlySet<string> | 'all'): Finding[] {
    return rules === 'all' ? this.scan(oldObject, req).findings : this.scan(oldObject, undefined, rules).findings;
  }

  /** The requester may suppress findings with the object's `sanctum.dev/ignore` annotation (`webhook.annotationSuppression`). */
  private mayAnnotate(req: AdmissionRequest): boolean {
    const trusted = this.settings.annotationSuppression;
    const user = req.userInfo;
    if (user?.username && matchesAny(trusted?.users, user.username)) return true;
    const groups = trusted?.groups ?? DEFAULT_ANNOTATION_SUPPRESSION_GROUPS;
    return (user?.groups ?? []).some((g) => matchesAny(groups, g));
  }

  private isExempt(req: AdmissionRequest): boolean {
    const ex = this.settings.exempt;
    if (!ex) return false;
    if (req.namespace && matchesAny(ex.namespaces, req.namespace)) return true;
    const user = req.userInfo;
    if (user?.username && matchesAny(ex.users, user.username)) return true;
    return (user?.groups ?? []).some((g) => matchesAny(ex.groups, g));
  }

  /** Custom policies with `authorizer` checks, which the webhook cannot decide (it does not read the cluster's RBAC). */
  get policiesWithAuthorizerChecks(): string[] {
    return (this.opts.policies ?? []).filter((p) => p.usesAuthorizer).map((p) => p.name);
  }

  /**
   * Runs the rules and policies on one object, as the file `admission/<namespace>/<kind>/<name>.json`; given
   * `only`, the rules with those ids and no policy.
   */
  private scan(
    object: Record<string, unknown>,
    req?: AdmissionRequest,
    only?: ReadonlySet<string>,
  ): {
    findings: Finding[];
    path: string;
    text: string;
    notEvaluated: NotEvaluated[];
    /** The `reason` and order of policy findings, by `reasonKey`. */
    reasons?: Map<string, PolicyFailure>;
  } {
    const path = objectFilePath(object);
    const file = new ObjectFile(path, object);
    const notEvaluated: NotEvaluated[] = [];
    let reasons: Map<string, PolicyFailure> | undefined;
    const policies =
      this.opts.policies?.length && !only
        ? policyRules(
            this.opts.policies,
            {
              ...(req ? { request: requestBinding(req), oldObject: isObject(req.oldObject) ? req.oldObject : null } : {}),
              authorizer: { rbacMissing: WEBHOOK_NO_RBAC },
            },
            {
              onNotEvaluated: (policy, v) => {
                if (!notEvaluated.some((n) => n.policy === policy.name && n.expression === v.expression))
                  notEvaluated.push({ policy: policy.name, expression: v.expression });
              },
              onReason: (ruleId, message, reason, order) => {
                reasons ??= new Map();
                const key = reasonKey(ruleId, message);
                const known = reasons.get(key);
                if (!known || order < known.order) reasons.set(key, { ...(reason ? { reason } : {}), order });
              },
            },
          )
        : undefined;
    const result = this.scanObject([file], [path], policies, only);
    if (result.errors.length) throw new Error(result.errors.map((e) => e.message).join('; '));
    return { findings: result.findings, path, text: file.text(), notEvaluated, reasons };
  }
}

/**
 * Marks the denying findings of an UPDATE's object that `oldObject` already had: equal rule id and subject
 * (`findingSubject`). When the object has more findings of one rule and subject than `oldObject` had, the
 * update added one and none of them is marked: which one is new cannot be told.
 */
function markPreExisting(
  active: DecidedFinding[],
  object: Record<string, unknown>,
  oldFindings: readonly Finding[],
  oldObject: Record<string, unknown>,
): DecidedFinding[] {
  const key = (f: Finding, o: Record<string, unknown>) => `${f.ruleId}\u0000${findingSubject(o, f.location.objectPath)}`;
  const before = new Map<string, number>();
  for (const f of oldFindings) {
    const k = key(f, oldObject);
    before.set(k, (before.get(k) ?? 0) + 1);
  }
  const now = new Map<string, number>();
  const keys = active.map((a) => key(a.finding, object));
  for (const k of keys) now.set(k, (now.get(k) ?? 0) + 1);
  // A custom policy may judge the request itself (`request.operation`, `oldObject`, `request.userInfo`): run on the
  // old object with the same request it fails alike, so its denials are never excused.
  return active.map((a, i) =>
    a.action === 'deny' && !isPolicyFinding(a.finding) && now.get(keys[i]!)! <= (before.get(keys[i]!) ?? 0)
      ? { ...a, action: 'warn', preExisting: true }
      : a,
  );
}

/**
 * What a finding is about within its object, independent of line numbers, of list order and of which
 * sibling settings exist: its object path (a JSON Pointer) up to the deepest list item that has a name
 * (`name`, or `groupName` of a KubeRay worker group), with that item's index replaced by its name.
 * `/spec/template/spec/containers/0/securityContext/privileged` is the container `vllm` of the pod template,
 * whether a rule points at the container, its `securityContext` or a setting in it. A finding with no named
 * item on its path (`hostNetwork`, the pod's `securityContext`) is about the object as a whole: ''.
 */
export function findingSubject(object: unknown, pointer: string | undefined): string {
  if (!pointer) return '';
  const out: string[] = [];
  let named = 0;
  let at: unknown = object;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at) && /^\d+$/.test(seg)) {
      const item: unknown = at[Number(seg)];
      const name = isObject(item) ? (typeof item.name === 'string' ? item.name : item.groupName) : undefined;
      if (typeof name === 'string') {
        out.push(`[${JSON.stringify(name)}]`);
        named = out.length;
      } else out.push(seg);
      at = item;
    } else {
      out.push(JSON.stringify(seg));
      at = isObject(at) ? at[seg] : undefined;
    }
  }
  return out.slice(0, named).join('/');
}

/** A custom policy's failure: its validation's reason, and its place among the failures (policy, then validation order). */
interface PolicyFailure {
  reason?: ValidationReason;
  order: number;
}

function reasonKey(ruleId: string, message: string): string {
  return `${ruleId}\u0000${message}`;
}

/** A finding of a custom policy (`policy:<name>`), not of a rule. */
function isPolicyFinding(f: Finding): boolean {
  return f.ruleId.startsWith('policy:');
}

/**
 * For each of `ids`, itself and the ids among them linked to it by supersession, in either direction, directly or
 * through others (see `AdmissionEvaluator.foldGroups`): the set is closed under "supersedes or is superseded by a
 * rule in it", so the rules' findings, folds and suppressions among them are those of a run of every rule.
 */
function foldGroupsOf(ids: readonly string[], supersedes: (id: string) => readonly string[] | undefined): Map<string, string[]> {
  const linked = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const id of ids)
    for (const s of supersedes(id) ?? [])
      if (s !== id && linked.has(s)) {
        linked.get(s)!.push(id);
        linked.get(id)!.push(s);
      }
  const out = new Map<string, string[]>();
  for (const id of ids) {
    if (out.has(id)) continue;
    const group = new Set<string>([id]);
    const todo = [id];
    for (let next = todo.pop(); next !== undefined; next = todo.pop())
      for (const other of linked.get(next)!)
        if (!group.has(other)) {
          group.add(other);
          todo.push(other);
        }
    const members = [...group];
    for (const member of members) out.set(member, members);
  }
  return out;
}

/** The request as a policy's `request` variable sees it: everything but the objects. */
function requestBinding(req: AdmissionRequest): Record<string, unknown> {
  const { object: _o, oldObject: _old, ...rest } = req;
  return { ...rest, dryRun: req.dryRun === true };
}

/** Where findings on an admitted object point: a path that names the object. */
export function objectFilePath(object: Record<string, unknown>): string {
  const md = isObject(object.metadata) ? object.metadata : {};
  const ns = typeof md.namespace === 'string' && md.namespace ? md.namespace : '_cluster';
  const name = typeof md.name === 'string' && md.name ? md.name : typeof md.generateName === 'string' ? `${md.generateName}*` : '_unnamed';
  return `admission/${ns}/${String(object.kind)}/${name.replace(/[/\\]/g, '_')}.json`;
}

function parseFixed(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** `metadata.deletionTimestamp` is set: the API server deletes the object once its finalizers are gone. */
function beingDeleted(object: Record<string, unknown>): boolean {
  const md = object.metadata;
  return isObject(md) && md.deletionTimestamp !== undefined && md.deletionTimestamp !== null;
}

/** The metadata an UPDATE that removes finalizers may change besides them: the API server's bookkeeping. */
const FINALIZER_UPDATE_METADATA = new Set(['finalizers', 'managedFields', 'resourceVersion', 'generation']);

/** `object` is `oldObject` but for its finalizers, the API server's bookkeeping and its status. */
function onlyFinalizersChanged(object: Record<string, unknown>, oldObject: unknown): boolean {
  if (!isObject(oldObject)) return false;
  const comparable = (o: Record<string, unknown>) => {
    const { metadata, status: _status, ...rest } = o;
    const md = isObject(metadata)
      ? Object.fromEntries(Object.entries(metadata).filter(([k]) => !FINALIZER_UPDATE_METADATA.has(k)))
      : metadata;
    return { ...rest, metadata: md };
  };
  return isDeepStrictEqual(comparable(object), comparable(oldObject));
}

/**
 * `object` without the `sanctum.dev/ignore` annotation in any `metadata` (its own, a pod template's, a job
 * template's): the same object when it has none, else a copy of the maps and lists on the way to each.
 */
export function withoutIgnoreAnnotations(object: Record<string, unknown>): Record<string, unknown> {
  return mapIgnoreMetadata(object, 0, [], (metadata) => {
    const { [IGNORE_ANNOTATION]: _, ...annotations } = metadata.annotations as Record<string, unknown>;
    return { ...metadata, annotations };
  }) as Record<string, unknown>;
}

/** Whether the `sanctum.dev/ignore` annotations of `object` (at any `metadata`, by path) differ from those of `old`. */
function ignoreAnnotationsChanged(object: Record<string, unknown>, old: unknown): boolean {
  const annotations = (value: unknown) => {
    const out: string[] = [];
    mapIgnoreMetadata(value, 0, [], (metadata, path) => {
      out.push(
        `${path.map((key) => `/${key}`).join('')}=${JSON.stringify((metadata.annotations as Record<string, unknown>)[IGNORE_ANNOTATION])}`,
      );
      return metadata;
    });
    return out;
  };
  const now = annotations(object);
  const before = annotations(old);
  return now.length !== before.length || now.some((entry, i) => entry !== before[i]);
}

/** Deeper than any pod template in a workload (a Workflow's templates are about 8 levels down). */
const MAX_STRIP_DEPTH = 64;

/**
 * `value` with each `metadata` map holding the `sanctum.dev/ignore` annotation (down to MAX_STRIP_DEPTH)
 * replaced by what `visit` gives for it and its path (keys and indexes down to it, `metadata` last):
 * `value` itself when nothing is replaced, else a copy of the maps and lists on the way to each.
 */
function mapIgnoreMetadata(
  value: unknown,
  depth: number,
  path: Array<string | number>,
  visit: (metadata: Record<string, unknown>, path: ReadonlyArray<string | number>) => Record<string, unknown>,
): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_STRIP_DEPTH) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      path.push(i);
      const mapped = mapIgnoreMetadata(item, depth + 1, path, visit);
      path.pop();
      if (mapped !== item) (out ??= value.slice())[i] = mapped;
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key in record) {
    const item = record[key];
    path.push(key);
    let mapped = mapIgnoreMetadata(item, depth + 1, path, visit);
    if (key === 'metadata' && isObject(mapped) && isObject(mapped.annotations) && IGNORE_ANNOTATION in mapped.annotations)
      mapped = visit(mapped, path);
    path.pop();
    if (mapped !== item) (out ??= { ...record })[key] = mapped;
  }
  return out ?? record;
}

function annotationWarning(req: AdmissionRequest): string {
  const who = req.userInfo?.username ? `user ${req.userInfo.username}` : 'this user';
  return `Sanctum: the ${IGNORE_ANNOTATION} annotation was not honoured for ${who} (not in webhook.annotationSuppression): the object is checked as if it had none`;
}

function withoutManagedFields(object: Record<string, unknown>): Record<string, unknown> {
  const md = object.metadata;
  if (!isObject(md) || !('managedFields' in md)) return object;
  const { managedFields: _, ...rest } = md;
  return { ...object, metadata: rest };
}

/** A JSON list within the size of one audit annotation value, the last entries dropped (and counted) when it is too long. */
function boundedList(list: readonly object[]): string {
  const kept = [...list];
  let value = JSON.stringify(kept);
  while (value.length > MAX_AUDIT_VALUE && kept.length > 1) {
    kept.pop();
    value = JSON.stringify([...kept, { truncated: list.length - kept.length }]);
  }
  return value;
}

function auditAnnotations(active: Decision['findings']): Record<string, string> {
  const list = active.map(({ finding: f, action, preExisting }) => ({
    rule: f.ruleId,
    severity: f.severity,
    action,
    ...(preExisting ? { preExisting } : {}),
    path: f.location.objectPath,
    message: f.message,
  }));
  return { findings: boundedList(list) };
}

function describeObject(req: AdmissionRequest): string {
  const obj = isObject(req.object) ? req.object : {};
  const md = isObject(obj.metadata) ? obj.metadata : {};
  const name = req.name || (typeof md.name === 'string' ? md.name : typeof md.generateName === 'string' ? `${md.generateName}*` : '');
  return `${req.kind.kind}${req.namespace ? ` ${req.namespace}/` : ' '}${name}`.trim();
}

function matchesAny(patterns: readonly string[] | undefined, value: string): boolean {
  return (patterns ?? []).some((p) => (p.endsWith('*') ? value.startsWith(p.slice(0, -1)) : p === value));
}

/**
 * Warnings as the API server passes them on: control characters (newlines, tabs) made spaces, each at most
 * `MAX_WARNING` characters, all together at most `MAX_WARNINGS_TOTAL`; the ones left out are counted in a
 * last warning (every finding stays in the audit annotation).
 */
export function admissionWarnings(texts: readonly string[]): string[] {
  const out: string[] = [];
  let total = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = truncateRunes(texts[i]!.replace(/\p{Cc}+/gu, ' ').trim(), MAX_WARNING);
    const size = [...text].length;
    const rest = texts.length - i - 1;
    // Room is kept for the note about what is left out, unless this is the last warning.
    if (total + size + (rest > 0 ? MAX_WARNING : 0) > MAX_WARNINGS_TOTAL) {
      out.push(
        `Sanctum: ${texts.length - i} more warning${texts.length - i === 1 ? '' : 's'} not shown (the API server passes on ${MAX_WARNINGS_TOTAL} characters of warnings); the audit annotation 'findings' and Sanctum's decision log list them`,
      );
      break;
    }
    out.push(text);
    total += size;
  }
  return out;
}

/** At most `max` code points (a surrogate pair is never split). */
function truncateRunes(s: string, max: number): string {
  if (s.length <= max) return s;
  const points = [...s];
  return points.length <= max ? s : points.slice(0, max - 1).join('') + '…';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
