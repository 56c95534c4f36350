import { KubeApiError, type KubeApi } from './api.js';
import { listPath, type ResourceType } from './kinds.js';

export type RawObject = Record<string, unknown>;

/** Selectors the API server filters a list by (`app.kubernetes.io/managed-by=sanctum`, `metadata.name=llm`). */
export interface ListSelectors {
  labelSelector?: string;
  fieldSelector?: string;
}

/** How often an expired list is started again before the resource is reported as not listed. */
const MAX_RELISTS = 3;

/**
 * Asks for the first page of a list before its turn (while the list before it is read), for
 * `listPages` to go on from. Its failure is met when the list is read.
 */
export function requestFirstPage(
  api: KubeApi,
  type: ResourceType,
  namespace: string | undefined,
  limit: number,
  selectors: ListSelectors = {},
): Promise<unknown> {
  const first = api.get(listPath(type, namespace), { limit, continue: undefined, ...selectors });
  first.catch(() => undefined);
  return first;
}

/**
 * Lists one resource page by page (`limit`/`continue`), yielding each page's items as it arrives.
 * When a continue token expires (410 Gone) the list goes on from the token the server offers with
 * the error, else starts again, skipping the objects already yielded (by uid). `first` is its first
 * page asked for already (`requestFirstPage`).
 */
export async function* listPages(
  api: KubeApi,
  type: ResourceType,
  namespace: string | undefined,
  limit: number,
  selectors: ListSelectors = {},
  first?: Promise<unknown>,
): AsyncGenerator<RawObject[]> {
  const path = listPath(type, namespace);
  const query = (cont: string | undefined) => ({ limit, continue: cont, ...selectors });
  let token: string | undefined;
  // Uids yielded so far: a list started again after an expired token skips them.
  const seen = new Set<string>();
  let restarted = false;
  let relists = 0;
  // The next page is requested while the caller works on the current one.
  let pending: Promise<unknown> | undefined = first ?? api.get(path, query(undefined));
  while (pending) {
    let body: unknown;
    try {
      body = await pending;
    } catch (e) {
      if (!(e instanceof KubeApiError) || e.status !== 410 || token === undefined || relists >= MAX_RELISTS) throw e;
      relists++;
      if (e.continueToken) token = e.continueToken;
      else {
        token = undefined;
        restarted = true;
      }
      pending = api.get(path, query(token));
      continue;
    }
    const list = typeof body === 'object' && body !== null ? (body as RawObject) : {};
    const md = typeof list.metadata === 'object' && list.metadata !== null ? (list.metadata as RawObject) : {};
    token = typeof md.continue === 'string' && md.continue !== '' ? md.continue : undefined;
    pending = token === undefined ? undefined : api.get(path, query(token));
    // An error of the prefetched page is handled when it is awaited.
    pending?.catch(() => undefined);
    const items = (Array.isArray(list.items) ? list.items : []).filter((i): i is RawObject => typeof i === 'object' && i !== null);
    const fresh = restarted ? items.filter((i) => !seen.has(uidOf(i))) : items;
    for (const i of fresh) seen.add(uidOf(i));
    if (fresh.length) yield fresh;
  }
}

function uidOf(o: RawObject): string {
  const md = typeof o.metadata === 'object' && o.metadata !== null ? (o.metadata as RawObject) : {};
  return typeof md.uid === 'string' ? md.uid : `${String(md.namespace ?? '')}/${String(md.name ?? '')}`;
}
