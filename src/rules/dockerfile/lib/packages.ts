import type { ShellCommand, ShellWord } from '../../../parsers/shell/shell.js';

export type PackageManager = 'apt' | 'apk' | 'yum';

export interface PackageInstall {
  manager: PackageManager;
  cmd: ShellCommand;
  /** Package arguments (options and their values removed). */
  packages: ShellWord[];
  options: ShellWord[];
}

const APT = new Set(['apt-get', 'apt']);
const YUM = new Set(['yum', 'dnf', 'microdnf', 'tdnf']);
/** Options whose value is the next word. */
const VALUE_OPTIONS: Record<PackageManager, Set<string>> = {
  apt: new Set(['-o', '-t', '--target-release', '-c', '--config-file']),
  apk: new Set(['-X', '--repository', '-t', '--virtual', '-p', '--root', '--arch']),
  yum: new Set(['-x', '--exclude', '--releasever', '--installroot', '-c', '--config']),
};

export function managerOf(cmd: ShellCommand): PackageManager | undefined {
  if (APT.has(cmd.program)) return 'apt';
  if (cmd.program === 'apk') return 'apk';
  if (YUM.has(cmd.program)) return 'yum';
  return undefined;
}

/** Position of the sub-command (`install`, `add`, `update`, `clean`), skipping options and their values. */
export function subcommand(cmd: ShellCommand, manager: PackageManager): { name: string; index: number } | undefined {
  const opts = VALUE_OPTIONS[manager];
  for (let i = 0; i < cmd.args.length; i++) {
    const v = cmd.args[i].value;
    if (v.startsWith('-')) {
      if (opts.has(v)) i++;
      continue;
    }
    return { name: v, index: i };
  }
  return undefined;
}

/** `apt-get install …`, `apk add …`, `dnf install …`, with their package words. */
export function packageInstall(cmd: ShellCommand): PackageInstall | undefined {
  const manager = managerOf(cmd);
  if (!manager) return undefined;
  const sub = subcommand(cmd, manager);
  const verb = manager === 'apk' ? 'add' : 'install';
  if (!sub || sub.name !== verb) return undefined;
  const opts = VALUE_OPTIONS[manager];
  const packages: ShellWord[] = [];
  const options: ShellWord[] = cmd.args.slice(0, sub.index).filter((a) => a.value.startsWith('-'));
  for (let i = sub.index + 1; i < cmd.args.length; i++) {
    const w = cmd.args[i];
    if (w.value.startsWith('-')) {
      options.push(w);
      if (opts.has(w.value)) i++;
      continue;
    }
    if (/^\d*[<>]/.test(w.raw)) break;
    packages.push(w);
  }
  return { manager, cmd, packages, options };
}

/** True when the package word names an exact version (or is a local file or a variable we cannot see). */
export function isPinned(manager: PackageManager, pkg: string): boolean {
  if (pkg.includes('$') || pkg.includes('/') || /\.(deb|apk|rpm)$/.test(pkg)) return true;
  if (manager === 'apt') return pkg.includes('=');
  if (manager === 'apk') return /[=~<>]/.test(pkg);
  if (pkg.startsWith('@')) return true;
  return /-\d/.test(pkg) || pkg.includes('=');
}
