import type { FrameworkCompliance } from '../api.js';
import { ChartView } from '../chart.js';
import { Panel, Status, type PageProps } from '../common.js';
import { useApi } from '../hooks.js';
import { href } from '../router.js';

/** Compliance by framework: each catalogue with its failing controls and the findings behind them. */
export function Compliance({ target, onUnauthorized }: PageProps) {
  const c = useApi<{ frameworks: FrameworkCompliance[] }>('compliance', { target }, onUnauthorized);
  const list = c.data?.frameworks ?? [];
  return (
    <div>
      <Status {...c} />
      {list.length > 0 && (
        <Panel title="Controls passing and failing" id="compliance-chart">
          <ChartView
            label="Controls passing and failing per framework"
            height={200}
            config={{
              type: 'bar',
              data: {
                labels: list.map((f) => f.title),
                datasets: [
                  { label: 'failing', data: list.map((f) => f.failingControls), backgroundColor: '#e4572e' },
                  { label: 'no open finding', data: list.map((f) => f.passingControls), backgroundColor: '#2f9e44' },
                ],
              },
              options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } } },
            }}
          />
        </Panel>
      )}
      {list.map((f) => (
        <Panel title={f.title} id={`framework-${f.id}`}>
          <p class="muted">
            {f.failingControls} of {f.controls.length} controls with open findings
            {f.levels.length > 0 && ` · levels: ${f.levels.join(', ')}`} · <a href={f.url}>{f.url}</a>
          </p>
          <table>
            <thead>
              <tr>
                <th>Control</th>
                <th>Title</th>
                <th>Levels</th>
                <th>Open findings</th>
              </tr>
            </thead>
            <tbody>
              {f.controls
                .filter((x) => x.failing > 0)
                .map((x) => (
                  <tr class="failing">
                    <td>
                      <span class="tag">{x.id}</span>
                    </td>
                    <td>{x.title}</td>
                    <td>{x.levels.join(', ')}</td>
                    <td>
                      <a href={href('findings', { framework: `${f.id}:${x.id}`, target })}>{x.failing}</a>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </Panel>
      ))}
    </div>
  );
}
