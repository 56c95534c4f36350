import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cgroupCpuQuota, usableCpus } from './cpu-limit.js';
import { threadStart } from './scan-threads.js';

/** A machine's files as `read` sees them: the test never reads this machine's cgroups. */
const files =
  (contents: Record<string, string>) =>
  (path: string): string | undefined =>
    contents[path];

/** cgroup v2 in a container (its own cgroup namespace): the container's cgroup is the root. */
const v2 = (cpuMax: string) => files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': cpuMax });

/** cgroup v1, as Docker sets it up: the cpu controller's hierarchy, the container's cgroup at its mount's root. */
const v1 = (quota: string, period = '100000\n') =>
  files({
    '/proc/self/cgroup': '12:pids:/docker/4f1e\n4:cpu,cpuacct:/docker/4f1e\n1:name=systemd:/docker/4f1e\n0::/\n',
    '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': quota,
    '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': period,
  });

describe('cgroupCpuQuota', () => {
  it.each([
    ['200000 100000\n', 2],
    ['150000 100000\n', 1],
    ['50000 100000\n', 1],
    ['400000 100000\n', 4],
    ['250000 100000', 2],
  ])('cgroup v2 cpu.max %j allows %d whole CPUs', (cpuMax, cpus) => {
    expect(cgroupCpuQuota(v2(cpuMax))).toBe(cpus);
  });

  it('no quota: cgroup v2 "max", v1 -1, no cgroup files, or files that say nothing readable', () => {
    expect(cgroupCpuQuota(v2('max 100000\n'))).toBeUndefined();
    expect(cgroupCpuQuota(v1('-1\n'))).toBeUndefined();
    expect(cgroupCpuQuota(files({}))).toBeUndefined();
    expect(cgroupCpuQuota(files({ '/proc/self/cgroup': '0::/\n' }))).toBeUndefined();
    expect(cgroupCpuQuota(v2(''))).toBeUndefined();
    expect(cgroupCpuQuota(v2('150000 0\n'))).toBeUndefined();
    expect(cgroupCpuQuota(v1('150000\n', 'garbage'))).toBeUndefined();
  });

  it('cgroup v1: cpu.cfs_quota_us over cpu.cfs_period_us, 1.5 CPUs counting as 1', () => {
    expect(cgroupCpuQuota(v1('150000\n'))).toBe(1);
    expect(cgroupCpuQuota(v1('300000\n'))).toBe(3);
    expect(cgroupCpuQuota(v1('100000\n', '50000\n'))).toBe(2);
  });

  it('the tightest quota along the cgroup path up to the root, as the kernel applies it', () => {
    const read = files({
      '/proc/self/cgroup': '0::/kubepods.slice/pod1/ctr\n',
      '/sys/fs/cgroup/kubepods.slice/pod1/ctr/cpu.max': 'max 100000\n',
      '/sys/fs/cgroup/kubepods.slice/pod1/cpu.max': '300000 100000\n',
      '/sys/fs/cgroup/kubepods.slice/cpu.max': '150000 100000\n',
      '/sys/fs/cgroup/cpu.max': 'max 100000\n',
    });
    expect(cgroupCpuQuota(read)).toBe(1);
  });

  it('a hybrid host (v1 controllers and the unified hierarchy) takes the cpu controller of v1', () => {
    const read = files({
      '/proc/self/cgroup': '9:name=systemd:/\n1:cpu:/batch\n0::/\n',
      '/sys/fs/cgroup/cpu/batch/cpu.cfs_quota_us': '200000\n',
      '/sys/fs/cgroup/cpu/batch/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/cpu.max': '100000 100000\n',
    });
    expect(cgroupCpuQuota(read)).toBe(2);
  });

  it('a cgroup path that leaves the mount (outside the cgroup namespace) reads the root only, not the cgroup of that name under it', () => {
    const read = files({
      '/proc/self/cgroup': '0::/../../user.slice/session-1.scope\n',
      '/sys/fs/cgroup/user.slice/session-1.scope/cpu.max': '100000 100000\n',
      '/sys/fs/cgroup/user.slice/cpu.max': '100000 100000\n',
      '/sys/fs/cgroup/cpu.max': '300000 100000\n',
    });
    expect(cgroupCpuQuota(read)).toBe(3);
    const v1Escaped = files({
      '/proc/self/cgroup': '4:cpu,cpuacct:/../batch\n0::/\n',
      '/sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_quota_us': '100000\n',
      '/sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_period_us': '100000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '200000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    });
    expect(cgroupCpuQuota(v1Escaped)).toBe(2);
  });

  it('a `..` inside the path steps up as in a file path', () => {
    const read = files({
      '/proc/self/cgroup': '0::/kubepods/../batch\n',
      '/sys/fs/cgroup/kubepods/batch/cpu.max': '100000 100000\n',
      '/sys/fs/cgroup/batch/cpu.max': '200000 100000\n',
    });
    expect(cgroupCpuQuota(read)).toBe(2);
  });

  it('a `cpu`-only v1 mount is read once, a joint `cpu,cpuacct` mount and its `cpu` name each once', () => {
    const reads = (cgroup: string): string[] => {
      const seen: string[] = [];
      cgroupCpuQuota((path) => {
        seen.push(path);
        return path === '/proc/self/cgroup' ? cgroup : undefined;
      });
      return seen;
    };
    expect(reads('1:cpu:/batch\n0::/\n')).toEqual([
      '/proc/self/cgroup',
      '/sys/fs/cgroup/cpu/batch/cpu.cfs_quota_us',
      '/sys/fs/cgroup/cpu/batch/cpu.cfs_period_us',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us',
    ]);
    expect(reads('4:cpu,cpuacct:/\n')).toEqual([
      '/proc/self/cgroup',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us',
    ]);
  });
});

describe('usableCpus: the smaller of the affinity and the quota, and so the scan threads', () => {
  it("on this machine, whatever its cgroups: at least one, at most Node's count", () => {
    const cpus = usableCpus();
    expect(cpus).toBeGreaterThanOrEqual(1);
    expect(cpus).toBeLessThanOrEqual(availableParallelism());
  });

  it('a quota below the CPUs counted decides', () => {
    expect(usableCpus(v2('150000 100000\n'), 8)).toBe(1);
    expect(usableCpus(v2('400000 100000\n'), 8)).toBe(4);
    expect(usableCpus(v2('1600000 100000\n'), 8)).toBe(8);
    expect(usableCpus(v2('max 100000\n'), 8)).toBe(8);
    expect(usableCpus(files({}), 2)).toBe(2);
  });

  it('on 8 cores limited to 2.5 CPUs a scan takes its worker (two cores); at 1.5 it cannot, even with SANCTUM_SCAN_THREADS=2', () => {
    expect(threadStart(undefined, usableCpus(v2('800000 100000\n'), 8))).toBe(4 * 1024 * 1024);
    expect(threadStart(undefined, usableCpus(v2('250000 100000\n'), 8))).toBe(4 * 1024 * 1024);
    expect(threadStart('2', usableCpus(v2('250000 100000\n'), 8))).toBe(0);
    expect(threadStart(undefined, usableCpus(v2('150000 100000\n'), 8))).toBeUndefined();
    expect(threadStart('2', usableCpus(v2('150000 100000\n'), 8))).toBeUndefined();
  });
});
