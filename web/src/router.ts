import { useEffect, useState } from 'preact/hooks';

export interface Route {
  page: string;
  id?: string;
  params: URLSearchParams;
}

/** Hash routes (`#/findings?severity=high`, `#/findings/12`): the server needs no knowledge of them. */
export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page = '', id] = path.split('/');
  return { page: page || 'overview', id, params: new URLSearchParams(query) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function href(page: string, params: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return `#/${page}${q.size ? `?${q}` : ''}`;
}
