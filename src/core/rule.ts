import type { ProjectPackages } from './packages.js';
import type { At, ScanDocument, TextSpan } from './document.js';
import type { FindingPackage, FindingVulnerability, FrameworkRef, ObjectPath, ScannerName, Severity } from './types.js';
import type { VulnerabilitySource } from './vulnerability.js';
import { freezeData } from './frozen-data.js';

export interface RuleExample {
  /** File name of the example; decides which parser reads it (e.g. `pod.yaml`, `Dockerfile`). */
  path: string;
  /** File content: text, or bytes for binary formats. */
  content: string | Uint8Array;
  /** Rule options the example needs (e.g. an allow-list that the default leaves open). */
  options?: Record<string, unknown>;
  /** The example's objects as a live cluster serves them to `sanctum cluster` (every kind listed), not as a file. */
  cluster?: boolean;
}

export interface RuleMeta {
  /** Stable, prefixed, never reused: K8S-0001, DF-0001, CMP-0001, MDL-0001, SEC-0001, LLM-0001, SCA-0001, IMG-0001, RT-0001. */
  id: string;
  /** kebab-case, equal to the module's file name. */
  slug: string;
  title: string;
  severity: Severity;
  scanner: ScannerName;
  /** Document kinds the rule receives. */
  appliesTo: readonly string[];
  frameworks: readonly FrameworkRef[];
  rationale: string;
  remediation: string;
  references: readonly string[];
  examples: { bad: readonly RuleExample[]; good: readonly RuleExample[] };
  /** Describes the options the rule accepts through `.sanctum.yaml` (`rules.<id>.options`). */
  options?: Readonly<Record<string, { description: string; default: unknown }>>;
  /** True when the rule can attach a mechanical fix to its findings. */
  fixable?: boolean;
  /**
   * Ids of less specific rules that can report the same value (a Kubernetes env-secret rule over the
   * generic secret rule): where both report overlapping spans of one file, this rule's finding stands
   * and theirs is folded into it (`Finding.folded`).
   */
  supersedes?: readonly string[];
}

export interface FixInput {
  description: string;
  /** Offsets into the document's file text. An empty span inserts. */
  edits: ReadonlyArray<{ span: TextSpan; replacement: string }>;
}

export interface ReportInput {
  message: string;
  /** Where: an object path of the document, a text span or a line span. Defaults to the document. */
  at?: At;
  /** The document the location refers to, when it is not the one being checked (cross-object rules). */
  doc?: ScanDocument;
  /** What was found; redacted by the rule when it is a secret. Defaults to the located source text. */
  evidence?: string;
  /**
   * For `at` pointing into a list by index (`config.Env[3]`): a name of the entry that stays when
   * entries are added or removed around it (a variable's name, never its value). The fingerprint is
   * made of it instead of the index, so that a baseline keeps matching.
   */
  identity?: string;
  /**
   * With `at` an object path to the deepest node that exists on the way to a setting that is missing
   * (the container, or its `securityContext`, for `securityContext.runAsNonRoot`): the path of that
   * setting, which `at` leads to. The fingerprint hashes it instead of `at`, so that writing another
   * setting on the way (a `securityContext`) leaves the fingerprint as it was; the finding is still shown at `at`.
   * Only for a setting that is not written: a finding about a written value is shown at it and gives no subject,
   * so that the two never share a fingerprint. `at` must be an object path of a node that exists, sharing the
   * subject's start (it may end beside it: the container's `name`); otherwise the finding is an error under the
   * tests, and in a user's scan its fingerprint hashes where it is shown (see `subjectNotLed` in the engine).
   */
  subject?: ObjectPath;
  severity?: Severity;
  fix?: FixInput;
  /** Supply-chain findings: the advisory and the package it concerns. */
  vulnerability?: FindingVulnerability;
  package?: FindingPackage;
}

export interface ScanSettings {
  /** Any pickle import outside the allow-list is high (`--strict-models`). */
  strictModels: boolean;
  /** The vulnerability database, when one is loaded (supply-chain rules). */
  vulnerabilities?: VulnerabilitySource;
  /** The scan's date (`YYYY-MM-DD`), for rules that depend on it (end of life). */
  today?: string;
  /** The versions the scanned project pins (version-aware code and model rules). */
  packages?: ProjectPackages;
}

export interface RuleContext {
  report(input: ReportInput): void;
  /** Options from `.sanctum.yaml` merged over the defaults of `meta.options`. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly settings: Readonly<ScanSettings>;
  /**
   * Whether this scan runs a rule of `scanner` on documents of `kind`: for a helper that shares one
   * pass over a document between rule families, so that it keeps nothing no rule will read.
   */
  runs(scanner: ScannerName, kind: string): boolean;
}

export interface Rule<D extends ScanDocument = ScanDocument> {
  readonly meta: RuleMeta;
  check(doc: D, ctx: RuleContext): void;
}

type RuleExamples = RuleMeta['examples'];

/**
 * A rule's examples built when first read (rule pages, `sanctum rules show`, tests) rather than when
 * its module loads: examples made by builders (model files, archives, audit events) cost start-up
 * and every scan's worker thread milliseconds that a scan never uses.
 */
export function lazyExamples(build: () => RuleExamples): RuleExamples {
  let built: RuleExamples | undefined;
  const examples = () => (built ??= build());
  return {
    get bad() {
      return examples().bad;
    },
    get good() {
      return examples().good;
    },
  };
}

export function defineRule<D extends ScanDocument = ScanDocument>(rule: Rule<D>): Rule<D> {
  // Every finding of the rule carries these references: frozen, the JSON report copies them by identity.
  freezeData(rule.meta.frameworks);
  return rule;
}

export type AnyRule = Rule<any>;
