import { KubeApiError, type KubeApi, type ResponseBody } from './api.js';
import { listPath, type ResourceType } from './kinds.js';

export type RawObject = Record<string, unknown>;

/** Selectors the API server filters a list by (`app.kubernetes.io/managed-by=sanctum`, `metadata.name=llm`). */
export interface ListSelectors {
  labelSelector?: string;
  fieldSelector?: string;
}

/**
 * How often a list is started again after an expired token before the resource is reported as not
 * listed, and how many expiries in a row it goes through (each 410 offering a token, none of them read).
 */
const MAX_RELISTS = 3;

/**
 * Secrets are asked for as kubectl asks for them to print them: a Table (`as=Table`) whose rows carry
 * each Secret's metadata (`includeObject=Metadata`) and its printed columns (name, type, number of
 * keys, age), so that the values never leave the API server. A server that cannot print a Table
 * answers with the plain list the `Accept` header falls back to, whose values `asManifest` drops.
 */
const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** Whether a resource is listed as a Table of metadata (see `TABLE_ACCEPT`). */
function listedAsTable(type: ResourceType): boolean {
  return type.group === '' && type.resource === 'secrets';
}

/** The GET of one page of a list. */
function getPage(
  api: KubeApi,
  type: ResourceType,
  path: string,
  query: Record<string, string | number | undefined>,
): Promise<ResponseBody> {
  return listedAsTable(type) ? api.getBody(path, { ...query, includeObject: 'Metadata' }, TABLE_ACCEPT) : api.getBody(path, query);
}

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
): Promise<ResponseBody> {
  const first = getPage(api, type, listPath(type, namespace), { limit, continue: undefined, ...selectors });
  first.catch(() => undefined);
  return first;
}

/**
 * Lists one resource page by page (`limit`/`continue`), yielding each page's items as it arrives
 * (the caller's array: it may let go of each item as it takes it).
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
  first?: Promise<ResponseBody>,
  /** Told of the items of a page that are not objects (left out). */
  onNotObjects?: (count: number) => void,
): AsyncGenerator<RawObject[]> {
  const path = listPath(type, namespace);
  const query = (cont: string | undefined) => ({ limit, continue: cont, ...selectors });
  let token: string | undefined;
  // Uids yielded so far: a list started again after an expired token skips them.
  const seen = new Set<string>();
  let restarted = false;
  let relists = 0;
  let expiredInARow = 0;
  // The next page is requested while the caller works on the current one.
  // The column of a Table the Secrets' types are in, as the first page names it (a server may name the columns once).
  const columns: TableColumns = {};
  let pending: Promise<ResponseBody> | undefined = first ?? getPage(api, type, path, query(undefined));
  while (pending) {
    let page: Page;
    try {
      page = pageOf(await pending, columns);
    } catch (e) {
      if (!(e instanceof KubeApiError) || e.status !== 410 || token === undefined || expiredInARow >= MAX_RELISTS) throw e;
      expiredInARow++;
      // A token offered with the 410 goes on from where the list was: a long list may expire again and again.
      if (e.continueToken) token = e.continueToken;
      else {
        // Started again from the first page: a list that never completes in time must end.
        if (relists >= MAX_RELISTS) throw e;
        relists++;
        token = undefined;
        restarted = true;
      }
      pending = getPage(api, type, path, query(token));
      continue;
    }
    expiredInARow = 0;
    token = page.token;
    if (page.notObjects > 0) onNotObjects?.(page.notObjects);
    pending = token === undefined ? undefined : getPage(api, type, path, query(token));
    // An error of the prefetched page is handled when it is awaited.
    pending?.catch(() => undefined);
    const fresh = restarted ? page.items.filter((i) => !seen.has(uidOf(i))) : page.items;
    for (const i of fresh) seen.add(uidOf(i));
    if (fresh.length) yield fresh;
  }
}

interface Page {
  items: RawObject[];
  /** Items that are not objects, left out. */
  notObjects: number;
  token: string | undefined;
}

/** Where a Table's rows hold the Secrets' types. */
interface TableColumns {
  type?: number;
}

/**
 * The items and continue token of a list's answer: nothing else of it is kept, so that the caller
 * alone decides how long an item lives. The rows of a Table become objects of their metadata and the
 * `type` the Table prints (a Secret's: what the rules read of it besides its metadata).
 */
function pageOf(body: ResponseBody, columns: TableColumns): Page {
  const list = record(body.json()) ?? {};
  const md = record(list.metadata) ?? {};
  let all: unknown[];
  if (list.kind === 'Table' && Array.isArray(list.rows)) {
    if (Array.isArray(list.columnDefinitions)) {
      const at = list.columnDefinitions.findIndex((c) => record(c)?.name === 'Type');
      columns.type = at === -1 ? undefined : at;
    }
    all = list.rows.map((r) => tableRowObject(record(r), columns));
  } else all = Array.isArray(list.items) ? list.items : [];
  const items = all.filter((i): i is RawObject => record(i) !== undefined);
  return {
    items,
    notObjects: all.length - items.length,
    token: typeof md.continue === 'string' && md.continue !== '' ? md.continue : undefined,
  };
}

/** A row of a Table as an object: its metadata, and its printed type; not an object when the row holds no metadata. */
function tableRowObject(row: RawObject | undefined, columns: TableColumns): RawObject | undefined {
  const metadata = record(record(row?.object)?.metadata);
  if (!row || !metadata) return undefined;
  const cells = Array.isArray(row.cells) ? row.cells : [];
  const type = columns.type === undefined ? undefined : cells[columns.type];
  return typeof type === 'string' ? { metadata, type } : { metadata };
}

function record(v: unknown): RawObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as RawObject) : undefined;
}

function uidOf(o: RawObject): string {
  const md = record(o.metadata) ?? {};
  return typeof md.uid === 'string' ? md.uid : `${String(md.namespace ?? '')}/${String(md.name ?? '')}`;
}
