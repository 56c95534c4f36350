import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

/**
 * A Kubernetes API server for tests, on 127.0.0.1 over TLS, that answers as kube-apiserver 1.31 does
 * on the wire: discovery (`/api`, `/apis`, `/api/v1`, `/apis/GROUP/VERSION` as APIVersions,
 * APIGroupList and APIResourceList), lists with `limit`/`continue` (items without `apiVersion`/`kind`
 * for built-in kinds, as the server writes them), `410 Gone` with reason `Expired` for an expired
 * continue token, `403 Forbidden` and `401 Unauthorized` as `Status` objects, bearer tokens,
 * equality-based label and field selectors (`metadata.name`, `metadata.namespace`), server-side apply
 * (`PATCH application/apply-patch+yaml`) and `DELETE` of the objects it serves. A ConfigMap's or Secret's
 * `data` is kept by key name, a Secret's `stringData` written into it, as kube-apiserver stores them.
 */

export interface FakeResource {
  group: string;
  version: string;
  /** Plural, as in URLs. */
  name: string;
  kind: string;
  namespaced: boolean;
  /** Custom resources keep `apiVersion`/`kind` in list items. */
  custom?: boolean;
}

export interface FakeApiServerOptions {
  objects?: Array<Record<string, unknown>>;
  /** Extra resource types (CRDs) beyond the built-in ones. */
  resources?: FakeResource[];
  /** `resource.group` names (`secrets`, `roles.rbac.authorization.k8s.io`) whose list answers 403. */
  forbidden?: string[];
  /** API groups whose discovery answers 503 (an aggregated API that is down). */
  unavailableGroups?: string[];
  /** The first N requests with a continue token answer 410 Gone. */
  expireContinue?: number;
  /** With `expireContinue` or `expireEachPosition`: the 410 carries a token for the rest of the list, as the server offers when it can. */
  offerInconsistentContinue?: boolean;
  /** The first request for each position of a list past its first page answers 410 Gone (a long list whose tokens keep expiring). */
  expireEachPosition?: boolean;
  /**
   * Lists (by `resource.group` name, as `forbidden`) or discovery paths (`/apis`, `/apis/apps/v1`) the
   * server is too busy for or fails: `times` GETs are answered `status` before it answers again
   * (`Infinity`: never). A 429 is priority and fairness's (plain text, `Retry-After: 1`), a 5xx a
   * `Status`. `continued`: only requests for a list's later pages (with a continue token).
   */
  failing?: Record<string, { status: 429 | 500 | 502 | 503 | 504; times: number; continued?: boolean }>;
  token?: string;
  /**
   * `false`: the pages of a chunked list carry no `metadata.remainingItemCount`, as from servers older
   * than 1.15 or other implementations of the API. By default they carry it as kube-apiserver does:
   * on every page but the last, unless the list has a label or field selector.
   */
  remainingItemCount?: boolean;
  /**
   * `false`: lists asked for as a `Table` (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json`)
   * are answered with the plain list the header falls back to, as by a server that prints no Tables.
   */
  tables?: boolean;
  /** Lists (by `resource.group` name, as `forbidden`) whose GETs are never answered: the connection stays open, silent. */
  unanswered?: string[];
  /** A list (by `resource.group` name) from whose first GET on no request at all is answered: a server gone silent mid-scan. */
  silentFrom?: string;
  /**
   * Client certificates (mutual TLS): the server asks for one and takes a certificate its client CA signed as
   * the user's identity, as kube-apiserver's `--client-ca-file`; the bearer token is still accepted. A
   * client certificate and key signed by that CA are made at `start` (`clientCertPem`, `clientKeyPem`).
   */
  clientCertificates?: boolean;
}

/** What `FakeApiServer.kubeconfig` writes for its context `fake`. */
export interface FakeKubeconfigOptions {
  /** The user's credentials: the bearer token (default), or the client certificate and key inline (`client-certificate-data`). */
  credentials?: 'token' | 'certificate';
  /** The CA the kubeconfig trusts for the server (PEM); the server's own CA by default. */
  caPem?: string;
  /** `insecure-skip-tls-verify: true`, and no CA. */
  insecureSkipTlsVerify?: boolean;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The `Accept` header. */
  accept?: string;
  /** With `clientCertificates`: how the request was authenticated, if it was. */
  authenticatedBy?: 'token' | 'certificate';
}

