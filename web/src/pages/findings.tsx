import { useState } from 'preact/hooks';
import type { FindingSummary, TargetSummary } from '../api.js';
import { Panel, SeverityBadge, SeverityFilter, Status, day, type PageProps } from '../common.js';
import { useApi } from '../hooks.js';
import { href } from '../router.js';

const PAGE = 50;

/** The findings table: filters live in the URL (shareable), most severe first, a page at a time. */
export function Findings({ target, params, onUnauthorized }: PageProps) {
  const severity = params.get('severity') ?? '';
  const state = params.get('state') ?? 'open';
  const rule = params.get('rule') ?? '';
  const framework = params.get('framework') ?? '';
  const q = params.get('q') ?? '';
  const offset = Number(params.get('offset') ?? 0) || 0;
  const [text, setText] = useState(q);
  const targets = useApi<{ targets: TargetSummary[] }>('targets', {}, onUnauthorized);
  const list = useApi<{ total: number; capped: boolean; items: FindingSummary[] }>(
    'findings',
    { target, severity, state, rule, framework, q, limit: PAGE, offset },
    onUnauthorized,
  );
  const current = { target, severity, state, rule, framework, q };
  const go = (change: Record<string, string | number | undefined>) => {
    location.hash = href('findings', { ...current, ...change, offset: change.offset ?? undefined });
  };
  const total = list.data?.total ?? 0;
  // Past the count cap the server says how many at least, and the pager goes on while pages are full.
  const shown = list.data?.capped ? `${total.toLocaleString('en')}+` : total.toLocaleString('en');
  const more = list.data?.capped ? (list.data.items.length ?? 0) === PAGE : offset + PAGE < total;
  return (
    <div>
      <Panel title="Filters" id="filters">
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            go({ q: text });
          }}
        >
          <label>
            Target{' '}
            <select name="target" value={target ?? ''} onChange={(e) => go({ target: (e.target as HTMLSelectElement).value || undefined })}>
              <option value="">all</option>
              {(targets.data?.targets ?? []).map((t) => (
                <option value={t.id}>{t.name}</option>
              ))}
            </select>
          </label>
          <SeverityFilter severity={severity} go={go} />
          <label>
            State{' '}
            <select name="state" value={state} onChange={(e) => go({ state: (e.target as HTMLSelectElement).value })}>
              {['open', 'suppressed', 'fixed', 'all'].map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
          <input
            name="q"
            type="search"
            placeholder="path, message or rule"
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Search</button>
          {(rule || framework) && (
            <span class="tag">
              {rule && `rule ${rule}`} {framework && `framework ${framework}`}{' '}
              <a href={href('findings', { ...current, rule: undefined, framework: undefined })}>×</a>
            </span>
          )}
        </form>
      </Panel>
      <Panel title={`Findings (${shown})`} id="findings">
        <Status {...list} />
        <table class="findings">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Rule</th>
              <th>Finding</th>
              <th>Where</th>
              <th>Target</th>
              <th>First seen</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((f) => (
              <tr data-id={f.id} data-severity={f.severity}>
                <td>
                  <SeverityBadge severity={f.severity} />
                </td>
                <td>
                  <a href={href('findings', { ...current, rule: f.ruleId })}>{f.ruleId}</a>
                </td>
                <td>
                  <a class="finding-link" href={`#/findings/${f.id}`}>
                    {f.message}
                  </a>
                </td>
                <td class="path">
                  {f.path}
                  {f.startLine ? `:${f.startLine}` : ''}
                  {f.resource && (
                    <div class="muted">{`${f.resource.kind} ${f.resource.namespace ? f.resource.namespace + '/' : ''}${f.resource.name ?? ''}`}</div>
                  )}
                </td>
                <td>{f.target}</td>
                <td>{day(f.firstSeenAt)}</td>
                <td>{f.fixedAt ? `fixed ${day(f.fixedAt)}` : f.status === 'suppressed' ? 'suppressed' : 'open'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="pager">
          {offset > 0 && <a href={href('findings', { ...current, offset: Math.max(0, offset - PAGE) })}>← previous</a>}
          <span class="muted">
            {total ? offset + 1 : 0}–{list.data?.capped ? offset + (list.data.items.length ?? 0) : Math.min(offset + PAGE, total)} of{' '}
            {shown}
          </span>
          {more && <a href={href('findings', { ...current, offset: offset + PAGE })}>next →</a>}
        </div>
      </Panel>
    </div>
  );
}
