import { KubeApi, KubeApiError } from './api.js';
import type { ClusterConnection } from './kubeconfig.js';

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