export const BUILTIN_RESOURCES: FakeResource[] = [
  { group: '', version: 'v1', name: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', name: 'nodes', kind: 'Node', namespaced: false },
  { group: '', version: 'v1', name: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', name: 'podtemplates', kind: 'PodTemplate', namespaced: true },
  { group: '', version: 'v1', name: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true },
  { group: '', version: 'v1', name: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', name: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: '', version: 'v1', name: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', version: 'v1', name: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', version: 'v1', name: 'resourcequotas', kind: 'ResourceQuota', namespaced: true },
  { group: '', version: 'v1', name: 'limitranges', kind: 'LimitRange', namespaced: true },
  { group: '', version: 'v1', name: 'events', kind: 'Event', namespaced: true },
  { group: 'apps', version: 'v1', name: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', name: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { group: 'apps', version: 'v1', name: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'apps', version: 'v1', name: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: 'apps', version: 'v1', name: 'controllerrevisions', kind: 'ControllerRevision', namespaced: true },
  { group: 'batch', version: 'v1', name: 'jobs', kind: 'Job', namespaced: true },
  { group: 'batch', version: 'v1', name: 'cronjobs', kind: 'CronJob', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', name: 'ingresses', kind: 'Ingress', namespaced: true },
  { group: 'networking.k8s.io', version: 'v1', name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', name: 'roles', kind: 'Role', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', name: 'clusterroles', kind: 'ClusterRole', namespaced: false },
  { group: 'rbac.authorization.k8s.io', version: 'v1', name: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', name: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    name: 'validatingadmissionpolicies',
    kind: 'ValidatingAdmissionPolicy',
    namespaced: false,
  },
  {
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    name: 'validatingadmissionpolicybindings',
    kind: 'ValidatingAdmissionPolicyBinding',
    namespaced: false,
  },
];

/** Custom resources of AI operators, as their CRDs install them. */
export const AI_OPERATOR_RESOURCES: FakeResource[] = [
  { group: 'serving.kserve.io', version: 'v1beta1', name: 'inferenceservices', kind: 'InferenceService', namespaced: true, custom: true },
  { group: 'ray.io', version: 'v1', name: 'rayclusters', kind: 'RayCluster', namespaced: true, custom: true },
  { group: 'ray.io', version: 'v1', name: 'rayjobs', kind: 'RayJob', namespaced: true, custom: true },
  { group: 'kubeflow.org', version: 'v1', name: 'pytorchjobs', kind: 'PyTorchJob', namespaced: true, custom: true },
  { group: 'kubeflow.org', version: 'v1', name: 'notebooks', kind: 'Notebook', namespaced: true, custom: true },
  {
    group: 'machinelearning.seldon.io',
    version: 'v1',
    name: 'seldondeployments',
    kind: 'SeldonDeployment',
    namespaced: true,
    custom: true,
  },
  { group: 'argoproj.io', version: 'v1alpha1', name: 'workflows', kind: 'Workflow', namespaced: true, custom: true },
];

export const POLICY_REPORT_RESOURCES: FakeResource[] = [
  { group: 'wgpolicyk8s.io', version: 'v1alpha2', name: 'policyreports', kind: 'PolicyReport', namespaced: true, custom: true },
  {
    group: 'wgpolicyk8s.io',
    version: 'v1alpha2',
    name: 'clusterpolicyreports',
    kind: 'ClusterPolicyReport',
    namespaced: false,
    custom: true,
  },
];

/** An answer: a JSON body, or `plain` text with its own headers. */
interface Answer {
  code: number;
  body: unknown;
  plain?: { headers: Record<string, string>; text: string };
}

/** The `Status` reason and message of the 5xx answers kube-apiserver gives. */
const FAILURES: Record<500 | 502 | 503 | 504, [string, string]> = {
  500: ['InternalError', 'Internal error occurred: etcdserver: request timed out'],
  502: ['BadGateway', 'error trying to reach service: dial tcp 10.96.0.12:443: connect: connection refused'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'Timeout: request did not complete within the allotted timeout'],
};

const EXPIRED_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function status(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
  continueToken?: string,
): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: continueToken ? { continue: continueToken } : {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

/** A client CA, and a client certificate it signed for user `sanctum-scanner` in group `sanctum:scanners`, with its key. */
async function clientCertificates(): Promise<{ caCert: string; cert: string; key: string }> {
  const ca = await generate([{ name: 'commonName', value: 'sanctum-test-client-ca' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const client = await generate(
    [
      { name: 'commonName', value: 'sanctum-scanner' },
      { name: 'organizationName', value: 'sanctum:scanners' },
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        { name: 'extKeyUsage', clientAuth: true },
      ],
    },
  );
  return { caCert: ca.cert, cert: client.cert, key: client.private };
}

function groupOf(apiVersion: unknown): string {
  const v = String(apiVersion ?? '');
  return v.includes('/') ? v.slice(0, v.lastIndexOf('/')) : '';
}

export class FakeApiServer {
  readonly requests: FakeRequest[] = [];
  /** TLS connections accepted. */
  connections = 0;
  /** Requests that arrived on a connection `closeKeptAlive` closed (the connection was destroyed, the request not answered). */
  staleRequests = 0;
  /** Whether the server answers no more (see `silentFrom`). */
  private silent = false;
  private readonly open = new Set<TLSSocket>();
  private readonly closed = new WeakSet<TLSSocket>();
  resources: FakeResource[];
  private readonly objects: Array<Record<string, unknown>>;
  private server: https.Server | undefined;
  private tmp: string | undefined;
  private expireLeft: number;
  private readonly expiredPositions = new Set<string>();
  /** Answers given so far of each `failing` entry. */
  private readonly failed = new Map<string, number>();
  private resourceVersion = 1000;
  /**
   * The objects of each type (`group/kind`), in the order held, built on the first list after a
   * change: a list reads its own type, as the API server reads one prefix of its store, instead of
   * filtering every object for each page (the cluster bench's 50,000 objects in about 150 requests).
   */
  private byType: Map<string, Array<Record<string, unknown>>> | undefined;
  url = '';
  kubeconfigPath = '';
  caPem = '';
  /** With `clientCertificates`: a client certificate its client CA signed (user `sanctum-scanner`), and its key. */
  clientCertPem = '';
  clientKeyPem = '';
  readonly token: string;

  constructor(private readonly opts: FakeApiServerOptions = {}) {
    this.resources = [...BUILTIN_RESOURCES, ...(opts.resources ?? [])];
    this.objects = (opts.objects ?? []).map((o) => withServerFields(o, this.nextVersion()));
    this.expireLeft = opts.expireContinue ?? 0;
    this.token = opts.token ?? `fake-${randomUUID()}`;
  }

  /** Serves other objects (and extra resource types) from now on. */
  reset(objects: Array<Record<string, unknown>>, resources: FakeResource[] = []): void {
    this.byType = undefined;
    this.objects.length = 0;
    for (const o of objects) this.objects.push(withServerFields(o, this.nextVersion()));
    // The types given first: they decide each group's preferred version.
    const base = [...BUILTIN_RESOURCES, ...(this.opts.resources ?? [])].filter(
      (r) => !resources.some((x) => x.group === r.group && x.kind === r.kind),
    );
    this.resources = [...resources, ...base];
    this.requests.length = 0;
    this.expireLeft = this.opts.expireContinue ?? 0;
    this.failed.clear();
  }

  /** Objects the server holds now (including those written to it). */
  stored(kind?: string): Array<Record<string, unknown>> {
    return kind ? this.objects.filter((o) => o.kind === kind) : [...this.objects];
  }

  async start(): Promise<this> {
    const attrs = [{ name: 'commonName', value: 'sanctum-test-ca' }];
    const ca = await generate(attrs, {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    });
    const leaf = await generate([{ name: 'commonName', value: 'kube-apiserver' }], {
      keySize: 2048,
      algorithm: 'sha256',
      ca: { key: ca.private, cert: ca.cert },
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 7, ip: '127.0.0.1' },
            { type: 2, value: 'kubernetes.default.svc' },
          ],
        },
      ],
    });
    this.caPem = ca.cert;
    const mutual = this.opts.clientCertificates ? await clientCertificates() : undefined;
    if (mutual) {
      this.clientCertPem = mutual.cert;
      this.clientKeyPem = mutual.key;
    }
    const tlsOptions: https.ServerOptions = mutual
      ? { key: leaf.private, cert: leaf.cert, requestCert: true, rejectUnauthorized: false, ca: mutual.caCert }
      : { key: leaf.private, cert: leaf.cert };
    this.server = https.createServer(tlsOptions, (req, res) => {
      if (this.closed.has(req.socket as TLSSocket)) {
        this.staleRequests++;
        req.socket.destroy();
        return;
      }
      const listed = listedResource(new URL(req.url ?? '/', 'https://127.0.0.1').pathname);
      if (req.method === 'GET' && listed !== undefined && listed === this.opts.silentFrom) this.silent = true;
      if (this.silent || (req.method === 'GET' && listed !== undefined && this.opts.unanswered?.includes(listed))) {
        this.requests.push({ method: 'GET', path: new URL(req.url ?? '/', 'https://127.0.0.1').pathname, query: {} });
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        // A client certificate counts only when it chains to the client CA (the TLS layer let any through).
        const socket = req.socket as TLSSocket;
        const certified = mutual !== undefined && socket.authorized && Object.keys(socket.getPeerCertificate()).length > 0;
        const { code, body, plain } = this.handle(
          req.method ?? 'GET',
          req.url ?? '/',
          req.headers.authorization,
          Buffer.concat(chunks).toString('utf8'),
          req.headers.accept,
          certified,
        );
        if (plain) {
          res.writeHead(code, plain.headers);
          res.end(plain.text);
          return;
        }
        res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
        res.end(JSON.stringify(body));
      });
    });
    this.server.on('secureConnection', (socket: TLSSocket) => {
      this.connections++;
      this.open.add(socket);
      socket.on('close', () => this.open.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.tmp = mkdtempSync(join(tmpdir(), 'sanctum-fake-apiserver-'));
    this.kubeconfigPath = join(this.tmp, 'kubeconfig');
    writeFileSync(this.kubeconfigPath, this.kubeconfig());
    return this;
  }

  /** A kubeconfig (YAML) with a context `fake` for this server and a second one, `other`, that points nowhere. */
  kubeconfig(token = this.token, opts: FakeKubeconfigOptions = {}): string {
    const ca = Buffer.from(this.caPem).toString('base64');
    const b64 = (pem: string) => Buffer.from(pem).toString('base64');
    if (opts.credentials === 'certificate' && !this.clientCertPem) throw new Error('start the server with clientCertificates');
    return [
      'apiVersion: v1',
      'kind: Config',
      'current-context: fake',
      'clusters:',
      '- name: fake',
      '  cluster:',
      `    server: ${this.url}`,
      opts.insecureSkipTlsVerify ? '    insecure-skip-tls-verify: true' : `    certificate-authority-data: ${b64(opts.caPem ?? this.caPem)}`,
      '- name: other',
      '  cluster:',
      '    server: https://127.0.0.1:1',
      `    certificate-authority-data: ${ca}`,
      'users:',
      '- name: scanner',
      '  user:',
      ...(opts.credentials === 'certificate'
        ? [`    client-certificate-data: ${b64(this.clientCertPem)}`, `    client-key-data: ${b64(this.clientKeyPem)}`]
        : [`    token: ${token}`]),
      'contexts:',
      '- name: fake',
      '  context: {cluster: fake, user: scanner}',
      '- name: other',
      '  context: {cluster: other, user: scanner}',
      '',
    ].join('\n');
  }

  /**
   * Closes every kept-alive connection as the server's idle timeout does, in the way a client meets
   * it when its next request crosses the server's FIN: the connection is destroyed when that request
   * arrives, unanswered. Returns how many connections were open.
   */
  closeKeptAlive(): number {
    for (const s of this.open) this.closed.add(s);
    return this.open.size;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
    if (this.tmp) rmSync(this.tmp, { recursive: true, force: true });
  }

  private nextVersion(): string {
    return String(++this.resourceVersion);
  }

  private handle(method: string, rawUrl: string, auth: string | undefined, body: string, accept?: string, certified = false): Answer {
    const url = new URL(rawUrl, 'https://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const authenticatedBy = certified ? 'certificate' : auth === `Bearer ${this.token}` ? 'token' : undefined;
    this.requests.push({
      method,
      path: url.pathname,
      query,
      ...(accept === undefined ? {} : { accept }),
      ...(authenticatedBy && this.opts.clientCertificates ? { authenticatedBy } : {}),
    });
    if (!authenticatedBy) return { code: 401, body: status(401, 'Unauthorized', 'Unauthorized') };
    const parts = url.pathname.split('/').filter(Boolean);
    if (method === 'GET') {
      const failure = this.failure(url.pathname, query);
      if (failure) return failure;
    }
    if (url.pathname === '/api')
      return {
        code: 200,
        body: {
          kind: 'APIVersions',
          versions: ['v1'],
          serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '172.18.0.2:6443' }],
        },
      };
    if (url.pathname === '/apis') return { code: 200, body: this.groupList() };
    // /api/v1[/...] or /apis/G/V[/...]
    const [group, version, rest] = parts[0] === 'api' ? ['', parts[1], parts.slice(2)] : [parts[1], parts[2], parts.slice(3)];
    if (parts[0] !== 'api' && parts[0] !== 'apis')
      return { code: 404, body: status(404, 'NotFound', 'the server could not find the requested resource') };
    if (this.opts.unavailableGroups?.includes(group))
      return { code: 503, body: status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request') };
    const inVersion = this.resources.filter((r) => r.group === group && r.version === version);
    if (inVersion.length === 0) return { code: 404, body: status(404, 'NotFound', 'the server could not find the requested resource') };
    if (rest.length === 0) return { code: 200, body: this.resourceList(group, version, inVersion) };
    let namespace: string | undefined;
    let path = rest;
    if (path[0] === 'namespaces' && path.length >= 3) {
      namespace = decodeURIComponent(path[1]);
      path = path.slice(2);
    }
    const res = inVersion.find((r) => r.name === path[0]);
    if (!res) return { code: 404, body: status(404, 'NotFound', 'the server could not find the requested resource') };
    const full = res.group ? `${res.name}.${res.group}` : res.name;
    if (method === 'GET' && path.length === 1) {
      if (this.opts.forbidden?.includes(full)) {
        const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
        return {
          code: 403,
          body: status(
            403,
            'Forbidden',
            `${full} is forbidden: User "system:serviceaccount:sanctum:scanner" cannot list resource "${res.name}" in API group "${res.group}" ${scope}`,
            { group: res.group, kind: res.name },
          ),
        };
      }
      const table = this.opts.tables !== false && /^application\/json;as=Table;v=v1;g=meta\.k8s\.io(,|$)/.test(accept ?? '');
      const answer = this.list(res, namespace, query);
      return table && answer.code === 200 ? { code: 200, body: asTable(res, answer.body as Record<string, unknown>, query) } : answer;
    }
    if (method === 'PATCH' && path.length === 2) return this.apply(res, namespace, decodeURIComponent(path[1]), body);
    if (method === 'DELETE' && path.length === 2) return this.delete(res, namespace, decodeURIComponent(path[1]));
    return { code: 405, body: status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource') };
  }

  /** The answer of a `failing` entry the GET meets, if it fails. */
  private failure(pathname: string, query: Record<string, string>): Answer | undefined {
    const failing = this.opts.failing;
    if (!failing) return undefined;
    const listed = listedResource(pathname);
    const key = pathname in failing ? pathname : listed !== undefined && listed in failing ? listed : undefined;
    if (key === undefined) return undefined;
    const f = failing[key];
    if (f.continued && !query.continue) return undefined;
    const given = this.failed.get(key) ?? 0;
    if (given >= f.times) return undefined;
    this.failed.set(key, given + 1);
    if (f.status === 429)
      // As kube-apiserver's priority and fairness (and max-in-flight) filter writes it: net/http's plain-text error.
      return {
        code: 429,
        body: undefined,
        plain: {
          headers: {
            'Content-Type': 'text/plain; charset=utf-8',
            'X-Content-Type-Options': 'nosniff',
            'Retry-After': '1',
            'X-Kubernetes-Pf-Flowschema-Uid': '7f1d2c3b-0000-4000-8000-000000000001',
            'X-Kubernetes-Pf-Prioritylevel-Uid': '7f1d2c3b-0000-4000-8000-000000000002',
          },
          text: 'Too many requests, please try again later.\n',
        },
      };
    const [reason, message] = FAILURES[f.status];
    return { code: f.status, body: status(f.status, reason, message) };
  }

  private groupList(): unknown {
    const groups = [...new Set(this.resources.filter((r) => r.group !== '').map((r) => r.group))];
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((name) => {
        const versions = [...new Set(this.resources.filter((r) => r.group === name).map((r) => r.version))];
        return {
          name,
          versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
          preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
        };
      }),
    };
  }

  private resourceList(group: string, version: string, resources: FakeResource[]): unknown {
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: resources.flatMap((r) => [
        {
          name: r.name,
          singularName: r.kind.toLowerCase(),
          namespaced: r.namespaced,
          kind: r.kind,
          verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
          storageVersionHash: Buffer.from(r.name).toString('base64').slice(0, 11),
        },
        { name: `${r.name}/status`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] },
      ]),
    };
  }

  private list(res: FakeResource, namespace: string | undefined, query: Record<string, string>): { code: number; body: unknown } {
    let labels: Requirement[];
    let fields: Requirement[];
    try {
      labels = parseSelector(query.labelSelector ?? '', 'label');
      fields = parseSelector(query.fieldSelector ?? '', 'field');
    } catch (e) {
      return { code: 400, body: status(400, 'BadRequest', (e as Error).message) };
    }
    const all = this.ofType(res.group, res.kind).filter((o) => {
      const md = o.metadata as Record<string, unknown>;
      return (
        (namespace === undefined || md.namespace === namespace) &&
        labels.every((r) => r.matches((md.labels as Record<string, string> | undefined)?.[r.key])) &&
        fields.every((r) => r.matches(fieldValue(o, r.key)))
      );
    });
    let start = 0;
    if (query.continue) {
      let token: { rv: string; start: number };
      try {
        token = JSON.parse(Buffer.from(query.continue, 'base64url').toString('utf8'));
      } catch {
        return { code: 400, body: status(400, 'BadRequest', 'continue key is not valid: illegal base64 data') };
      }
      const position = `${res.name} ${namespace ?? ''} ${token.start}`;
      const expireHere = this.opts.expireEachPosition === true && !this.expiredPositions.has(position);
      if (expireHere) this.expiredPositions.add(position);
      if (this.expireLeft > 0 || expireHere) {
        if (!expireHere) this.expireLeft--;
        const offer = this.opts.offerInconsistentContinue ? continueToken('inconsistent', token.start) : undefined;
        return { code: 410, body: status(410, 'Expired', EXPIRED_MESSAGE, undefined, offer) };
      }
      start = token.start;
    }
    const limit = query.limit ? Number(query.limit) : all.length;
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? continueToken(String(this.resourceVersion), start + limit) : undefined;
    // kube-apiserver counts what is left of a chunked list only when it need not filter it (no selector).
    const counted = this.opts.remainingItemCount !== false && labels.length === 0 && fields.length === 0;
    return {
      code: 200,
      body: {
        kind: `${res.kind}List`,
        apiVersion: res.group ? `${res.group}/${res.version}` : res.version,
        metadata: {
          resourceVersion: String(this.resourceVersion),
          ...(next ? { continue: next, ...(counted ? { remainingItemCount: all.length - start - limit } : {}) } : {}),
        },
        items: page.map((o) => (res.custom ? o : withoutTypeMeta(o))),
      },
    };
  }

  private apply(res: FakeResource, namespace: string | undefined, name: string, body: string): { code: number; body: unknown } {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return { code: 400, body: status(400, 'BadRequest', 'error decoding YAML: the body is not an object') };
    }
    const md = { ...((obj.metadata as Record<string, unknown>) ?? {}), name, ...(namespace ? { namespace } : {}) };
    const i = this.objects.findIndex(
      (o) =>
        o.kind === res.kind &&
        (o.metadata as Record<string, unknown>).name === name &&
        (o.metadata as Record<string, unknown>).namespace === md.namespace,
    );
    const stored = withServerFields({ ...obj, metadata: md }, this.nextVersion());
    this.byType = undefined;
    if (i === -1) this.objects.push(stored);
    else this.objects[i] = stored;
    return { code: i === -1 ? 201 : 200, body: stored };
  }

  private delete(res: FakeResource, namespace: string | undefined, name: string): { code: number; body: unknown } {
    const i = this.objects.findIndex((o) => {
      const md = o.metadata as Record<string, unknown>;
      return o.kind === res.kind && groupOf(o.apiVersion) === res.group && md.name === name && md.namespace === namespace;
    });
    if (i === -1) {
      const what = res.group ? `${res.name}.${res.group}` : res.name;
      return { code: 404, body: status(404, 'NotFound', `${what} "${name}" not found`, { name, group: res.group, kind: res.name }) };
    }
    const [gone] = this.objects.splice(i, 1);
    this.byType = undefined;
    return { code: 200, body: gone };
  }

  private ofType(group: string, kind: string): Array<Record<string, unknown>> {
    if (!this.byType) {
      this.byType = new Map();
      for (const o of this.objects) {
        const key = `${groupOf(o.apiVersion)}/${String(o.kind)}`;
        const list = this.byType.get(key);
        if (list) list.push(o);
        else this.byType.set(key, [o]);
      }
    }
    return this.byType.get(`${group}/${kind}`) ?? [];
  }
}

/**
 * A list as kube-apiserver prints it for `kubectl get` (`as=Table`): the columns of the kind (a
 * Secret's name, type, number of keys and age; the name and creation time of kinds without a
 * printer), and each row's object as `PartialObjectMetadata` (`includeObject=Metadata`, the default),
 * `None` or the whole object (`Object`).
 */
function asTable(res: FakeResource, list: Record<string, unknown>, query: Record<string, string>): Record<string, unknown> {
  const secrets = res.group === '' && res.name === 'secrets';
  const columnDefinitions = secrets
    ? [
        { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
        { name: 'Type', type: 'string', format: '', description: 'Used to facilitate programmatic handling of secret data.', priority: 0 },
        { name: 'Data', type: 'string', format: '', description: 'Data contains the secret data.', priority: 0 },
        {
          name: 'Age',
          type: 'string',
          format: '',
          description: 'CreationTimestamp is a timestamp representing the server time.',
          priority: 0,
        },
      ]
    : [
        { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
        {
          name: 'Created At',
          type: 'date',
          format: '',
          description: 'CreationTimestamp is a timestamp representing the server time.',
          priority: 0,
        },
      ];
  const include = query.includeObject ?? 'Metadata';
  const rows = (list.items as Array<Record<string, unknown>>).map((o) => {
    const md = o.metadata as Record<string, unknown>;
    const cells = secrets
      ? [md.name, o.type ?? 'Opaque', Object.keys((o.data as object | undefined) ?? {}).length, '6d']
      : [md.name, md.creationTimestamp];
    const object =
      include === 'None'
        ? undefined
        : include === 'Object'
          ? { apiVersion: res.group ? `${res.group}/${res.version}` : res.version, kind: res.kind, ...o }
          : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: md };
    return { cells, ...(object ? { object } : {}) };
  });
  return { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: list.metadata, columnDefinitions, rows };
}

/** One requirement of a label or field selector (`k=v`, `k==v`, `k!=v`; for labels also `k` and `!k`). */
interface Requirement {
  key: string;
  matches(value: string | undefined): boolean;
}

/** Parses a selector as the API server does for the equality-based forms; a set-based one (`in`, `notin`) is refused. */
function parseSelector(text: string, what: 'label' | 'field'): Requirement[] {
  if (text.trim() === '') return [];
  return text.split(',').map((part) => {
    const m = /^\s*(!?)([A-Za-z0-9._/-]+)\s*(?:(==|=|!=)\s*([A-Za-z0-9._-]*))?\s*$/.exec(part);
    if (!m || (what === 'field' && m[3] === undefined) || (m[1] && m[3] !== undefined))
      throw new Error(`unable to parse requirement: ${what} selector "${text}"`);
    const [, not, key, op, value] = m;
    if (op === undefined) return { key, matches: (v: string | undefined) => (not ? v === undefined : v !== undefined) };
    return { key, matches: (v: string | undefined) => (op === '!=' ? v !== value : v === value) };
  });
}

/** The fields every kind supports in a field selector. */
function fieldValue(o: Record<string, unknown>, key: string): string | undefined {
  const md = o.metadata as Record<string, unknown>;
  if (key === 'metadata.name') return String(md.name ?? '');
  if (key === 'metadata.namespace') return String(md.namespace ?? '');
  return undefined;
}

/** `deployments.apps` for the path of a list (`/apis/apps/v1/namespaces/web/deployments`), `pods` for `/api/v1/pods`. */
function listedResource(pathname: string): string | undefined {
  const m = /^\/(?:api\/[^/]+|apis\/([^/]+)\/[^/]+)\/(?:namespaces\/[^/]+\/)?([^/]+)$/.exec(pathname);
  if (!m) return undefined;
  return m[1] ? `${m[2]}.${m[1]}` : m[2];
}

function continueToken(rv: string, start: number): string {
  return Buffer.from(JSON.stringify({ rv, start })).toString('base64url');
}

function withServerFields(o: Record<string, unknown>, resourceVersion: string): Record<string, unknown> {
  const md = { ...((o.metadata as Record<string, unknown>) ?? {}) };
  md.uid ??= randomUUID();
  md.resourceVersion = resourceVersion;
  md.creationTimestamp ??= '2026-12-01T10:00:00Z';
  md.managedFields ??= [
    {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion: String(o.apiVersion),
      time: '2026-12-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {},
    },
  ];
  const stored = { ...o, metadata: md };
  if (o.apiVersion === 'v1' && (o.kind === 'ConfigMap' || o.kind === 'Secret')) storeData(stored);
  return stored;
}

/** A map's entries by key, as Go's JSON encoding writes a map. */
function byKey(v: unknown): Record<string, unknown> | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The data of a ConfigMap or Secret (a copy of the object given) as kube-apiserver stores and returns
 * it: keys by name, a Secret's `stringData` written into `data` (base64, replacing the key of the
 * same name) and not kept itself.
 */
function storeData(o: Record<string, unknown>): void {
  if (o.kind === 'Secret' && o.stringData !== undefined) {
    const written = Object.entries(byKey(o.stringData) ?? {}).map(([k, v]) => [k, Buffer.from(String(v), 'utf8').toString('base64')]);
    o.data = { ...byKey(o.data), ...Object.fromEntries(written) };
    delete o.stringData;
  }
  for (const field of ['data', 'binaryData']) {
    const sorted = byKey(o[field]);
    if (sorted) o[field] = sorted;
  }
}

function withoutTypeMeta(o: Record<string, unknown>): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}
