// Peak resident set of this process alone, in MB. getrusage's maxRSS (`process.resourceUsage().maxRSS`)
// keeps the parent's resident set at fork across exec: a child spawned by a bench process that had
// just generated its corpus reported the parent's peak. VmHWM is this process image's own high-water mark.
import { readFileSync } from 'node:fs';

export function peakRssMB() {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // Not Linux: getrusage is what there is.
  }
  return process.resourceUsage().maxRSS / 1024;
}
