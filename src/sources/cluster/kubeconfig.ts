import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describeSystemError, isSystemError, shownPath } from '../../core/system-error.js';
import { KubeConfig } from './kube-client.js';

/** Where `sanctum cluster` connects, and with which identity. */
export interface ClusterConnection {
  kc: KubeConfig;
  /** The kubeconfig context used (`in-cluster` for a pod's service account). */
  context: string;
  /** The API server URL. */
  server: string;
  /** What is unsafe in how it connects (plain `http://`, `insecure-skip-tls-verify`), to tell the user. */
  warnings: string[];
}

export interface ConnectionOptions {
  /** A kubeconfig file (`--kubeconfig`); else `KUBECONFIG`, `~/.kube/config`, then the pod's service account. */
  kubeconfig?: string;
  /** A context of the kubeconfig (`--context`); else its current context. */
  context?: string;
  env?: NodeJS.ProcessEnv;
  /** A directory the pod's service account path (`/var/run/secrets/kubernetes.io/serviceaccount`) is under (tests). */
  serviceAccountRoot?: string;
  /** Directory that messages name files relative to (default: the current directory). */
  cwd?: string;
}

/** The kubeconfig cannot be used: a clear message, the scan does not start. */
export class ClusterConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterConfigError';
  }
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Loads the kubeconfig the way kubectl finds it, or the in-cluster service account, and selects the context. */
export function connect(opts: ConnectionOptions = {}): ClusterConnection {
  const env = opts.env ?? process.env;
  const kc = new KubeConfig();
  const saRoot = opts.serviceAccountRoot ?? '';
  const home = env.HOME ?? homedir();
  const defaultFile = join(home, '.kube', 'config');
  let inCluster = false;
  const shown = (path: string) => shownPath(path, opts.cwd ?? process.cwd());
  // The file being read, for a message that names it.
  let reading: string | undefined;
  try {
    if (opts.kubeconfig !== undefined) {
      if (!existsSync(opts.kubeconfig)) throw new ClusterConfigError(`kubeconfig ${shown(opts.kubeconfig)} does not exist`);
      kc.loadFromFile((reading = opts.kubeconfig));
    } else if (env.KUBECONFIG) {
      const files = env.KUBECONFIG.split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
      const present = files.filter((f) => existsSync(f));
      if (present.length === 0) throw new ClusterConfigError(`none of the KUBECONFIG files exists (${files.join(', ')})`);
      // Several files are merged as kubectl merges them: the first to set a name wins.
      const merged = new KubeConfig();
      for (const f of present) {
        const one = new KubeConfig();
        one.loadFromFile((reading = f));
        mergeInto(merged, one);
      }
      kc.loadFromOptions({
        clusters: merged.clusters,
        users: merged.users,
        contexts: merged.contexts,
        currentContext: merged.currentContext,
      });
    } else if (existsSync(defaultFile)) {
      kc.loadFromFile((reading = defaultFile));
    } else if (env.KUBERNETES_SERVICE_HOST && existsSync(`${saRoot}${SERVICE_ACCOUNT_DIR}/token`)) {
      // The client reads KUBERNETES_SERVICE_HOST/PORT and the token, CA and namespace files itself.
      kc.loadFromCluster(saRoot);
      inCluster = true;
    } else {
      throw new ClusterConfigError(
        'no kubeconfig found: give --kubeconfig FILE, set KUBECONFIG, create ~/.kube/config, or run in a pod with a service account',
      );
    }
  } catch (e) {
    if (e instanceof ClusterConfigError) throw e;
    if (isSystemError(e)) {
      if (e.path !== undefined && e.path !== reading)
        throw new ClusterConfigError(`cannot read ${shown(e.path)}, named in the kubeconfig: ${describeSystemError(e)}`);
      if (reading !== undefined) throw new ClusterConfigError(`cannot read the kubeconfig ${shown(reading)}: ${describeSystemError(e)}`);
    }
    throw new ClusterConfigError(`cannot read the kubeconfig: ${(e as Error).message.split('\n')[0]}`);
  }
  if (opts.context !== undefined) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new ClusterConfigError(`no context '${opts.context}' in the kubeconfig (contexts: ${known.join(', ') || 'none'})`);
    }
    kc.setCurrentContext(opts.context);
  }
  const context = kc.getCurrentContext();
  if (!context || !kc.getContextObject(context)) throw new ClusterConfigError('the kubeconfig has no current context: give --context NAME');
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new ClusterConfigError(`context '${context}' names no cluster with a server address`);
  const warnings: string[] = [];
  if (URL.canParse(cluster.server) && new URL(cluster.server).protocol === 'http:')
    warnings.push(
      `context '${context}' connects to ${cluster.server} over plain http: credentials and objects travel unencrypted, so anyone on the way can read them, pose as the API server and change what the scan reads (use the server's https:// address)`,
    );
  else if (cluster.skipTLSVerify)
    warnings.push(
      `context '${context}' sets insecure-skip-tls-verify: the API server's certificate is not verified, so anyone on the way to ${cluster.server} can pose as it, take the credentials sent and change what the scan reads (give the cluster's CA in certificate-authority-data instead)`,
    );
  return { kc, context: inCluster ? 'in-cluster' : context, server: cluster.server, warnings };
}

function mergeInto(into: KubeConfig, from: KubeConfig): void {
  const add = <T extends { name: string }>(list: T[], more: readonly T[]): T[] => [
    ...list,
    ...more.filter((m) => !list.some((x) => x.name === m.name)),
  ];
  into.clusters = add(into.clusters, from.clusters);
  into.users = add(into.users, from.users);
  into.contexts = add(into.contexts, from.contexts);
  if (!into.currentContext) into.currentContext = from.currentContext;
}
