import { KubeApi, KubeApiError } from './api.js';
import { listPath, typeName, type ResourceType } from './kinds.js';
import type { ClusterConnection } from './kubeconfig.js';
import { listPages } from './list.js';

export interface ApplyOutcome {
  applied: string[];
  errors: string[];
}

/**
 * Writes objects to the cluster by server-side apply (field manager `sanctum`, forced: the scanner
 * owns its reports), so that a repeated scan replaces its reports instead of failing on them.
 */
export async function applyObjects(
  conn: ClusterConnection,
  objects: ReadonlyArray<Record<string, unknown>>,
  resource: (kind: string) => string,
): Promise<ApplyOutcome> {
  const api = new KubeApi(conn.kc);
  const out: ApplyOutcome = { applied: [], errors: [] };
  for (const obj of objects) {
    const md = obj.metadata as { name: string; namespace?: string };
    const apiVersion = String(obj.apiVersion);
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const path = `${base}${md.namespace ? `/namespaces/${encodeURIComponent(md.namespace)}` : ''}/${resource(String(obj.kind))}/${encodeURIComponent(md.name)}`;
    const name = `${String(obj.kind)} ${md.namespace ? `${md.namespace}/` : ''}${md.name}`;
    try {
      await api.send('PATCH', path, obj, 'application/apply-patch+yaml', { fieldManager: 'sanctum', force: 'true' });
      out.applied.push(name);
    } catch (e) {
      if (!(e instanceof KubeApiError)) throw e;
      if (e.status === 404) {
        out.errors.push(
          `cannot write ${name}: the API server does not serve ${apiVersion} ${String(obj.kind)} (install the wg-policy PolicyReport CRDs)`,
        );
        // The other reports would fail the same way.
        break;
      }
      if (e.status === 403) out.errors.push(`no permission to write ${name} (${e.message})`);
      else out.errors.push(`cannot write ${name}: ${e.message}`);
    }
  }
  return out;
}

/** A kind of report a scan writes, and what selects the ones it wrote. */
export interface ReportKind {
  type: ResourceType;
  /** Label selector of the scanner's own reports (`app.kubernetes.io/managed-by=sanctum`). */
  labelSelector: string;
}

export interface PruneOutcome {
  deleted: string[];
  errors: string[];
}

/**
 * Deletes the reports an earlier scan wrote that this one did not write again (a namespace whose
 * findings are all gone, a report split in two that fits in one now): those of `kinds` its label
 * selector finds, in `namespaces` (every namespace when none is given) for a namespaced kind.
 */
export async function pruneStale(
  conn: ClusterConnection,
  written: ReadonlyArray<Record<string, unknown>>,
  kinds: readonly ReportKind[],
  namespaces?: readonly string[],
): Promise<PruneOutcome> {
  const api = new KubeApi(conn.kc);
  const out: PruneOutcome = { deleted: [], errors: [] };
  const keep = new Set(written.map((o) => keyOf(String(o.kind), o.metadata as Record<string, unknown>)));
  for (const { type, labelSelector } of kinds) {
    const scopes: Array<string | undefined> = type.namespaced && namespaces?.length ? [...namespaces] : [undefined];
    // Listed in full before the first deletion, so that no page moves under the list.
    const stale: Array<{ namespace: string | undefined; name: string }> = [];
    try {
      for (const ns of scopes)
        for await (const page of listPages(api, type, ns, 500, { labelSelector }))
          for (const item of page) {
            const md = (item.metadata ?? {}) as Record<string, unknown>;
            if (typeof md.name !== 'string' || keep.has(keyOf(type.kind, md))) continue;
            stale.push({ namespace: type.namespaced && typeof md.namespace === 'string' ? md.namespace : undefined, name: md.name });
          }
    } catch (e) {
      if (!(e instanceof KubeApiError)) throw e;
      out.errors.push(`cannot list ${typeName(type)} to remove stale reports: ${e.message}`);
      continue;
    }
    for (const { namespace, name } of stale) {
      const what = `${type.kind} ${namespace ? `${namespace}/` : ''}${name}`;
      try {
        await api.delete(`${listPath(type, namespace)}/${encodeURIComponent(name)}`);
        out.deleted.push(what);
      } catch (e) {
        if (!(e instanceof KubeApiError)) throw e;
        // Deleted by someone else meanwhile: gone all the same.
        if (e.status === 404) continue;
        out.errors.push(
          e.status === 403 ? `no permission to delete the stale ${what} (${e.message})` : `cannot delete the stale ${what}: ${e.message}`,
        );
      }
    }
  }
  return out;
}

function keyOf(kind: string, md: Record<string, unknown>): string {
  return `${kind}\u0000${typeof md.namespace === 'string' ? md.namespace : ''}\u0000${String(md.name)}`;
}
