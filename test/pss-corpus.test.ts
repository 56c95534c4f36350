/**
 * Conformance with Pod Security Admission on its own test fixtures (test/corpora/pss, see its
 * README): `<level>/pass/*` draw no finding of a control at that level, `<level>/fail/<checkid><n>.yaml`
 * draw one whose control is the file's check id.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import yaml from 'js-yaml';
import { applyFixes } from '../src/core/apply-fixes.js';
import { parseFrameworkSelector } from '../src/core/registry.js';
import { MemorySourceFile } from '../src/core/source-file.js';
import type { Finding } from '../src/core/types.js';
import { pss } from '../src/frameworks/pss.js';
import { KUBE_SCHEMA } from '../src/parsers/yaml/yaml-parser.js';
import { getRegistry, scanSync } from '../src/scan.js';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CORPUS = join(ROOT, 'test', 'corpora', 'pss');

const LEVELS = ['baseline', 'restricted'] as const;
type Level = (typeof LEVELS)[number];

const CONTROLS = Object.keys(pss.controls);
const BASELINE_CONTROLS = [
  'hostNamespaces',
  'privileged',
  'capabilities_baseline',
  'hostPathVolumes',
  'hostPorts',
  'appArmorProfile',
  'seLinuxOptions',
  'procMount',
  'seccompProfile_baseline',
  'sysctls',
  'windowsHostProcess',
  'hostProbesAndHostLifecycle',
];
const RESTRICTED_CONTROLS = [
  'restrictedVolumes',
  'allowPrivilegeEscalation',
  'runAsNonRoot',
  'runAsUser',
  'seccompProfile_restricted',
  'capabilities_restricted',
  'procMount_restricted',
];
/** Restricted checks that replace a baseline twin at the restricted level (PSA's OverrideCheckIDs). */
const OVERRIDES: Record<string, string> = {
  capabilities_restricted: 'capabilities_baseline',
  seccompProfile_restricted: 'seccompProfile_baseline',
  restrictedVolumes: 'hostPathVolumes',
  procMount_restricted: 'procMount',
};

/**
 * Fail fixtures that, by construction, also fail another check (Pod Security Admission reports both):
 * nothing else may be reported on a fail fixture, so false positives show up here too.
 */
const CO_FAILURES: Record<string, string[]> = {
  // A HostProcess pod must use the host network.
  'baseline/fail/windowshostprocess0.yaml': ['hostNamespaces'],
  'baseline/fail/windowshostprocess1.yaml': ['hostNamespaces'],
  'restricted/fail/windowshostprocess0.yaml': ['hostNamespaces'],
  'restricted/fail/windowshostprocess1.yaml': ['hostNamespaces'],
  // container1 has no securityContext at all, so it drops no capabilities either.
  'restricted/fail/allowprivilegeescalation3.yaml': ['capabilities_restricted'],
  // The privileged container sets nothing but privileged: true.
  'restricted/fail/privileged0.yaml': ['allowPrivilegeEscalation'],
  'restricted/fail/privileged1.yaml': ['allowPrivilegeEscalation'],
};

/** The Pod Security Standards controls a scan reports, each once, sorted. */
function pssControls(findings: Finding[]): string[] {
  return [...new Set(findings.flatMap((f) => f.frameworks.filter((r) => r.id === 'pss').map((r) => r.control)))].sort();
}

/** The check id Pod Security Admission reports for a failure of `id` at `level` (a restricted check replaces its baseline twin). */
function reportedAs(id: string, level: Level): string {
  if (level === 'baseline') return id;
  return Object.entries(OVERRIDES).find(([, replaced]) => replaced === id)?.[0] ?? id;
}

function checkIdOf(file: string): string {
  const stem = file.replace(/\d*\.yaml$/, '').toLowerCase();
  const id = CONTROLS.find((c) => c.toLowerCase() === stem);
  if (!id) throw new Error(`${file}: no check id '${stem}'`);
  return id;
}

