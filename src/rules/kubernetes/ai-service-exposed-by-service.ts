import { defineRule } from '../../core/rule.js';
import type { K8sObjectDocument, K8sSetDocument } from '../../parsers/k8s/k8s-documents.js';
import { describeReach, isService, lower, networkIndex, worstReach } from './lib/network.js';

const INTERNAL_LB: Record<string, (v: string) => boolean> = {
  'service.beta.kubernetes.io/aws-load-balancer-internal': (v) => v !== 'false',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': (v) => v === 'internal',
  'networking.gke.io/load-balancer-type': (v) => v.toLowerCase() === 'internal',
  'cloud.google.com/load-balancer-type': (v) => v.toLowerCase() === 'internal',
  'service.beta.kubernetes.io/azure-load-balancer-internal': (v) => v === 'true',
  'service.beta.kubernetes.io/oci-load-balancer-internal': (v) => v === 'true',
  'service.beta.kubernetes.io/openstack-internal-load-balancer': (v) => v === 'true',
  'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type': (v) => v === 'private',
};
const INTERNAL_LB_TESTS = Object.entries(INTERNAL_LB);

/**
 * Whether an annotation marks the load balancer internal. Loops and module-level functions here, not
 * arrows made on each call: TurboFan compiled such a closure again for each set.
 */
function isInternalLoadBalancer(svc: K8sObjectDocument): boolean {
  const annotations = svc.annotations;
  for (const [k, test] of INTERNAL_LB_TESTS) {
    const v = annotations[k];
    if (typeof v === 'string' && test(v)) return true;
  }
  return false;
}

function isAnyAddress(r: unknown): boolean {
  return r === '0.0.0.0/0' || r === '::/0';
}

/** How far a Service reaches beyond the cluster, and whether that reach is narrowed. */
function exposure(svc: K8sObjectDocument): { how: string; narrowed: boolean } | undefined {
  const type = svc.get(['spec', 'type']);
  const externalIPs = svc.get(['spec', 'externalIPs']);
  const hasExternal = Array.isArray(externalIPs) && externalIPs.length > 0;
  if (type === 'LoadBalancer') {
    const internal = isInternalLoadBalancer(svc);
    const ranges = svc.get(['spec', 'loadBalancerSourceRanges']);
    const restricted = Array.isArray(ranges) && ranges.length > 0 && !ranges.some(isAnyAddress);
    // A live Service (a cluster scan) shows the address the load balancer was given.
    const ingress = svc.get(['status', 'loadBalancer', 'ingress']);
    const addresses = (Array.isArray(ingress) ? ingress : [])
      .map((i) => (i as Record<string, unknown>)?.ip ?? (i as Record<string, unknown>)?.hostname)
      .filter((a) => typeof a === 'string');
    const at = addresses.length ? ` at ${addresses.join(', ')}` : '';
    if (internal) return { how: `an internal LoadBalancer${at}`, narrowed: true };
    if (restricted) return { how: `a LoadBalancer${at} limited to ${ranges.join(', ')}`, narrowed: true };
    return { how: `a LoadBalancer${at}`, narrowed: false };
  }
  if (hasExternal) return { how: `externalIPs ${externalIPs.join(', ')}`, narrowed: false };
  if (type === 'NodePort') return { how: "a NodePort on every node's address", narrowed: true };
  return undefined;
}

