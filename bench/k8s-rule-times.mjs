// Where the rules' time goes: each rule's `check` and the resolving of its findings (locate,
// fingerprint, fix), timed call by call over a scan of DIR as `sanctum scan --format json` runs it
// (one thread), and beside them each parser's `parse` and `collect` (the cross-object sets). Each
// call is timed by the process's CPU time (user + system, getrusage), so time the machine spends on
// other processes is not counted; the timer's own cost, measured before the scan, is taken off each
// call. Garbage collection lands on whichever call triggers it, and the first rule to ask a pod view
// for a fact its helpers memoize pays for it.
// With ROUNDS > 1 the scan is repeated in this process and each figure is the median over the rounds
// after the first (warm code); the first round is printed apart.
// Usage: node bench/k8s-rule-times.mjs DIR [TOP] [ROUNDS]   (after `npm run build`)
import { Engine } from '../dist/core/engine.js';
import { allParsers } from '../dist/parsers/index.js';
import { allRules } from '../dist/rules/index.js';
import { scanStreamed } from '../dist/scan.js';

const [dir, top = '25', roundsArg = '1'] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: node bench/k8s-rule-times.mjs DIR [TOP] [ROUNDS]\n');
  process.exit(2);
}
const rounds = Math.max(1, Number(roundsArg));
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

/** One row per rule (and per parser phase), with one figure per round. */
const stats = new Map();
const statOf = (id, slug, kinds) => {
  let s = stats.get(id);
  if (!s) stats.set(id, (s = { id, slug, kinds, calls: 0, check: 0, findings: 0, resolve: 0, rounds: [] }));
  return s;
};
const ruleStat = (meta) => stats.get(meta.id) ?? statOf(meta.id, meta.slug, meta.appliesTo.join(','));

for (const rule of allRules) {
  const check = rule.check;
  const s = ruleStat(rule.meta);
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

// Each parser's reading of a file and building of its sets, as rows of their own.
for (const parser of allParsers) {
  for (const phase of ['parse', 'collect']) {
    const original = parser[phase];
    if (typeof original !== 'function') continue;
    const s = statOf(`[${phase}:${parser.name}]`, `${parser.name} parser`, '');
    parser[phase] = function timed(...args) {
      const t = now();
      try {
        return original.apply(this, args);
      } finally {
        s.check += now() - t - overhead;
        s.calls++;
      }
    };
  }
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
    const s = ruleStat(meta);
    s.resolve += now() - t - overhead;
    s.findings++;
  }
};

const scans = [];
for (let round = 0; round < rounds; round++) {
  for (const s of stats.values()) Object.assign(s, { calls: 0, check: 0, findings: 0, resolve: 0 });
  const t0 = performance.now();
  const cpu0 = now();
  const scan = scanStreamed({ targets: [dir], config: false });
  const wall = performance.now() - t0;
  const total = now() - cpu0;
  const objects = scan.result.stats.resources;
  scan.dispose();
  let timed = 0;
  for (const s of stats.values()) {
    s.rounds.push({ calls: s.calls, check: s.check, findings: s.findings, resolve: s.resolve });
    timed += s.calls + s.findings;
  }
  // The scan's CPU without the timers' own cost, which the shares are of.
  scans.push({ wall, net: total - overhead * timed, objects });
}

const median = (xs) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
};
// The rounds figures are taken from: the warm ones when there are several.
const kept = rounds > 1 ? (xs) => xs.slice(1) : (xs) => xs;
const rows = [...stats.values()]
  .map((s) => {
    const r = kept(s.rounds);
    return {
      ...s,
      calls: r[0].calls,
      findings: r[0].findings,
      check: median(r.map((x) => x.check)),
      resolve: median(r.map((x) => x.resolve)),
      first: s.rounds[0].check + s.rounds[0].resolve,
    };
  })
  .filter((s) => s.calls > 0 || s.findings > 0);
const net = median(kept(scans).map((s) => s.net));
const wall = median(kept(scans).map((s) => s.wall));
const objects = scans[0].objects;
const sum = (list, f) => list.reduce((a, s) => a + f(s), 0);
const ruleRows = rows.filter((s) => !s.id.startsWith('['));
const checkAll = sum(ruleRows, (s) => s.check);
const resolveAll = sum(ruleRows, (s) => s.resolve);
const findingsAll = sum(ruleRows, (s) => s.findings);
const pct = (x) => ((100 * x) / net).toFixed(1).padStart(5) + '%';
const us = (ms, n) => (n > 0 ? ((1000 * ms) / n).toFixed(2) : '—').padStart(8);
process.stdout.write(
  `${objects} objects, ${findingsAll} findings; ` +
    (rounds > 1 ? `median of rounds 2–${rounds} (round 1: ${scans[0].net.toFixed(0)} ms CPU): ` : '') +
    `scan ${wall.toFixed(0)} ms wall, ${net.toFixed(0)} ms CPU without the timers (${(overhead * 1000).toFixed(2)} µs a call); ` +
    `rules' check ${checkAll.toFixed(0)} ms (${pct(checkAll)}), resolving their findings ${resolveAll.toFixed(0)} ms (${pct(resolveAll)})\n\n`,
);
process.stdout.write(
  `${'rule'.padEnd(10)} ${'slug'.padEnd(40)} ${'check ms'.padStart(8)}  share ${'calls'.padStart(6)} ${'µs/call'.padStart(8)} ${'µs/obj'.padStart(8)} ` +
    `${'findings'.padStart(8)} ${'resolve'.padStart(7)} ${'µs/find'.padStart(8)}${rounds > 1 ? ' round 1' : ''}\n`,
);
for (const s of rows.sort((a, b) => b.check + b.resolve - (a.check + a.resolve)).slice(0, Number(top)))
  process.stdout.write(
    `${s.id.padEnd(10)} ${s.slug.slice(0, 40).padEnd(40)} ${s.check.toFixed(1).padStart(8)} ${pct(s.check)} ${String(s.calls).padStart(6)} ` +
      `${us(s.check, s.calls)} ${us(s.check, objects)} ${String(s.findings).padStart(8)} ${s.resolve.toFixed(1).padStart(7)} ` +
      `${us(s.check + s.resolve, s.findings)}${rounds > 1 ? s.first.toFixed(0).padStart(8) : ''}\n`,
  );