function scanFile(path: string, level: Level) {
  const result = scanSync({ targets: [path], frameworks: [`pss:${level}`], config: false });
  expect(result.errors).toEqual([]);
  return result.findings;
}

function describeFinding(f: Finding): string {
  return `${f.ruleId} ${f.frameworks.map((r) => r.control).join('/')} ${f.location.startLine}:${f.location.startColumn} ${f.message}`;
}

describe('Pod Security Standards corpus', () => {
  it('is present', () => {
    expect(existsSync(join(CORPUS, 'README.md'))).toBe(true);
  });

  for (const level of LEVELS) {
    for (const kind of ['pass', 'fail'] as const) {
      const dir = join(CORPUS, level, kind);
      const files = existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.yaml'))
            .sort()
        : [];
      it(`${level}/${kind} has fixtures`, () => expect(files.length).toBeGreaterThan(0));
      for (const file of files) {
        it(`${level}/${kind}/${file}`, () => {
          const findings = scanFile(join(dir, file), level);
          if (kind === 'pass') {
            expect(findings.filter((f) => pssControls([f]).length > 0).map(describeFinding)).toEqual([]);
          } else {
            // Exactly the check ids Pod Security Admission reports for this pod at this level.
            const want = [
              ...new Set([checkIdOf(file), ...(CO_FAILURES[`${level}/${kind}/${file}`] ?? [])].map((id) => reportedAs(id, level))),
            ].sort();
            expect(pssControls(findings), `${file}: got\n${findings.map(describeFinding).join('\n')}`).toEqual(want);
          }
        });
      }
    }
  }

  it('restricted/pass also passes baseline; baseline/fail also fails restricted', () => {
    const dirOf = (level: Level, kind: string) => join(CORPUS, level, kind);
    for (const file of readdirSync(dirOf('restricted', 'pass'))) {
      expect(scanFile(join(dirOf('restricted', 'pass'), file), 'baseline').map(describeFinding), file).toEqual([]);
    }
    for (const file of readdirSync(dirOf('baseline', 'fail'))) {
      const controls = pssControls(scanFile(join(dirOf('baseline', 'fail'), file), 'restricted'));
      expect(controls, file).toContain(reportedAs(checkIdOf(file), 'restricted'));
      // At restricted the replaced baseline checks do not run, so they are never reported.
      expect(
        controls.filter((c) => Object.values(OVERRIDES).includes(c)),
        file,
      ).toEqual([]);
    }
  });

  it('covers every check id of the standard with fail fixtures at restricted', () => {
    const ids = new Set(readdirSync(join(CORPUS, 'restricted', 'fail')).map(checkIdOf));
    expect([...ids].sort()).toEqual([...CONTROLS].sort());
  });
});

describe('--framework pss:<level>', () => {
  const controlsOf = (selector: string) =>
    new Set(
      getRegistry()
        .select({ frameworks: [parseFrameworkSelector(selector)] })
        .flatMap((r) => r.meta.frameworks.filter((f) => f.id === 'pss').map((f) => `${f.control}:${f.level}`)),
    );

  it('pss:baseline selects exactly the baseline controls', () => {
    expect([...controlsOf('pss:baseline')].sort()).toEqual(BASELINE_CONTROLS.map((c) => `${c}:baseline`).sort());
  });

  it('pss:restricted selects the baseline and the restricted controls', () => {
    const want = [...BASELINE_CONTROLS.map((c) => `${c}:baseline`), ...RESTRICTED_CONTROLS.map((c) => `${c}:restricted`)];
    expect([...controlsOf('pss:restricted')].sort()).toEqual(want.sort());
    expect(want.length).toBe(CONTROLS.length);
  });

  it('each check id is mapped by exactly one rule', () => {
    const rules = getRegistry().select({ frameworks: [parseFrameworkSelector('pss:restricted')] });
    for (const control of CONTROLS) {
      const mapping = rules.filter((r) => r.meta.frameworks.some((f) => f.id === 'pss' && f.control === control)).map((r) => r.meta.id);
      expect(mapping, control).toHaveLength(1);
    }
  });

  it('a scan at baseline reports no restricted control, at restricted it does', () => {
    const file = join(CORPUS, 'baseline', 'pass', 'base.yaml');
    const atBaseline = scanSync({ targets: [file], frameworks: ['pss:baseline'], config: false }).findings;
    const atRestricted = scanSync({ targets: [file], frameworks: ['pss:restricted'], config: false }).findings;
    expect(atBaseline).toEqual([]);
    const restricted = new Set(atRestricted.flatMap((f) => f.frameworks.filter((r) => r.id === 'pss').map((r) => r.control)));
    expect([...restricted].sort()).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
  });
});

