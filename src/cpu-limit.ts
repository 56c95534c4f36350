import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * The CPUs this process may use: `os.availableParallelism()` (the CPUs of its affinity mask), or
 * fewer when a cgroup CPU quota allows fewer whole CPUs, as in a container started with `--cpus` or
 * a Kubernetes CPU limit. Node 20's libuv (1.46) reads only the affinity mask; libuv takes the quota
 * into account from 1.49, where this changes nothing.
 */
export function usableCpus(read: (path: string) => string | undefined = readSystemFile, affinity = availableParallelism()): number {
  return Math.max(1, Math.min(affinity, cgroupCpuQuota(read) ?? Infinity));
}

/**
 * The whole CPUs the cgroup CPU quota of this process allows (1.5 CPUs count as 1, less than one
 * CPU as 1), the smallest along its cgroup's path up to the root, as the kernel applies the
 * tightest; undefined when no quota is set or none can be read. cgroup v2: `cpu.max` ("QUOTA
 * PERIOD", or "max PERIOD" for none); v1: `cpu.cfs_quota_us` (-1 for none) over `cpu.cfs_period_us`.
 * `read` returns a file's text, or undefined when it cannot be read.
 */
export function cgroupCpuQuota(read: (path: string) => string | undefined): number | undefined {
  const self = read('/proc/self/cgroup');
  if (self === undefined) return undefined;
  let v1: { path: string; mounts: string[] } | undefined;
  let v2: string | undefined;
  for (const line of self.split('\n')) {
    // `hierarchy-ID:controller-list:cgroup-path`; the path may itself hold colons.
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second);
    const path = line.slice(second + 1);
    if (line.slice(0, first) === '0' && controllers === '') v2 = path;
    // Mounted under the controllers' joint name, and usually linked as `cpu` too.
    else if (controllers.split(',').includes('cpu')) v1 = { path, mounts: [...new Set([controllers, 'cpu'])] };
  }
  if (v1) {
    const limits = v1.mounts.flatMap((mount) =>
      ancestors(`/sys/fs/cgroup/${mount}`, v1.path).map((dir) => cpusOf(read(`${dir}/cpu.cfs_quota_us`), read(`${dir}/cpu.cfs_period_us`))),
    );
    return smallest(limits);
  }
  if (v2 !== undefined) {
    const limits = ancestors('/sys/fs/cgroup', v2).map((dir) => {
      const [quota, period] = (read(`${dir}/cpu.max`) ?? '').trim().split(/\s+/);
      return cpusOf(quota, period);
    });
    return smallest(limits);
  }
  return undefined;
}

/**
 * `root/a/b`, `root/a`, `root` for the cgroup path `/a/b`: a cgroup's directory and those above it.
 * A path that leaves the mount's root (`/../other`, as a process outside its cgroup namespace's root
 * sees its cgroup) is one the mount does not show: the root is all there is to read.
 */
function ancestors(root: string, path: string): string[] {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined) return [root];
  }
  const out: string[] = [];
  for (let n = parts.length; n >= 0; n--) out.push([root, ...parts.slice(0, n)].join('/'));
  return out;
}

/** Whole CPUs of a quota over a period (both in microseconds), at least 1; undefined for none or what cannot be read. */
function cpusOf(quota: string | undefined, period: string | undefined): number | undefined {
  const q = Number(quota?.trim());
  const p = Number(period?.trim());
  if (!Number.isFinite(q) || !Number.isFinite(p) || q <= 0 || p <= 0) return undefined;
  return Math.max(1, Math.floor(q / p));
}

function smallest(limits: ReadonlyArray<number | undefined>): number | undefined {
  const set = limits.filter((n): n is number => n !== undefined);
  return set.length ? Math.min(...set) : undefined;
}

function readSystemFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
