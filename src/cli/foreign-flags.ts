/**
 * Flags that users of Trivy, Checkov, Kubescape and gitleaks bring to Sanctum, and what Sanctum does
 * instead: an unknown option says so in one line, next to the error, rather than leaving the reader
 * to find the equivalent in the help.
 */
import { reporters } from '../reporters/index.js';

interface ForeignFlag {
  /** The option of Sanctum's command that the hint names; the hint is given only where it exists. */
  needs?: string;
  hint: string | (() => string);
}

const EXCLUDE = 'paths are excluded by `exclude:` in .sanctum.yaml or by a .sanctumignore file (gitignore syntax)';
const PATH_ARGUMENTS = 'paths are arguments: sanctum scan PATH...';
const FAIL_ON = 'sanctum exits 1 on findings at or above --fail-on SEVERITY (default high)';

const FOREIGN: Readonly<Record<string, ForeignFlag>> = {
  // Trivy, Kubescape
  '--severity': { needs: '--fail-on', hint: `${FAIL_ON}; -q reports only those findings` },
  '--exit-code': { needs: '--fail-on', hint: `${FAIL_ON}; --fail-on none always exits 0` },
  '--severity-threshold': { needs: '--fail-on', hint: FAIL_ON },
  '--compliance-threshold': {
    needs: '--fail-on',
    hint: `${FAIL_ON}, with no score threshold; --framework ID runs only the rules of a framework`,
  },
  '--skip-dirs': { hint: EXCLUDE },
  '--skip-files': { hint: EXCLUDE },
  '--ignorefile': {
    hint: 'accepted findings go under `ignore:` in .sanctum.yaml (rule, paths, resources or fingerprints, with reason and expires)',
  },
  // Checkov
  '--soft-fail': { needs: '--fail-on', hint: '--fail-on none reports without failing' },
  '--soft-fail-on': { needs: '--fail-on', hint: FAIL_ON },
  '--hard-fail-on': { needs: '--fail-on', hint: FAIL_ON },
  '--check': { needs: '--rule', hint: '--rule ID runs only that rule (repeatable)' },
  '--skip-check': { needs: '--skip-rule', hint: '--skip-rule ID skips a rule (repeatable)' },
  '--skip-path': { hint: EXCLUDE },
  '--create-baseline': {
    needs: '--baseline',
    hint: "`sanctum baseline PATH -o FILE` records today's findings; --baseline FILE fails only on new ones",
  },
  '--directory': { hint: PATH_ARGUMENTS },
  '--file': { hint: PATH_ARGUMENTS },
  '--output-file-path': { needs: '--output', hint: '-o FILE writes the report to a file' },
  '--compact': { needs: '--quiet', hint: '-q prints only the findings at or above --fail-on' },
  // gitleaks
  '--baseline-path': {
    needs: '--baseline',
    hint: "`sanctum baseline PATH -o FILE` records today's findings; --baseline FILE fails only on new ones",
  },
  '--report-path': { needs: '--output', hint: '-o FILE writes the report to a file' },
  '--report-format': { needs: '--format', hint: () => `-f FORMAT picks the format (${Object.keys(reporters).join(', ')})` },
  '--redact': { hint: 'secrets are always redacted in every report' },
  '--source': { hint: PATH_ARGUMENTS },
};

/**
 * The line to add under commander's `error: unknown option '--x'` for a flag another scanner has,
 * when the command has the option the hint names; undefined for any other error or flag.
 */
export function foreignFlagHint(error: string, hasOption: (long: string) => boolean): string | undefined {
  const m = /^error: unknown option '(--[^'=]+)/.exec(error);
  const known = m ? FOREIGN[m[1]!] : undefined;
  if (!known || (known.needs && !hasOption(known.needs))) return undefined;
  return `hint: ${m![1]} is not a sanctum option: ${typeof known.hint === 'string' ? known.hint : known.hint()}`;
}
