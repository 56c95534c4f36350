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
  const first = api.getBody(listPath(type, namespace), { limit, continue: undefined, ...selectors });
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
  let pending: Promise<ResponseBody> | undefined = first ?? api.getBody(path, query(undefined));
  while (pending) {
    let page: Page;
    try {
      page = pageOf(await pending);
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
      pending = api.getBody(path, query(token));
      continue;
    }
    expiredInARow = 0;
    token = page.token;
    if (page.notObjects > 0) onNotObjects?.(page.notObjects);
    pending = token === undefined ? undefined : api.getBody(path, query(token));
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

/** The items and continue token of a list's answer: nothing else of it is kept, so that the caller alone decides how long an item lives. */
function pageOf(body: ResponseBody): Page {
  const list = record(body.json()) ?? {};
  const md = record(list.metadata) ?? {};
  const all: unknown[] = Array.isArray(list.items) ? list.items : [];
  const items = all.filter((i): i is RawObject => record(i) !== undefined);
  return {
    items,
    notObjects: all.length - items.length,
    token: typeof md.continue === 'string' && md.continue !== '' ? md.continue : undefined,
  };
}

function record(v: unknown): RawObject | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as RawObject) : undefined;
}

function uidOf(o: RawObject): string {
  const md = record(o.metadata) ?? {};
  return typeof md.uid === 'string' ? md.uid : `${String(md.namespace ?? '')}/${String(md.name ?? '')}`;
}
