import type { ExposureCut, ExposurePath, InventoryItem, InventoryItemWithFindings } from '../api.js';
import { Panel, SeverityBadge, Status, type PageProps } from '../common.js';
import { useApi } from '../hooks.js';
import { href } from '../router.js';

const KINDS: Array<{ kind: string; title: string }> = [
  { kind: 'model', title: 'Model files' },
  { kind: 'remote-model', title: 'Models downloaded from hubs' },
  { kind: 'dataset', title: 'Datasets' },
  { kind: 'package', title: 'Packages' },
];

type Finding = NonNullable<InventoryItemWithFindings['findings']>[number];

function FindingLinks({ findings }: { findings: readonly Finding[] }) {
  return (
    <>
      {findings.map((f) => (
        <a class="hop-finding" href={`#/findings/${f.id}`} title={f.message}>
          <SeverityBadge severity={f.severity} /> {f.ruleId}
        </a>
      ))}
    </>
  );
}

interface GpuDetail {
  role: 'node' | 'workload';
  resources?: Record<string, string>;
  product?: string;
  count?: number;
  memoryMiB?: number;
  sharing?: string;
  replicas?: number;
  migStrategy?: string;
  runtimeClass?: string;
  system?: string;
  containers?: Array<{ name: string; claims?: string[]; visibleDevices?: string }>;
}

/** What the device plugin hands out: `nvidia.com/gpu: 8, nvidia.com/mig-1g.10gb: 7`, or how a workload gets its GPUs otherwise. */
function gpuAmount(d: GpuDetail): string {
  const res = Object.entries(d.resources ?? {}).map(([k, v]) => `${k}: ${v}`);
  if (res.length) return res.join(', ');
  const claims = (d.containers ?? []).flatMap((c) => c.claims ?? []);
  if (claims.length) return `DRA claims: ${claims.join(', ')}`;
  const visible = (d.containers ?? []).find((c) => c.visibleDevices)?.visibleDevices;
  if (visible) return `NVIDIA_VISIBLE_DEVICES=${visible}`;
  return d.runtimeClass ? `runtime class ${d.runtimeClass}` : '';
}

function gpuSetup(d: GpuDetail): string {
  const parts: string[] = [];
  if (d.product) parts.push(d.product + (d.count ? ` ×${d.count}` : '') + (d.memoryMiB ? ` (${Math.round(d.memoryMiB / 1024)} GiB)` : ''));
  if (d.migStrategy) parts.push(`MIG ${d.migStrategy}`);
  if (d.sharing && d.sharing !== 'none') parts.push(`shared: ${d.sharing}${d.replicas && d.replicas > 1 ? ` ×${d.replicas}` : ''}`);
  else if (d.replicas && d.replicas > 1) parts.push(`${d.replicas} pods per GPU`);
  if (d.runtimeClass && Object.keys(d.resources ?? {}).length) parts.push(`runtime class ${d.runtimeClass}`);
  if (d.system) parts.push(d.system);
  return parts.join(' · ');
}

/** GPU nodes and the workloads that run on GPUs, each with the open findings on its object. */
function Gpus({ items }: { items: readonly InventoryItemWithFindings[] }) {
  const nodes = items.filter((i) => (i.detail as GpuDetail).role === 'node').length;
  return (
    <Panel
      title={`GPUs (${nodes} node${nodes === 1 ? '' : 's'}, ${items.length - nodes} workload${items.length - nodes === 1 ? '' : 's'})`}
      id="inventory-gpu"
    >
      <table class="gpus">
        <thead>
          <tr>
            <th>Object</th>
            <th>GPUs</th>
            <th>Set-up</th>
            <th>Findings</th>
            <th>Target</th>
          </tr>
        </thead>
        <tbody>
          {items.slice(0, 500).map((i) => {
            const d = i.detail as GpuDetail;
            return (
              <tr data-role={d.role} data-name={i.name}>
                <td>
                  <span class="muted">{i.resource?.kind ?? d.role}</span> {i.resource?.namespace ? `${i.resource.namespace}/` : ''}
                  {i.name}
                </td>
                <td>{gpuAmount(d)}</td>
                <td>{gpuSetup(d)}</td>
                <td class="findings-cell">
                  <FindingLinks findings={i.findings ?? []} />
                </td>
                <td>{i.target}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}

function ExposureRow({ path }: { path: ExposurePath }) {
  return (
    <div class="exposure" data-service={path.service} data-source={path.source}>
      <div>
        <b>{path.service}</b> <span class="muted">{[path.kind, path.namespace, path.target].filter(Boolean).join(' · ')}</span>
      </div>
      <ol class="hops">
        {path.hops.map((h) => (
          <li class={`hop hop-${h.role}`}>
            <span class="role">{h.role}</span> {h.label}
            {h.via && <span class="muted via"> ({h.via})</span>}
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
  const inv = useApi<{ items: InventoryItemWithFindings[]; exposure: ExposurePath[]; exposureCut?: ExposureCut }>(
    'inventory',
    { target },
    onUnauthorized,
  );
  const cut = inv.data?.exposureCut;
  const items = inv.data?.items ?? [];
  const gpus = items.filter((i) => i.kind === 'gpu');
  return (
    <div>
      <Status {...inv} />
      <Panel title="AI services and their exposure paths" id="exposure">
        {cut && (
          <p class="warning" id="exposure-cut">
            {`The exposure graphs of ${cut.targets.length === 1 ? 'one target' : `${cut.targets.length} targets`} were not walked: the newest runs hold more than ${cut.limit.toLocaleString('en')} exposure edges in all. Their AI services show the paths read from their findings instead${target === undefined ? '; choose one target to walk its graph' : ''}: `}
            {cut.targets.join(', ')}
          </p>
        )}
        {inv.data && inv.data.exposure.length === 0 && <p class="muted">No AI service in the newest runs.</p>}
        {(inv.data?.exposure ?? []).map((p) => (
          <ExposureRow path={p} />
        ))}
      </Panel>
      {gpus.length > 0 && <Gpus items={gpus} />}
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
