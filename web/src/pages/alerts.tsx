import { useRef } from 'preact/hooks';
import type { Alert, AlertHour } from '../api.js';
import { ChartView, SEVERITY_COLOURS } from '../chart.js';
import {
  Panel,
  RangeSelect,
  rangeStart,
  SEVERITIES,
  SeverityBadge,
  SeverityFilter,
  Status,
  useTextFilters,
  type PageProps,
} from '../common.js';
import { useApi } from '../hooks.js';
import { href } from '../router.js';

/** How often the page asks for alerts that arrived since. */
export const ALERTS_REFRESH_MS = 3000;
const LIMIT = 200;

/** How far back the chart counts alerts. */
const RANGES = { '24h': 86_400_000, '7d': 7 * 86_400_000, '30d': 30 * 86_400_000 } as const;
type Range = keyof typeof RANGES;

/** Every hour of the range, oldest first, with the store's counts (zero where there were none). */
export function hoursOfRange(since: string, counted: readonly AlertHour[], now = Date.now()): AlertHour[] {
  const at = new Map(counted.map((h) => [h.hour, h]));
  const out: AlertHour[] = [];
  for (let t = Date.parse(since); t <= now; t += 3_600_000) {
    const hour = new Date(t).toISOString().slice(0, 13);
    out.push(at.get(hour) ?? { hour, critical: 0, high: 0, medium: 0, low: 0, info: 0 });
  }
  return out;
}

/** An event's time in UTC to the second (`2026-12-05 04:21:33 UTC`), whatever offset it was written with. */
export function eventTime(time: string): string {
  const t = Date.parse(time);
  return Number.isNaN(t) ? time : new Date(t).toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

interface FilterProps {
  current: Record<string, string | number | undefined>;
  go(change: Record<string, string | number | undefined>): void;
  severity: string;
}

/** The filter form: what is typed stays while the list refreshes, and is applied on submit. */
function AlertFilters({ current, go, severity }: FilterProps) {
  const { field, typed } = useTextFilters(current, ['rule', 'namespace', 'user']);
  const any = ['rule', 'namespace', 'user', 'kind', 'severity'].some((k) => current[k]);
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        go(typed());
      }}
    >
      <RangeSelect label="Chart" value={String(current.range)} go={go} />
      <label>
        Source{' '}
        <select name="kind" value={String(current.kind ?? '')} onChange={(e) => go({ kind: (e.target as HTMLSelectElement).value })}>
          <option value="">all</option>
          <option value="runtime">runtime (audit, Falco, Tetragon)</option>
          <option value="admission">admission webhook</option>
        </select>
      </label>
      <SeverityFilter severity={severity} go={go} />
      {field('rule', 'rule (RT-0001)')}
      {field('namespace', 'namespace')}
      {field('user', 'who acted')}
      <button type="submit">Filter</button>
      {any && <a href={href('alerts', { target: current.target, range: current.range })}>clear</a>}
    </form>
  );
}

/**
 * Runtime alerts and admission decisions as they arrive: newest event first, polled every few
 * seconds; filters (severity, source, rule, namespace, who acted) live in the URL.
 */
