// Where the rules' time goes: each rule's `check` and the resolving of its findings (locate,
// fingerprint, fix), timed call by call over a scan of DIR as `sanctum scan --format json` runs it
// (one thread). Each call is timed by the process's CPU time (user + system, getrusage), so time
// the machine spends on other processes is not counted; the timer's own cost, measured before the
// scan, is taken off each call. Garbage collection lands on whichever call triggers it.
// Usage: node bench/k8s-rule-times.mjs DIR [TOP]   (after `npm run build`)
import { Engine } from '../dist/core/engine.js';
import { allRules } from '../dist/rules/index.js';
import { scanStreamed } from '../dist/scan.js';

const [dir, top = '25'] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node bench/k8s-rule-times.mjs DIR [TOP]\n');
  process.exit(2);
}
process.env.SANCTUM_SCAN_THREADS = '1';

/** CPU time of this process in ms (microsecond resolution). */
const now = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** What one now()…now() pair costs on its own. */
const overhead = (() => {
  const n = 20000;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const t = now();
    sum += now() - t;
  }
  return sum / n;
})();

const stats = new Map();
const statOf = (meta) => {
  let s = stats.get(meta.id);
  if (!s)
    stats.set(
      meta.id,
      (s = { id: meta.id, slug: meta.slug, kinds: meta.appliesTo.join(','), calls: 0, check: 0, findings: 0, resolve: 0 }),
    );
  return s;
};

for (const rule of allRules) {
  const check = rule.check;
  const s = statOf(rule.meta);
  rule.check = function timed(doc, ctx) {
    const t = now();
    try {
      return check.call(this, doc, ctx);
    } finally {
      s.check += now() - t - overhead;
      s.calls++;
    }
  };
}

// The first reading of the clock after other work costs tens of microseconds (other threads' time
// is brought up to date): read it once, untimed, before each document's rules and each batch of findings.
for (const method of ['runRules', 'resolve']) {
  const original = Engine.prototype[method];
  Engine.prototype[method] = function settled(...args) {
    now();
    return original.apply(this, args);
  };
}

// Resolving a finding (private to the engine in TypeScript, a plain method at run time).
const toFinding = Engine.prototype.toFinding;
Engine.prototype.toFinding = function timed(meta, ...rest) {
  const t = now();
  try {
    return toFinding.call(this, meta, ...rest);
  } finally {
    const s = statOf(meta);
    s.resolve += now() - t - overhead;
    s.findings++;
  }
};

const t0 = performance.now();
const cpu0 = now();
const scan = scanStreamed({ targets: [dir], config: false });
const wall = performance.now() - t0;
const total = now() - cpu0;
scan.dispose();

const rows = [...stats.values()].filter((s) => s.calls > 0 || s.findings > 0);
const sum = (f) => rows.reduce((a, s) => a + f(s), 0);
const checkAll = sum((s) => s.check);
const resolveAll = sum((s) => s.resolve);
const ms = (x) => x.toFixed(0).padStart(7);
// The scan's CPU without the timers' own cost, which the shares are of.
const net = total - overhead * sum((s) => s.calls + s.findings);
const pct = (x) => ((100 * x) / net).toFixed(1).padStart(5) + '%';
process.stdout.write(
  `scan ${wall.toFixed(0)} ms wall, ${net.toFixed(0)} ms CPU without the timers (${(overhead * 1000).toFixed(2)} µs a call); ` +
    `rules' check ${checkAll.toFixed(0)} ms (${pct(checkAll)}), resolving their findings ${resolveAll.toFixed(0)} ms (${pct(resolveAll)})\n\n`,
);
process.stdout.write(
  `${'rule'.padEnd(10)} ${'slug'.padEnd(46)} ${'check ms'.padStart(8)} share ${'calls'.padStart(8)} ${'findings'.padStart(8)} ${'resolve'.padStart(7)}\n`,
);
for (const s of rows.sort((a, b) => b.check + b.resolve - (a.check + a.resolve)).slice(0, Number(top)))
  process.stdout.write(
    `${s.id.padEnd(10)} ${s.slug.slice(0, 46).padEnd(46)} ${ms(s.check).padStart(8)} ${pct(s.check)} ${String(s.calls).padStart(8)} ${String(s.findings).padStart(8)} ${ms(s.resolve)}\n`,
  );
