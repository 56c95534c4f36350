import type { ExposurePath, InventoryItem } from '../api.js';
import { Panel, SeverityBadge, Status, type PageProps } from '../common.js';
import { useApi } from '../hooks.js';
import { href } from '../router.js';

const KINDS: Array<{ kind: string; title: string }> = [
  { kind: 'model', title: 'Model files' },
  { kind: 'remote-model', title: 'Models downloaded from hubs' },
  { kind: 'dataset', title: 'Datasets' },
  { kind: 'package', title: 'Packages' },
];

function ExposureRow({ path }: { path: ExposurePath }) {
  return (
    <div class="exposure" data-service={path.service}>
      <div>
        <b>{path.service}</b> <span class="muted">{[path.kind, path.namespace, path.target].filter(Boolean).join(' · ')}</span>
      </div>
      <ol class="hops">
        {path.hops.map((h) => (
          <li class={`hop hop-${h.role}`}>
            <span class="role">{h.role}</span> {h.label}
            {h.findings.map((f) => (
              <a class="hop-finding" href={href('findings', {}).replace('findings', `findings/${f.id}`)} title={f.message}>
                <SeverityBadge severity={f.severity} /> {f.ruleId}
              </a>
            ))}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The AI inventory of each target's newest run: AI services with their exposure paths, models, datasets, packages. */
export function Inventory({ target, onUnauthorized }: PageProps) {
  const inv = useApi<{ items: InventoryItem[]; exposure: ExposurePath[] }>('inventory', { target }, onUnauthorized);
  const items = inv.data?.items ?? [];
  return (
    <div>
      <Status {...inv} />
      <Panel title="AI services and their exposure paths" id="exposure">
        {inv.data && inv.data.exposure.length === 0 && <p class="muted">No AI service in the newest runs.</p>}
        {(inv.data?.exposure ?? []).map((p) => (
          <ExposureRow path={p} />
        ))}
      </Panel>
      {KINDS.map(({ kind, title }) => {
        const list = items.filter((i) => i.kind === kind);
        if (list.length === 0) return null;
        return (
          <Panel title={`${title} (${list.length})`} id={`inventory-${kind}`}>
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Version</th>
                  <th>Where</th>
                  <th>Target</th>
                </tr>
              </thead>
              <tbody>
                {list.slice(0, 500).map((i) => (
                  <tr>
                    <td>{i.name}</td>
                    <td>{i.version ?? describe(i)}</td>
                    <td class="path">{i.path}</td>
                    <td>{i.target}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Panel>
        );
      })}
    </div>
  );
}

function describe(i: InventoryItem): string {
  const d = (i.detail ?? {}) as Record<string, unknown>;
  if (typeof d.format === 'string') return d.format;
  if (typeof d.source === 'string') return d.source;
  return '';
}