export function Alerts({ target, params, onUnauthorized }: PageProps) {
  const severity = params.get('severity') ?? '';
  const kind = params.get('kind') ?? '';
  const rule = params.get('rule') ?? '';
  const namespace = params.get('namespace') ?? '';
  const user = params.get('user') ?? '';
  const range: Range = Object.hasOwn(RANGES, params.get('range') ?? '') ? (params.get('range') as Range) : '24h';
  const filters = { target, severity, kind, rule, namespace, user };
  const current = { ...filters, range };
  const list = useApi<{ alerts: Alert[] }>('alerts', { ...filters, limit: LIMIT }, onUnauthorized, ALERTS_REFRESH_MS);
  // Counted by the store over the whole range, not over the page of alerts listed below.
  const since = rangeStart(RANGES[range]);
  const counted = useApi<{ hours: AlertHour[] }>('alerts/hourly', { ...filters, since }, onUnauthorized, ALERTS_REFRESH_MS);
  // Alerts not on the page before the newest refresh are marked as new (not on the first load of a filter).
  const seen = useRef<{ key: string; ids: Set<number> | undefined; fresh: Set<number> }>({ key: '', ids: undefined, fresh: new Set() });
  const key = JSON.stringify(filters);
  if (seen.current.key !== key) seen.current = { key, ids: undefined, fresh: new Set() };
  const alerts = list.data?.alerts;
  if (alerts) {
    const before = seen.current.ids;
    const ids = new Set(alerts.map((a) => a.id));
    if (before && alerts.some((a) => !before.has(a.id)))
      seen.current.fresh = new Set(alerts.filter((a) => !before.has(a.id)).map((a) => a.id));
    seen.current.ids = ids;
  }
  const go = (change: Record<string, string | number | undefined>) => {
    location.hash = href('alerts', { ...current, ...change });
  };
  const perHour = counted.data && counted.data.hours.length > 0 ? hoursOfRange(since, counted.data.hours) : undefined;
  const filterLink = (change: Record<string, string>, text: string) => <a href={href('alerts', { ...current, ...change })}>{text}</a>;
  return (
    <div>
      <Panel title="Filters" id="alert-filters">
        <AlertFilters key={key} current={current} go={go} severity={severity} />
      </Panel>
      <Panel title="Alerts per hour" id="alerts-chart">
        <Status loading={counted.loading && !counted.data} error={counted.error} />
        {perHour ? (
          <ChartView
            label="Alerts per hour by severity"
            height={160}
            config={{
              type: 'bar',
              data: {
                labels: perHour.map((h) => h.hour.replace('T', ' ') + ':00'),
                datasets: SEVERITIES.map((s) => ({
                  label: s,
                  data: perHour.map((h) => h[s]),
                  backgroundColor: SEVERITY_COLOURS[s],
                })),
              },
              options: { scales: { y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, x: { stacked: true } } },
            }}
          />
        ) : (
          counted.data && <p class="muted">No alerts in this range.</p>
        )}
      </Panel>
      <Panel title={`Alerts (${alerts ? (alerts.length === LIMIT ? `newest ${LIMIT}` : alerts.length) : '…'}, live)`} id="alerts">
        <Status loading={list.loading && !alerts} error={list.error} />
        {alerts && alerts.length === 0 && (
          <p class="muted">
            None yet. Send them with <code>sanctum audit … --upload URL</code> or run <code>sanctum webhook --upload URL</code>.
          </p>
        )}
        <table class="alerts">
          <thead>
            <tr>
              <th>Time (event)</th>
              <th>Severity</th>
              <th>Rule</th>
              <th>Alert</th>
              <th>Who</th>
              <th>Namespace</th>
              <th>Source</th>
            </tr>
          </thead>
          <tbody>
            {(alerts ?? []).map((a) => (
              <tr
                data-id={a.id}
                data-time={a.time}
                data-severity={a.severity}
                data-kind={a.kind}
                class={seen.current.fresh.has(a.id) ? 'new' : ''}
              >
                <td class="nowrap">{eventTime(a.time)}</td>
                <td>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td class="nowrap">{filterLink({ rule: a.ruleId }, a.ruleId)}</td>
                <td>
                  <a class="finding-link" href={`#/findings/${a.id}`}>
                    {a.message}
                  </a>
                  {a.resource && <div class="muted">{`${a.resource.kind} ${a.resource.name ?? ''}`}</div>}
                  {a.action && <span class={`tag action action-${a.action}`}>{a.action === 'deny' ? 'denied' : a.action}</span>}
                  {a.preExisting && (
                    <span class="tag" title="It would have denied, but the object had it before this update (allowExistingViolations)">
                      pre-existing
                    </span>
                  )}
                  {a.status === 'suppressed' && <span class="tag">suppressed</span>}
                </td>
                <td class="who">
                  {a.user ? filterLink({ user: a.user }, a.user) : ''}
                  {a.sourceIPs.length > 0 && <div class="muted">{a.sourceIPs.join(', ')}</div>}
                </td>
                <td>{a.namespace ? filterLink({ namespace: a.namespace }, a.namespace) : ''}</td>
                <td>
                  {filterLink({ kind: a.kind }, a.source ?? a.kind)}
                  <div class="muted">{a.target}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
