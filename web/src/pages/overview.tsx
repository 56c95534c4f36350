import type { Posture, RunSummary, TargetSummary } from '../api.js';
import { ChartView, SEVERITY_COLOURS } from '../chart.js';
import { Panel, SEVERITIES, SeverityBadge, Status, day, when, type PageProps } from '../common.js';
import { useApi } from '../hooks.js';
import { href } from '../router.js';

type Counts = RunSummary['counts'];

/**
 * Open findings by severity per day: each target counts with its newest complete run as of that day
 * (carried forward until its next run), so that targets scanned on different days add up.
 */
export function postureByDay(runs: readonly RunSummary[]): { days: string[]; counts: Counts[] } {
  const days = [...new Set(runs.map((r) => day(r.completedAt)))].sort();
  const latest = new Map<number, Counts>();
  const byDay = new Map<string, RunSummary[]>();
  for (const r of runs) (byDay.get(day(r.completedAt)) ?? byDay.set(day(r.completedAt), []).get(day(r.completedAt))!).push(r);
  const counts = days.map((d) => {
    for (const r of byDay.get(d) ?? []) latest.set(r.targetId, r.counts);
    const sum: Counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
    for (const c of latest.values()) for (const s of SEVERITIES) sum[s] += c[s];
    return sum;
  });
  return { days, counts };
}

/** Posture over time: open findings by severity at each run, findings opened and fixed per day, the targets and the newest runs. */
export function Overview({ target, onUnauthorized }: PageProps) {
  const posture = useApi<Posture>('posture', { target, days: 90 }, onUnauthorized);
  const targets = useApi<{ targets: TargetSummary[] }>('targets', {}, onUnauthorized);
  const runs = useApi<{ runs: RunSummary[] }>('runs', { target, limit: 20 }, onUnauthorized, 10_000);
  const p = posture.data;
  const series = p ? postureByDay(p.runs) : undefined;
  const totals = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const t of targets.data?.targets ?? []) {
    if (target !== undefined && t.id !== target) continue;
    // Open findings of what is scanned: alerts and admission decisions are counted on their own page.
    if (t.kind === 'runtime' || t.kind === 'admission') continue;
    for (const s of SEVERITIES) totals[s] += t.lastRun?.counts[s] ?? 0;
  }
  return (
    <div>
      <div class="cards" id="totals">
        {SEVERITIES.map((s) => (
          <a class="card" href={href('findings', { severity: s, target })} data-severity={s}>
            <b style={{ color: SEVERITY_COLOURS[s] }}>{totals[s]}</b>
            {s}
          </a>
        ))}
      </div>
      <Panel title="Posture over time" id="posture">
        <Status {...posture} />
        {p && p.runs.length > 0 && (
          <ChartView
            label="Open findings by severity per day"
            config={{
              // A line needs a few days to say anything; until then, stacked bars.
              type: series!.days.length < 3 ? 'bar' : 'line',
              data: {
                labels: series!.days,
                datasets: SEVERITIES.slice(0, 4).map((s) => ({
                  label: s,
                  data: series!.counts.map((c) => c[s]),
                  borderColor: SEVERITY_COLOURS[s],
                  backgroundColor: SEVERITY_COLOURS[s] + '55',
                  fill: true,
                  tension: 0.2,
                  pointRadius: 2,
                })),
              },
              options: { scales: { y: { stacked: true, beginAtZero: true }, x: { stacked: true, ticks: { maxTicksLimit: 12 } } } },
            }}
          />
        )}
        {p && p.runs.length === 0 && <p class="muted">No complete run yet: upload one with `sanctum scan --upload`.</p>}
      </Panel>
      <Panel title="Opened and fixed per day" id="daily">
        {p && (
          <ChartView
            label="Findings opened and fixed per day"
            height={180}
            config={{
              type: 'bar',
              data: {
                labels: p.daily.map((d) => d.day),
                datasets: [
                  { label: 'opened', data: p.daily.map((d) => d.opened), backgroundColor: '#e4572e' },
                  { label: 'fixed', data: p.daily.map((d) => d.fixed), backgroundColor: '#2f9e44' },
                ],
              },
              options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
            }}
          />
        )}
      </Panel>
      <div class="columns">
        <Panel title="Targets" id="targets">
          <Status {...targets} />
          <table>
            <thead>
              <tr>
                <th>Target</th>
                <th>Kind</th>
                <th>Last run</th>
                {SEVERITIES.slice(0, 4).map((s) => (
                  <th>{s}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(targets.data?.targets ?? []).map((t) => (
                <tr>
                  <td>
                    <a href={href('overview', { target: t.id })}>{t.name}</a>
                  </td>
                  <td>{t.kind}</td>
                  <td>{when(t.lastRun?.at)}</td>
                  {SEVERITIES.slice(0, 4).map((s) => (
                    <td>{t.lastRun?.counts[s] ?? ''}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
        <Panel title="Latest runs and alerts" id="runs">
          <Status {...runs} />
          <table>
            <thead>
              <tr>
                <th>Run</th>
                <th>Target</th>
                <th>Received</th>
                <th>Findings</th>
                <th>Errors</th>
              </tr>
            </thead>
            <tbody>
              {(runs.data?.runs ?? []).map((r) => (
                <tr>
                  <td>
                    #{r.id}
                    {r.shards.total > 1 && (
                      <span class="muted">
                        {' '}
                        shards {r.shards.received}/{r.shards.total}
                      </span>
                    )}
                  </td>
                  <td>{r.target}</td>
                  <td>{when(r.at)}</td>
                  <td>
                    {SEVERITIES.filter((s) => r.counts[s] > 0).map((s) => (
                      <span class="count">
                        <SeverityBadge severity={s} /> {r.counts[s]}
                      </span>
                    ))}
                  </td>
                  <td>{r.errors || ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
      </div>
    </div>
  );
}
