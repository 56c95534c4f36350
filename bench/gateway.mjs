#!/usr/bin/env node
// LLM gateway benchmark: small chat completions at 1,000 requests/s on loopback, sent open-loop (one
// request every millisecond whatever the answers do, over a keep-alive pool) straight to an upstream
// and through `sanctum gateway` (the built CLI in its own process, audit log on) to the same upstream,
// in alternating rounds of one run; and the time to the first streamed token both ways. Budgets:
// ≤ 2 ms added p99, ≤ 1 ms added to the first token.
// Usage: node bench/gateway.mjs            (prints a Markdown section; needs dist/: npm run build)
//        import { runGatewayBench } from './gateway.mjs'
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { Pool, request as undiciRequest } from 'undici';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const RATE = 1000;
const ROUND_S = 4;
// 40 s each way: a major GC pause delays a few dozen requests, well under 1 % of 40,000, so one pause
// (or two) in the window does not decide the p99 alone.
const ROUNDS = 10;
const WARM_UP_S = 3;
const FIRST_TOKEN_SAMPLES = 300;
/** Streamed requests each path gets before the first-token samples (the gateways' stream code compiled alike). */
const FIRST_TOKEN_WARM_UP = 300;
const KEY = 'sk-sanctum-bench-key-0000000000000000000000000000';
/**
 * Node flags of the gateway process, as the Helm chart runs it: the young generation kept at 16 MB
 * semi-spaces. Without it V8 shrinks the young generation to 1 MB whenever the gateway idles (here: while
 * the other path's round runs) and the next round starts with several times more scavenges.
 */
const GATEWAY_NODE_FLAGS = ['--min-semi-space-size=16'];

/** Starts a child and resolves with the first stdout (or stderr) line that `pick` accepts. */
function startChild(args, opts, pick) {
  const child = spawn(process.execPath, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start in 60 s: ${out}`)), 60_000);
    const onData = (c) => {
      out += c.toString();
      for (const line of out.split('\n')) {
        const value = pick(line);
        if (value === undefined) continue;
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stderr.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve({ child, value });
        return;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${args[0]} exited with ${code}: ${out}`)));
  });
}

const body = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Hello, how are you?' }], max_tokens: 16 });

/**
 * Sends small chat completions open-loop: request i leaves at start + i/rate whatever the earlier ones
 * did (no coordinated omission: a slow answer does not hold the next request back), over a pool of
 * keep-alive connections large enough that none waits for a free one. Each latency runs from the
 * request's scheduled time to the end of its answer, so a late start (this process's own timer) counts
 * too; `lag` is that lateness alone, the same for both paths.
 */
async function fire(baseURL, seconds, rate) {
  const url = new URL(`${baseURL}/v1/chat/completions`);
  const pool = new Pool(url.origin, { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${KEY}` };
  const total = Math.round(seconds * rate);
  const interval = 1000 / rate;
  const times = [];
  const lag = [];
  let non2xx = 0;
  let errors = 0;
  let finished = 0;
  let sent = 0;
  // Open the pool's connections first: the handshakes belong to neither path's latency.
  await Promise.all(
    Array.from({ length: 64 }, () =>
      pool
        .request({ path: '/healthz', method: 'GET' })
        .then((r) => r.body.dump())
        .catch(() => undefined),
    ),
  );
  const start = performance.now() + 20;
  await new Promise((resolve) => {
    const one = (due) => {
      lag.push(performance.now() - due);
      pool.request({ path: url.pathname, method: 'POST', headers, body }).then(
        async (res) => {
          await res.body.dump();
          if (res.statusCode >= 200 && res.statusCode < 300) times.push(performance.now() - due);
          else non2xx++;
          if (++finished === total) resolve();
        },
        () => {
          errors++;
          if (++finished === total) resolve();
        },
      );
    };
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) one(start + sent++ * interval);
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
  const elapsedS = (performance.now() - start) / 1000;
  await pool.close();
  return { times, lag, non2xx, errors, requests: total, elapsedS };
}

/** CPU time (user + system) a process has used so far, from /proc (Linux), in ms; undefined elsewhere. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * The gateway's own garbage-collection and event-loop figures, from its Prometheus /metrics (prom-client's
 * default metrics): GC pauses by kind (cumulative count and seconds) and the event-loop delay since the
 * previous scrape (monitorEventLoopDelay, reset by each scrape). Its timer fires every 10 ms and records
 * the whole time between two firings, so the delay is what exceeds those 10 ms.
 */
const lag = (seconds) => Math.max(0, seconds * 1000 - 10);

async function gatewayRuntime(baseURL) {
  const text = await (await undiciRequest(`${baseURL}/metrics`)).body.text();
  const value = (name) => Number(new RegExp(`^${name} ([^\\s]+)$`, 'm').exec(text)?.[1] ?? NaN);
  const gc = (kind, what) => value(`sanctum_gateway_nodejs_gc_duration_seconds_${what}\\{kind="${kind}"\\}`) || 0;
  return {
    gcCount: { minor: gc('minor', 'count'), major: gc('major', 'count') + gc('incremental', 'count') },
    gcSeconds: { minor: gc('minor', 'sum'), major: gc('major', 'sum') + gc('incremental', 'sum') },
    lagP50: lag(value('sanctum_gateway_nodejs_eventloop_lag_p50_seconds')),
    lagP99: lag(value('sanctum_gateway_nodejs_eventloop_lag_p99_seconds')),
    lagMax: lag(value('sanctum_gateway_nodejs_eventloop_lag_max_seconds')),
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function stats(times) {
  const s = [...times].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), p999: percentile(s, 99.9), max: s.at(-1) };
}

/** Time from sending a streamed chat request to the first byte of its first event (ms). */
function firstToken(baseURL, agent) {
  const streamed = JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: 'Hi' }], stream: true });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let first;
    const req = request(`${baseURL}/v1/chat/completions`, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}`, 'content-length': Buffer.byteLength(streamed) },
    });
    req.on('response', (res) => {
      res.on('data', () => {
        first ??= performance.now() - t0;
      });
      res.on('end', () => resolve(first));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(streamed);
  });
}