describe('framework references of findings', () => {
  const pod =
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: c:1\n  volumes:\n  - name: data\n    hostPath:\n      path: /data\n';
  const hostPathRefs = (frameworks?: string[]) =>
    scanSync({
      targets: ['pod.yaml'],
      files: [new MemorySourceFile('pod.yaml', pod)],
      frameworks,
      rules: ['K8S-0005'],
      config: false,
    }).findings.map((f) => f.frameworks.filter((r) => r.id === 'pss'));

  it('a hostPath volume is hostPathVolumes at baseline and without a level, restrictedVolumes at restricted', () => {
    expect(hostPathRefs()).toEqual([[{ id: 'pss', control: 'hostPathVolumes', level: 'baseline' }]]);
    expect(hostPathRefs(['pss:baseline'])).toEqual([[{ id: 'pss', control: 'hostPathVolumes', level: 'baseline' }]]);
    expect(hostPathRefs(['pss:restricted'])).toEqual([[{ id: 'pss', control: 'restrictedVolumes', level: 'restricted' }]]);
    expect(hostPathRefs(['pss:baseline', 'pss:restricted'])).toEqual([
      [
        { id: 'pss', control: 'hostPathVolumes', level: 'baseline' },
        { id: 'pss', control: 'restrictedVolumes', level: 'restricted' },
      ],
    ]);
  });
});

describe('fixes on the corpus', () => {
  const scanText = (text: string) =>
    scanSync({ targets: ['pod.yaml'], files: [new MemorySourceFile('pod.yaml', text)], frameworks: ['pss:restricted'], config: false });
  const fixable = (findings: Finding[]) => findings.filter((f) => f.fix);

  for (const level of LEVELS) {
    for (const kind of ['pass', 'fail'] as const) {
      const dir = join(CORPUS, level, kind);
      for (const file of existsSync(dir)
        ? readdirSync(dir)
            .filter((f) => f.endsWith('.yaml'))
            .sort()
        : []) {
        it(`${level}/${kind}/${file}: applying every fix leaves valid YAML and nothing left to fix`, () => {
          let text = readFileSync(join(dir, file), 'utf8');
          const before = scanText(text).findings;
          for (let pass = 0; pass < 4; pass++) {
            const fixes = fixable(scanText(text).findings).map((f) => ({ tag: f.ruleId, edits: f.fix!.edits }));
            if (fixes.length === 0) break;
            text = applyFixes(text, fixes).text;
            expect(() => yaml.loadAll(text, null, { schema: KUBE_SCHEMA })).not.toThrow();
          }
          const after = scanText(text);
          expect(after.errors).toEqual([]);
          expect(fixable(after.findings).map(describeFinding)).toEqual([]);
          // Findings without a fix are untouched.
          const unfixed = (fs: Finding[]) =>
            fs
              .filter((f) => !['K8S-0014', 'K8S-0015', 'K8S-0017', 'K8S-0018'].includes(f.ruleId))
              .map((f) => f.message)
              .sort();
          expect(unfixed(after.findings)).toEqual(unfixed(before));
        });
      }
    }
  }
});
