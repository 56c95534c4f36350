import type { FindingWithRule } from '../api.js';
import { Panel, SeverityBadge, Status, when, type PageProps } from '../common.js';
import { useApi } from '../hooks.js';
import { href } from '../router.js';

interface Fix {
  description?: string;
  edits?: Array<{ path: string; replacement: string; range: { startLine: number } }>;
}

/** One finding: what and where, why it matters, the evidence (redacted by the scanner), the fix, suppression and history. */
export function Finding({ id, onUnauthorized }: PageProps & { id: string }) {
  const f = useApi<FindingWithRule>(`findings/${encodeURIComponent(id)}`, {}, onUnauthorized);
  const d = f.data;
  if (!d) return <Status {...f} />;
  const fix = d.fix as Fix | null;
  const suppression = d.suppression as { kind: string; reason?: string; expires?: string } | null;
  const state = d.fixedAt ? `fixed on ${when(d.fixedAt)}` : d.status === 'suppressed' ? 'suppressed' : 'open';
  return (
    <div id="finding">
      <Panel title={d.title}>
        <div class="finding-head">
          <SeverityBadge severity={d.severity} /> <a href={href('findings', { rule: d.ruleId })}>{d.ruleId}</a>{' '}
          <span class="tag">{state}</span>
        </div>
        <p class="message">{d.message}</p>
        <dl>
          <dt>Where</dt>
          <dd class="path">
            {d.path}
            {d.startLine ? `:${d.startLine}${d.location.startColumn ? `:${d.location.startColumn}` : ''}` : ''}
            {d.location.objectPath && <div class="muted">{d.location.objectPath}</div>}
          </dd>
          {d.resource && (
            <>
              <dt>Resource</dt>
              <dd>{`${d.resource.kind} ${d.resource.namespace ? d.resource.namespace + '/' : ''}${d.resource.name ?? ''}`}</dd>
            </>
          )}
          <dt>Target</dt>
          <dd>{d.target}</dd>
          {d.evidence && (
            <>
              <dt>Evidence</dt>
              <dd>
                <code id="evidence">{d.evidence}</code>
              </dd>
            </>
          )}
          {d.frameworks.length > 0 && (
            <>
              <dt>Frameworks</dt>
              <dd>
                {d.frameworks.map((x) => (
                  <a class="tag" href={href('findings', { framework: `${x.id}:${x.control}` })}>
                    {x.id}:{x.control}
                    {x.level ? `@${x.level}` : ''}
                  </a>
                ))}
              </dd>
            </>
          )}
          <dt>Seen</dt>
          <dd>
            first {when(d.firstSeenAt)}, last {when(d.lastSeenAt)}
          </dd>
          <dt>Suppression</dt>
          <dd id="suppression">
            {suppression
              ? `${suppression.kind}${suppression.reason ? `: ${suppression.reason}` : ''}${suppression.expires ? ` (expires ${suppression.expires})` : ''}`
              : 'not suppressed'}
          </dd>
          <dt>Fingerprint</dt>
          <dd class="muted">{d.fingerprint}</dd>
        </dl>
      </Panel>
      {d.rule && (
        <Panel title="Why it matters" id="explanation">
          <p>{d.rule.rationale}</p>
          {d.rule.references.length > 0 && (
            <ul>
              {d.rule.references.map((r) => (
                <li>
                  <a href={r}>{r}</a>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      )}
      <Panel title="Fix" id="fix">
        {fix?.description && <p>{fix.description}</p>}
        {d.rule && <p class="remediation">{d.rule.remediation}</p>}
        {fix?.edits?.length ? <pre>{fix.edits.map((e) => `${e.path}:${e.range.startLine}\n${e.replacement}`).join('\n\n')}</pre> : null}
        {!fix && !d.rule && <p class="muted">No fix is known for this rule.</p>}
      </Panel>
      <Panel title="History" id="history">
        <table>
          <tbody>
            {d.history.map((h) => (
              <tr>
                <td>run #{h.runId}</td>
                <td>{when(h.at)}</td>
                <td>{h.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </div>
  );
}