export async function measureGatewayBench() {
  const dir = mkdtempSync(join(os.tmpdir(), 'sanctum-bench-gateway-'));
  const children = [];
  try {
    const upstream = await startChild([join(here, 'gateway-upstream.mjs')], {}, (l) => (/^\d+$/.test(l.trim()) ? Number(l) : undefined));
    children.push(upstream.child);
    const direct = `http://127.0.0.1:${upstream.value}`;
    const config = (guardrails) => `listen: "127.0.0.1:0"
upstreams:
  - name: bench
    baseURL: "${direct}/v1"
    apiKey: "env:BENCH_UPSTREAM_KEY"
    models: ["bench-model"]
keys:
  - name: bench
    sha256: "${createHash('sha256').update(KEY).digest('hex')}"
    models: ["bench-model"]
    requestsPerMinute: 1000000
    tokensPerDay: 1000000000
audit:
  file: audit.jsonl
${guardrails}`;
    // The default guardrails (on); a second gateway with the answer-side guardrails off (the transport alone); a third with
    // the default guardrails but words not held for addresses (pii.holdWords: false).
    writeFileSync(join(dir, 'gateway.yaml'), config(''));
    writeFileSync(
      join(dir, 'unheld.yaml'),
      config('guardrails: { pii: { holdWords: false } }\n').replace('audit.jsonl', 'audit-unheld.jsonl'),
    );
    writeFileSync(
      join(dir, 'transport.yaml'),
      config('guardrails: { secrets: off, pii: off, exfiltration: off }\n').replace('audit.jsonl', 'audit-transport.jsonl'),
    );
    const start = async (file) => {
      const g = await startChild(
        [...GATEWAY_NODE_FLAGS, join(root, 'bin/sanctum'), 'gateway', '--config', file],
        { cwd: dir, env: { ...process.env, BENCH_UPSTREAM_KEY: 'upstream-secret' } },
        (l) => (l.includes('sanctum gateway listening') ? JSON.parse(l).url : undefined),
      );
      children.push(g.child);
      return { url: g.value, pid: g.child.pid };
    };
    const gatewayProcess = await start('gateway.yaml');
    const proxied = gatewayProcess.url;
    const transport = (await start('transport.yaml')).url;
    const unheld = (await start('unheld.yaml')).url;

    // The same warm-up for every path: each gateway's request path is compiled alike before it is measured,
    // the two measured for the first token only included.
    for (const url of [direct, proxied, transport, unheld]) await fire(url, WARM_UP_S, RATE / 2);
    const loadBefore = os.loadavg()[0];
    const runs = { direct: [], gateway: [] };
    const lags = { direct: [], gateway: [] };
    const problems = { direct: 0, gateway: 0 };
    const elapsed = { direct: 0, gateway: 0 };
    const cpu = { gateway: 0, upstream: 0, gatewayRequests: 0, upstreamRequests: 0 };
    const runtime = { gcCount: { minor: 0, major: 0 }, gcSeconds: { minor: 0, major: 0 }, lagP50: [], lagP99: [], lagMax: 0 };
    /** Each round's added p99 (its gateway p99 less its direct p99), and whether a major GC of the gateway fell in it. */
    const perRound = [];
    for (let round = 0; round < ROUNDS; round++) {
      const roundP99 = {};
      let roundMajorGcs = 0;
      // Direct first in even rounds, the gateway first in odd ones: neither path always runs second.
      const order = [
        ['direct', direct],
        ['gateway', proxied],
      ];
      for (const [name, url] of round % 2 ? order.reverse() : order) {
        // Read (and so reset) the gateway's event-loop delay just before its round, and again just after.
        const runtimeBefore = name === 'gateway' ? await gatewayRuntime(proxied) : undefined;
        const before = [cpuMs(gatewayProcess.pid), cpuMs(upstream.child.pid)];
        const r = await fire(url, ROUND_S, RATE);
        const after = [cpuMs(gatewayProcess.pid), cpuMs(upstream.child.pid)];
        if (name === 'gateway') {
          const runtimeAfter = await gatewayRuntime(proxied);
          for (const k of ['minor', 'major']) {
            runtime.gcCount[k] += runtimeAfter.gcCount[k] - runtimeBefore.gcCount[k];
            runtime.gcSeconds[k] += runtimeAfter.gcSeconds[k] - runtimeBefore.gcSeconds[k];
          }
          roundMajorGcs = runtimeAfter.gcCount.major - runtimeBefore.gcCount.major;
          runtime.lagP50.push(runtimeAfter.lagP50);
          runtime.lagP99.push(runtimeAfter.lagP99);
          runtime.lagMax = Math.max(runtime.lagMax, runtimeAfter.lagMax);
          cpu.gateway += after[0] - before[0];
          cpu.gatewayRequests += r.requests;
        } else {
          cpu.upstream += after[1] - before[1];
          cpu.upstreamRequests += r.requests;
        }
        runs[name].push(...r.times);
        roundP99[name] = stats(r.times).p99;
        lags[name].push(...r.lag);
        elapsed[name] += r.elapsedS;
        problems[name] += r.non2xx + r.errors;
      }
      perRound.push({ added: roundP99.gateway - roundP99.direct, majorGcs: roundMajorGcs });
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const paths = [
      ['direct', direct],
      ['transport', transport],
      ['gateway', proxied],
      ['unheld', unheld],
    ];
    const ttft = { direct: [], gateway: [], transport: [], unheld: [] };
    for (let i = 0; i < FIRST_TOKEN_WARM_UP; i++) for (const [, url] of paths) await firstToken(url, agent);
    // One sample of each path per turn, the order rotated turn by turn: no path always follows the same one.
    for (let i = 0; i < FIRST_TOKEN_SAMPLES; i++)
      for (let j = 0; j < paths.length; j++) {
        const [name, url] = paths[(i + j) % paths.length];
        ttft[name].push(await firstToken(url, agent));
      }
    agent.destroy();
    const loadAfter = os.loadavg()[0];
    const auditMB = statSync(join(dir, 'audit.jsonl')).size / 1e6;
    // The gateway's own time per request, as it audited it: the whole request less the wait for the upstream.
    const inside = [];
    for (const line of readFileSync(join(dir, 'audit.jsonl'), 'utf8').split('\n')) {
      if (!line.includes('"chat.completions"') || line.includes('"stream":true')) continue;
      const e = JSON.parse(line);
      if (e.status === 200 && e.upstreamMs !== undefined) inside.push(e.latencyMs - e.upstreamMs);
    }
    return {
      direct: stats(runs.direct),
      gateway: stats(runs.gateway),
      lagDirect: stats(lags.direct),
      lagGateway: stats(lags.gateway),
      inside: stats(inside),
      problems,
      elapsed,
      ttftDirect: stats(ttft.direct),
      ttftGateway: stats(ttft.gateway),
      ttftTransport: stats(ttft.transport),
      ttftUnheld: stats(ttft.unheld),
      loadBefore,
      loadAfter,
      auditMB,
      seconds: ROUNDS * ROUND_S,
      cpuPerRequest: { gateway: cpu.gateway / cpu.gatewayRequests, upstream: cpu.upstream / cpu.upstreamRequests },
      runtime: { ...runtime, requests: cpu.gatewayRequests },
      perRound,
    };
  } finally {
    for (const c of children) c.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

const ms = (v) => `${v.toFixed(2)} ms`;

/** The rounds' own added p99s: how much one round (with or without a major GC in it) moves the figure. */
function roundsLine(perRound) {
  const sorted = perRound.map((r) => r.added).sort((a, b) => a - b);
  const withGc = perRound.filter((r) => r.majorGcs > 0);
  const gcPart = withGc.length
    ? `; the ${withGc.length} with a major GC of the gateway in them: ${withGc.map((r) => ms(r.added)).join(', ')}`
    : '; no round had a major GC of the gateway';
  return `Added p99 of each ${ROUND_S} s round on its own (gateway p99 less direct p99 of the same round): median ${ms(sorted[sorted.length >> 1])}, from ${ms(sorted[0])} to ${ms(sorted.at(-1))}${gcPart}.`;
}
const mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;

/** "N minor GC pauses (one per X requests, mean Y ms) and M major", from the gateway's counters. */
function gcLine(rt) {
  const minor = rt.gcCount.minor;
  const per = minor
    ? `one per ${Math.round(rt.requests / minor).toLocaleString('en')} requests, mean ${ms((rt.gcSeconds.minor * 1000) / minor)}`
    : 'none';
  return `${minor} minor GC pauses (${per}), ${rt.gcCount.major} major or incremental (${ms(rt.gcSeconds.major * 1000)} in all)`;
}

export async function runGatewayBench() {
  const r = await measureGatewayBench();
  const added = (k) => r.gateway[k] - r.direct[k];
  const row = (name, s, seconds) =>
    `| ${name} | ${s.n.toLocaleString('en')} | ${Math.round(s.n / seconds).toLocaleString('en')}/s | ${ms(s.p50)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.p999)} | ${ms(s.max)} |`;
  const addedP99 = added('p99');
  const addedFirst = r.ttftTransport.p50 - r.ttftDirect.p50;
  const addedFirstUnheld = r.ttftUnheld.p50 - r.ttftDirect.p50;
  return {
    markdown:
      `## LLM gateway\n\n` +
      (r.loadBefore > os.cpus().length
        ? `**Measured under load** (1-minute load average ${r.loadBefore.toFixed(1)} on ${os.cpus().length} cores, other sessions' test suites): these figures show how the gateway degrades when starved of CPU, not whether it meets its budgets; rerun on a quiet machine for that.\n\n`
        : '') +
      `Small chat completions (one user message; a 300-byte answer with \`usage\`) at ${RATE.toLocaleString('en')} requests/s, open-loop: request *i* leaves at *i* ms whatever the earlier answers did (this process, undici keep-alive pool of 128 connections opened beforehand), ` +
      `to a minimal OpenAI-compatible upstream (\`bench/gateway-upstream.mjs\`, its own process), straight and through \`sanctum gateway\` (the built CLI in its own process, run as the Helm chart runs it: \`node ${GATEWAY_NODE_FLAGS.join(' ')}\`; virtual key, budgets, the default guardrails, audit log to a file, metrics; its keep-alive pool to the upstream), ` +
      `in ${ROUNDS} alternating rounds of ${ROUND_S} s each way (which goes first alternates too), after the same ${WARM_UP_S} s warm-up at half the rate of each path (the upstream directly and each of the three gateways below). Each latency runs from the request's scheduled time to the last byte of its answer, so nothing a slow answer delays is left out; ` +
      `the sender's own lateness (its timer firing after the scheduled time) is in both paths alike: p50 ${ms(r.lagDirect.p50)} / p99 ${ms(r.lagDirect.p99)} direct, p50 ${ms(r.lagGateway.p50)} / p99 ${ms(r.lagGateway.p99)} through the gateway. ` +
      `The machine is shared by other work (2 cores, up to 8 sessions): 1-minute load average ${r.loadBefore.toFixed(1)} before and ${r.loadAfter.toFixed(1)} after; the gateway, the upstream and the load generator share the same 2 cores, so the added latency includes their contention.\n\n` +
      `| path | responses | answered (first request to last answer) | p50 | p90 | p99 | p99.9 | max |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n` +
      `${row('upstream directly', r.direct, r.elapsed.direct)}\n${row('through the gateway', r.gateway, r.elapsed.gateway)}\n` +
      `| **added by the gateway** | | | ${ms(added('p50'))} | ${ms(added('p90'))} | **${ms(addedP99)}** | ${ms(added('p999'))} | |\n\n` +
      `Failed or non-2xx responses: ${r.problems.direct} direct, ${r.problems.gateway} through the gateway. Audit log written: ${r.auditMB.toFixed(1)} MB. ` +
      `Time inside the gateway (its audit line's \`latencyMs − upstreamMs\`: from the request's first byte to its answer's last, less the wait for the upstream; ${r.inside.n.toLocaleString('en')} requests): p50 ${ms(r.inside.p50)}, p90 ${ms(r.inside.p90)}, p99 ${ms(r.inside.p99)}, p99.9 ${ms(r.inside.p999)}. ` +
      `CPU time per request (user + system, from /proc, over the measured rounds; less sensitive to the other work on the machine than wall times): ` +
      `gateway ${ms(r.cpuPerRequest.gateway)}, upstream ${ms(r.cpuPerRequest.upstream)}. ` +
      `Its garbage collection and event loop over its measured rounds (from its own Prometheus \`/metrics\`): ${gcLine(r.runtime)}; event-loop delay (beyond its 10 ms sampling interval) p50 ${ms(mean(r.runtime.lagP50))}, p99 ${ms(mean(r.runtime.lagP99))} (mean of the rounds), max ${ms(r.runtime.lagMax)}. ${roundsLine(r.perRound)} ` +
      `When the gateway answers fewer than ${RATE.toLocaleString('en')} requests/s it did not keep up: its process did not get the CPU it needed (at ${ms(r.cpuPerRequest.gateway)} per request it needs ${((RATE * r.cpuPerRequest.gateway) / 10).toFixed(0)} % of a core), requests queue through the round, and its latencies are that queue, not its own work.\n\n` +
      `Time to the first streamed token (${FIRST_TOKEN_SAMPLES} streamed chat requests each way, one at a time, one of each path per turn in an order rotated every turn, after ${FIRST_TOKEN_WARM_UP} of each path as warm-up; the upstream sends its first chunk (\`Hello\`) as soon as it has the request and the next ones 5 ms apart). ` +
      `With the default guardrails on, the stream guard holds back only a tail that could still grow into a secret, a number, an email address or a link; \`Hello\` could be the local part of an address whose \`@\` is in the next chunk, so it goes out with the second chunk, 5 ms later (with \`pii.holdWords: false\` it goes out at once). ` +
      `The transport alone is measured through a second gateway with the answer-side guardrails off:\n\n` +
      `| path | p50 | p90 | p99 | added p50 |\n| --- | ---: | ---: | ---: | ---: |\n` +
      `| upstream directly | ${ms(r.ttftDirect.p50)} | ${ms(r.ttftDirect.p90)} | ${ms(r.ttftDirect.p99)} | |\n` +
      `| gateway, answer-side guardrails off (transport) | ${ms(r.ttftTransport.p50)} | ${ms(r.ttftTransport.p90)} | ${ms(r.ttftTransport.p99)} | **${ms(addedFirst)}** |\n` +
      `| gateway, default guardrails, words not held (\`pii.holdWords: false\`) | ${ms(r.ttftUnheld.p50)} | ${ms(r.ttftUnheld.p90)} | ${ms(r.ttftUnheld.p99)} | ${ms(addedFirstUnheld)} |\n` +
      `| gateway, default guardrails | ${ms(r.ttftGateway.p50)} | ${ms(r.ttftGateway.p90)} | ${ms(r.ttftGateway.p99)} | ${ms(r.ttftGateway.p50 - r.ttftDirect.p50)} |\n\n` +
      `Budgets: ≤ 2 ms added p99 at 1,000 requests/s — ${addedP99 <= 2 ? 'met' : 'not met'} in this run; ≤ 1 ms added to the first token (median) — ${addedFirst <= 1 ? 'met' : 'not met'} in this run with the transport alone, ${addedFirstUnheld <= 1 ? 'met' : 'not met'} with the guardrails checking the stream but not holding words, ${r.ttftGateway.p50 - r.ttftDirect.p50 <= 1 ? 'met' : 'not met'} with the default guardrails (one inter-chunk gap by design).\n`,
    addedP99,
    addedFirst,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log((await runGatewayBench()).markdown);
