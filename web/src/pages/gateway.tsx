import type { GatewayRequest, GatewayUsage } from '../api.js';
import { ChartView } from '../chart.js';
import { Panel, RangeSelect, rangeStart, Status, useTextFilters, type PageProps } from '../common.js';
import { useApi } from '../hooks.js';
import { href } from '../router.js';
import { eventTime } from './alerts.js';

/** How often the requests list asks for new ones. */
const REQUESTS_REFRESH_MS = 5000;
const LIMIT = 200;
const RANGES = {
  '24h': { ms: 86_400_000, by: 'hour' },
  '7d': { ms: 7 * 86_400_000, by: 'day' },
  '30d': { ms: 30 * 86_400_000, by: 'day' },
} as const;
type Range = keyof typeof RANGES;
const PALETTE = ['#3a86ff', '#e4572e', '#2a9d8f', '#f0a202', '#8338ec', '#b3122e', '#6c757d', '#06d6a0', '#ff006e', '#495057'];

/** Tokens per period and per key (or model), oldest period first: the periods with requests, zero where a line had none. */
export function tokensOverTime(
  usage: readonly GatewayUsage[],
  series: 'key' | 'model',
): { periods: string[]; lines: Array<{ name: string; tokens: number[] }> } {
  const periods = [...new Set(usage.map((u) => u.period ?? ''))].sort();
  const at = new Map(periods.map((p, i) => [p, i]));
  const lines = new Map<string, number[]>();
  for (const u of usage) {
    const name = (series === 'key' ? u.key : u.model) ?? '(none)';
    const line =
      lines.get(name) ??
      lines
        .set(
          name,
          periods.map(() => 0),
        )
        .get(name)!;
    line[at.get(u.period ?? '')!] += u.promptTokens + u.completionTokens;
  }
  return { periods, lines: [...lines].map(([name, tokens]) => ({ name, tokens })) };
}

/** Sums of the usage rows of each key and model (the rows come per gateway too). */
function totals(usage: readonly GatewayUsage[]): GatewayUsage[] {
  const by = new Map<string, GatewayUsage & { latencySum: number }>();
  for (const u of usage) {
    const k = `${u.key ?? ''}\u0000${u.model ?? ''}`;
    const t = by.get(k);
    if (!t) by.set(k, { ...u, latencySum: u.meanLatencyMs * u.requests });
    else {
      t.requests += u.requests;
      t.failed += u.failed;
      t.promptTokens += u.promptTokens;
      t.completionTokens += u.completionTokens;
      t.guarded += u.guarded;
      t.latencySum += u.meanLatencyMs * u.requests;
      t.gateway = t.gateway === u.gateway ? t.gateway : 'several';
    }
  }
  return [...by.values()]
    .map(({ latencySum, ...t }) => ({ ...t, meanLatencyMs: t.requests ? Math.round((latencySum / t.requests) * 10) / 10 : 0 }))
    .sort((a, b) => b.promptTokens + b.completionTokens - (a.promptTokens + a.completionTokens));
}

type Current = Record<string, string | undefined>;

function GatewayFilters({ current, go }: { current: Current; go(change: Current): void }) {
  const { field, typed } = useTextFilters(current, ['key', 'model', 'gateway']);
  const flag = (name: 'failed' | 'guarded', label: string) => (
    <label>
      <input
        type="checkbox"
        name={name}
        checked={current[name] === '1'}
        onChange={(e) => go({ [name]: (e.target as HTMLInputElement).checked ? '1' : undefined })}
      />{' '}
      {label}
    </label>
  );
  const any = ['key', 'model', 'gateway', 'failed', 'guarded'].some((k) => current[k]);
  return (
    <form
      class="filters"
      onSubmit={(e) => {
        e.preventDefault();
        go(typed());
      }}
    >
      <RangeSelect label="Range" value={current.range} go={go} />
      {field('key', 'key name')}
      {field('model', 'model')}
      {field('gateway', 'gateway')}
      {flag('failed', 'refused or failed')}
      {flag('guarded', 'guardrail decided')}
      <button type="submit">Filter</button>
      {any && <a href={href('gateway', { range: current.range })}>clear</a>}
    </form>
  );
}

function tokensOf(r: GatewayRequest): string {
  if (!r.tokens) return '';
  return `${r.tokens.prompt} + ${r.tokens.completion}${r.tokens.estimated ? ' (est.)' : ''}`;
}

/**
 * The LLM gateway's requests as `sanctum gateway` records them (a key's name, never the key; no
 * prompt or answer is stored): usage per key or model over time, totals per key and model, and the
 * newest requests with their guardrail decisions. Filters live in the URL.
 */
