import { join } from 'node:path';
import { allFrameworks } from '../../frameworks/index.js';
import { packageRoot } from '../../package-root.js';
import { getRegistry } from '../../scan.js';
import { Store } from '../../store/store.js';
import { createDashboardServer, isLoopback } from './server.js';

export interface ServeOptions {
  db: string;
  host: string;
  port: number;
  noAuth?: boolean;
  bodyLimit?: number;
  /** Default: the dashboard built next to this module (dist/web). */
  webRoot?: string;
  logger?: boolean;
}

export interface RunningServer {
  url: string;
  store: Store;
  close(): Promise<void>;
}

/** Where the build puts the dashboard: dist/web of the package, whether this module runs from dist/server/dashboard or from a chunk of dist/bundle. */
export const BUILT_WEB_ROOT = join(packageRoot().dir, 'dist', 'web');

/** Opens (and migrates) the store, then serves the API and the dashboard until `close`. */
export async function startDashboard(opts: ServeOptions): Promise<RunningServer> {
  if (opts.noAuth && !isLoopback(opts.host))
    throw new Error(`--no-auth is only allowed on a loopback address (127.0.0.1, ::1, localhost), not on '${opts.host}'`);
  const store = await Store.open(opts.db);
  const app = await createDashboardServer({
    store,
    noAuth: opts.noAuth,
    bodyLimit: opts.bodyLimit,
    webRoot: opts.webRoot ?? BUILT_WEB_ROOT,
    frameworks: allFrameworks,
    lookupRule: (id) => getRegistry().get(id),
    logger: opts.logger,
  });
  try {
    await app.listen({ host: opts.host, port: opts.port });
  } catch (e) {
    await app.close();
    await store.close();
    throw e;
  }
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    store,
    async close() {
      await app.close();
      await store.close();
    },
  };
}