export default defineRule<K8sSetDocument>({
  meta: {
    id: 'K8S-0150',
    slug: 'ai-service-exposed-by-service',
    title: 'AI service exposed outside the cluster by a Service',
    severity: 'critical',
    scanner: 'misconfig',
    appliesTo: ['k8s-set'],
    frameworks: [
      { id: 'nsa-cisa', control: 'network-separation' },
      { id: 'mitre-atlas', control: 'AML.T0049' },
      { id: 'mitre-atlas', control: 'AML.T0040' },
      { id: 'owasp-llm-2025', control: 'LLM10' },
    ],
    rationale:
      'Notebook servers, Ray dashboards, MLflow, Ollama and model servers were built for trusted networks: most have no authentication, or ship with it off, and several run arbitrary code for anyone who reaches them (Ray Jobs API, CVE-2023-48022 "ShadowRay"; Jupyter without a token; TorchServe management, CVE-2023-43654). A Service of type LoadBalancer or NodePort, or one with externalIPs, puts them on an address outside the cluster, where scanners find them within hours. The data stores of AI applications are judged the same way: Redis without a password runs code through CONFIG and MODULE commands, and Qdrant, Weaviate, Milvus and Chroma serve their embeddings and documents to anyone without an API key; so is the vLLM production-stack router (the entry point to every engine behind it, with no authentication of its own), Open WebUI with `WEBUI_AUTH=False` (every visitor is its admin, whose Functions and Tools run Python on the server) or with `WEBUI_AUTH_TRUSTED_EMAIL_HEADER` (it signs in whoever the header names: meant for a proxy that sets it, sent by any caller that reaches the port itself), and the KubeRay API server, which creates Ray clusters and jobs and has no authentication of its own (its chart publishes it on a NodePort by default). JupyterHub (configurable-http-proxy, the `proxy` pods behind zero-to-jupyterhub\u2019s `proxy-public` Service; with `proxy.https` from Let\u2019s Encrypt, `proxy-public` selects the chart\u2019s `autohttps` Traefik pod instead (`component: autohttps`), whose `https` port sends every request to the `proxy` pods of its release, while its `http` port only redirects to https) is judged by the hub\u2019s authenticator as the scan\u2019s hub configuration in its namespace sets it (`hub.config.JupyterHub.authenticator_class` in the `values.yaml` of the hub Secret or a ConfigMap, `c.JupyterHub.authenticator_class` in `hub.extraConfig` or a `jupyterhub_config.py` key): Python runs after `hub.config`, first the `.py` keys by name (the `hub.extraFiles` z2jh mounts in jupyterhub_config.d), then the `hub.extraConfig` snippets by key, whatever the order of the keys in the object, and its last assignment wins, so the class in force is the last one set (an unquoted class name counts, a commented-out line does not); a `values.yaml` the scan cannot read sets, in `hub.config`, the class and password its text names to values the scan cannot see, and in `hub.extraConfig` only those its text assigns in Python, so a `.py` key decides where the text holds no such assignment; with several releases in one namespace, the configuration is the one of the proxy’s release (its `release` label, the hub Secret’s labels or its name `<release>-hub`). The DummyAuthenticator (`dummy`) without `DummyAuthenticator.password` lets in any password, for any username (or any name `Authenticator.allowed_users` lists), and each user starts a notebook server that runs code; with a shared password, another authenticator, NullAuthenticator (login disabled), a value the scan cannot read (an expression such as `os.environ[…]`, an assignment inside a block), configurations that may apply and disagree, or no configuration in the scan, the hub is taken to authenticate. A cluster scan never reads the data of Secrets, so there the hub configuration is seen only in a ConfigMap: a z2jh hub (its Secret) is not reported. When the pods are not in the scan (another chart, an operator), the service is recognised from the Service itself: the labels its selector names (those AI charts and operators set, such as `app.kubernetes.io/name: ollama`, `ray.io/node-type: head`, `ray.io/serve: "true"` of KubeRay\u2019s Serve Service, `app: isvc.NAME-predictor` of a KServe raw deployment (newer releases: KServe\u2019s `serving.kserve.io/inferenceservice` label on the Service itself), `seldon-app` and `seldon-server-name` of Seldon Core, `app: ml-pipeline-ui` of Kubeflow Pipelines), its port names, ports only one product uses (8265, 11434, 7860, 8501, 6333, 19530) and its name; authentication is then taken as not visible, except for products that have none. zero-to-jupyterhub\u2019s `proxy-public` is known by its selector (`component: proxy`, or `component: autohttps`, whose `https` port leads to the proxy pods of the release, found when they are in the scan, and whose `http` port only redirects) with `app: jupyterhub`, or, when the selector names no `app`, with the Service named `proxy-public` or `<release>-proxy-public` (a selector naming another app, such as `app: envoy`, is not JupyterHub\u2019s) and judged by the hub configuration of the scan as above. The rule follows the Service selector to the pods (the labels of their template, and those KubeRay and the Kubeflow notebook controller put on the pods they create: `ray.io/cluster`, `ray.io/node-type`, `statefulset`, `notebook-name`; a Notebook\u2019s pods carry its own labels, not those of its pod template), resolves the target port (by number or name) and recognises the service by image, command, environment and ports; a Jupyter token is judged on the command line as the program receives it: each `$(VAR)` of `command` and `args` is the value the container\u2019s `env` gives VAR, as the kubelet expands it (one from `valueFrom` or `envFrom` counts as set); in a `sh -c` script the shell\u2019s `$VAR` is the container\u2019s variable too, and a command substitution (`$(cmd)`, or a `$(VAR)` that names no variable of the container, which the kubelet leaves to the shell) makes the token not visible. Severity: critical when a port that runs code is reachable with authentication off, high for model and data access, medium when authentication is not visible in the spec; one level lower for internal load balancers, source-range limits and NodePorts.',
    remediation:
      'Make the Service `type: ClusterIP` without `externalIPs` and publish the service through an Ingress or gateway that enforces TLS and authentication (oauth2-proxy, an identity-aware proxy, Istio RequestAuthentication). Turn the service\u2019s own authentication on as well: a Jupyter token or password, `--api-key` for vLLM, `--app-name basic-auth` for MLflow, `RAY_AUTH_MODE=token` for Ray, `--auth-mode=client|sso` for the Argo server, `requirepass` for Redis, an API key for the vector database.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
      'https://docs.ray.io/en/latest/ray-security/index.html',
      'https://nvd.nist.gov/vuln/detail/CVE-2023-48022',
      'https://jupyter-server.readthedocs.io/en/latest/operators/security.html',
      'https://atlas.mitre.org/techniques/AML.T0049',
    ],
    examples: {
      bad: [
        {
          path: 'jupyter.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nb\nspec:\n  selector:\n    matchLabels: {app: nb}\n  template:\n    metadata:\n      labels: {app: nb}\n    spec:\n      containers:\n      - name: nb\n        image: quay.io/jupyter/scipy-notebook:2024-10-07\n        args: [start-notebook.py, "--ServerApp.token=\'\'"]\n        ports: [{containerPort: 8888, name: http}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nb\nspec:\n  type: LoadBalancer\n  selector: {app: nb}\n  ports:\n  - port: 80\n    targetPort: http\n',
        },
        {
          path: 'jupyter-token-variable.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nb\nspec:\n  selector:\n    matchLabels: {app: nb}\n  template:\n    metadata:\n      labels: {app: nb}\n    spec:\n      containers:\n      - name: nb\n        image: quay.io/jupyter/scipy-notebook:2024-10-07\n        args: [start-notebook.py, "--ServerApp.token=$(NB_TOKEN)"]\n        env:\n        - {name: NB_TOKEN, value: ""}\n        ports: [{containerPort: 8888, name: http}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nb\nspec:\n  type: LoadBalancer\n  selector: {app: nb}\n  ports:\n  - port: 80\n    targetPort: http\n',
        },
      ],
      good: [
        {
          path: 'jupyter.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nb\nspec:\n  selector:\n    matchLabels: {app: nb}\n  template:\n    metadata:\n      labels: {app: nb}\n    spec:\n      containers:\n      - name: nb\n        image: quay.io/jupyter/scipy-notebook:2024-10-07\n        args: [start-notebook.py, "--ServerApp.token=\'\'"]\n        ports: [{containerPort: 8888, name: http}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nb\nspec:\n  type: ClusterIP\n  selector: {app: nb}\n  ports:\n  - port: 80\n    targetPort: http\n',
        },
        {
          path: 'jupyter-token-variable.yaml',
          content:
            'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nb\nspec:\n  selector:\n    matchLabels: {app: nb}\n  template:\n    metadata:\n      labels: {app: nb}\n    spec:\n      containers:\n      - name: nb\n        image: quay.io/jupyter/scipy-notebook:2024-10-07\n        args: [start-notebook.py, "--ServerApp.token=$(NB_TOKEN)"]\n        env:\n        - name: NB_TOKEN\n          valueFrom: {secretKeyRef: {name: nb-token, key: token}}\n        ports: [{containerPort: 8888, name: http}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nb\nspec:\n  type: LoadBalancer\n  selector: {app: nb}\n  ports:\n  - port: 80\n    targetPort: http\n',
        },
      ],
    },
  },
  check(set, ctx) {
    const idx = networkIndex(set);
    for (const svc of set.ofKind('Service')) {
      if (!isService(svc)) continue;
      const how = exposure(svc);
      if (!how) continue;
      const ports = svc.get(['spec', 'ports']);
      if (!Array.isArray(ports)) continue;
      ports.forEach((_, i) => {
        const worst = worstReach(idx.reachOfServicePort(svc, i));
        if (!worst) return;
        ctx.report({
          doc: svc,
          at: ['spec', 'ports', i],
          severity: how.narrowed ? lower(worst.severity) : worst.severity,
          message: `Service '${svc.name}' exposes ${describeReach(worst.reach)} through ${how.how}`,
        });
      });
    }
  },
});