export function Gateway({ params, onUnauthorized }: PageProps) {
  const range: Range = Object.hasOwn(RANGES, params.get('range') ?? '') ? (params.get('range') as Range) : '24h';
  const series = params.get('series') === 'model' ? 'model' : 'key';
  const current: Current = {
    range,
    series,
    key: params.get('key') ?? '',
    model: params.get('model') ?? '',
    gateway: params.get('gateway') ?? '',
    failed: params.get('failed') ?? '',
    guarded: params.get('guarded') ?? '',
  };
  const since = rangeStart(RANGES[range].ms);
  const scope = { key: current.key, model: current.model, gateway: current.gateway, since };
  const overTime = useApi<{ usage: GatewayUsage[] }>('gateway/usage', { ...scope, by: RANGES[range].by }, onUnauthorized);
  const summed = useApi<{ usage: GatewayUsage[] }>('gateway/usage', scope, onUnauthorized);
  const list = useApi<{ requests: GatewayRequest[] }>(
    'gateway/requests',
    {
      key: current.key,
      model: current.model,
      gateway: current.gateway,
      failed: current.failed === '1' ? 'true' : undefined,
      guarded: current.guarded === '1' ? 'true' : undefined,
      limit: LIMIT,
    },
    onUnauthorized,
    REQUESTS_REFRESH_MS,
  );
  const go = (change: Current) => {
    location.hash = href('gateway', { ...current, ...change });
  };
  const link = (change: Current, text: string) => <a href={href('gateway', { ...current, ...change })}>{text}</a>;
  const chart = overTime.data ? tokensOverTime(overTime.data.usage, series) : undefined;
  const requests = list.data?.requests;
  return (
    <div>
      <Panel title="Filters" id="gateway-filters">
        <GatewayFilters key={JSON.stringify(current)} current={current} go={go} />
      </Panel>
      <Panel title={`Tokens per ${RANGES[range].by} by ${series}`} id="gateway-usage-chart">
        <p class="muted">
          Lines by {series === 'key' ? link({ series: 'model' }, 'model instead') : link({ series: 'key' }, 'key instead')}
        </p>
        <Status loading={overTime.loading && !overTime.data} error={overTime.error} />
        {chart && chart.periods.length > 0 ? (
          <ChartView
            label={`Prompt and completion tokens per ${RANGES[range].by} by ${series}`}
            height={220}
            config={{
              type: 'line',
              data: {
                labels: chart.periods.map((p) => (p.length > 10 ? p.replace('T', ' ') + ':00' : p)),
                datasets: chart.lines.map((l, i) => ({
                  label: l.name,
                  data: l.tokens,
                  borderColor: PALETTE[i % PALETTE.length],
                  backgroundColor: PALETTE[i % PALETTE.length],
                })),
              },
              options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
            }}
          />
        ) : (
          overTime.data && <p class="muted">No requests in this range.</p>
        )}
      </Panel>
      <Panel title="Usage per key and model" id="gateway-usage">
        <Status loading={summed.loading && !summed.data} error={summed.error} />
        <table class="gateway-usage">
          <thead>
            <tr>
              <th>Key</th>
              <th>Model</th>
              <th>Requests</th>
              <th>Refused or failed</th>
              <th>Prompt tokens</th>
              <th>Completion tokens</th>
              <th>Guardrail decisions</th>
              <th>Mean latency</th>
            </tr>
          </thead>
          <tbody>
            {totals(summed.data?.usage ?? []).map((u) => (
              <tr data-key={u.key ?? ''} data-model={u.model ?? ''}>
                <td>{u.key ? link({ key: u.key }, u.key) : <span class="muted">none</span>}</td>
                <td>{u.model ? link({ model: u.model }, u.model) : ''}</td>
                <td class="num">{u.requests}</td>
                <td class="num">{u.failed}</td>
                <td class="num">{u.promptTokens}</td>
                <td class="num">{u.completionTokens}</td>
                <td class="num">{u.guarded}</td>
                <td class="num">{u.meanLatencyMs} ms</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
      <Panel
        title={`Requests (${requests ? (requests.length === LIMIT ? `newest ${LIMIT}` : requests.length) : '…'}, live)`}
        id="gateway-requests"
      >
        <Status loading={list.loading && !requests} error={list.error} />
        {requests && requests.length === 0 && (
          <p class="muted">
            None. Point <code>audit.store</code> of <code>sanctum gateway</code> at this server to record its requests here.
          </p>
        )}
        <table class="gateway-requests">
          <thead>
            <tr>
              <th>Time</th>
              <th>Key</th>
              <th>Model</th>
              <th>Endpoint</th>
              <th>Status</th>
              <th>Tokens (prompt + completion)</th>
              <th>Latency (upstream)</th>
              <th>Guardrails</th>
            </tr>
          </thead>
          <tbody>
            {(requests ?? []).map((r) => (
              <tr data-id={r.id} data-key={r.key ?? ''} data-model={r.model ?? ''} data-status={r.status}>
                <td class="nowrap">
                  {eventTime(r.time)}
                  <div class="muted">{r.gateway}</div>
                </td>
                <td>
                  {r.key ? link({ key: r.key }, r.key) : <span class="muted">{r.auth ?? 'none'}</span>}
                  {r.team && <div class="muted">{r.team}</div>}
                </td>
                <td>{r.model ? link({ model: r.model }, r.model) : ''}</td>
                <td>
                  {r.endpoint}
                  {r.stream && <span class="tag">stream</span>}
                </td>
                <td class={r.status >= 400 ? 'status-failed' : ''}>
                  {r.status}
                  {r.error && <div class="muted">{r.error}</div>}
                </td>
                <td class="num">{tokensOf(r)}</td>
                <td class="num nowrap">
                  {r.latencyMs} ms{r.upstreamMs !== undefined ? ` (${r.upstreamMs} ms)` : ''}
                </td>
                <td class="guardrails">
                  {(r.guardrails ?? []).map((g) => (
                    <span class={`tag action action-${g.action}`} title={`${g.where}: ${g.detail}`}>
                      {g.guardrail}: {g.action}
                      {g.ruleId ? ` ${g.ruleId}` : ''}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
