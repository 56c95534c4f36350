import { useEffect, useState } from 'preact/hooks';
import { get, Unauthorized } from './api.js';

export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
}

/** Loads an API resource; reloads when `deps` change, and every `refreshMs` when given (runs and alerts as they arrive). */
export function useApi<T>(
  path: string,
  params: Record<string, string | number | undefined>,
  onUnauthorized: () => void,
  refreshMs?: number,
): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  const key = path + JSON.stringify(params);
  useEffect(() => {
    let live = true;
    const load = () =>
      get<T>(path, params).then(
        (data) => live && setState({ data, loading: false }),
        (e: Error) => {
          if (!live) return;
          if (e instanceof Unauthorized) onUnauthorized();
          setState({ error: e.message, loading: false });
        },
      );
    setState((s) => ({ ...s, loading: true }));
    void load();
    const timer = refreshMs ? setInterval(load, refreshMs) : undefined;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [key]);
  return state;
}
