import { testRule } from '../../testing/rule-tester.js';
import rule from './ai-service-exposed-by-service.js';

const deploy = (container: string, ns = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app${ns ? `\n  namespace: ${ns}` : ''}
spec:
  selector:
    matchLabels: {app: ai}
  template:
    metadata:
      labels: {app: ai, tier: serving}
    spec:
      containers:
${container}`;

const service = (spec: string, meta = '') => `---
apiVersion: v1
kind: Service
metadata:
  name: ai${meta}
spec:
${spec}`;

const jupyter = `      - name: nb
        image: quay.io/jupyter/scipy-notebook:2024-10-07
        args: [start-notebook.py, "--ServerApp.token=''"]
        ports: [{containerPort: 8888, name: http}]
`;
const vllm = (args: string) => `      - name: vllm
        image: vllm/vllm-openai:v0.6.3
        args: [${args}]
        ports: [{containerPort: 8000}]
`;
const lb = `  type: LoadBalancer
  selector: {app: ai}
  ports:
  - port: 80
    targetPort: http
`;

const openWebUi = (env: string) => `      - name: open-webui
        image: ghcr.io/open-webui/open-webui:0.3.32
        env: [{name: OLLAMA_BASE_URLS, value: "http://ollama:11434"}${env}]
        ports: [{containerPort: 8080, name: http}]
`;

/** A custom image started as a Jupyter server: the command line alone tells what runs and that its token is off. */
const notebookStartedAs = (args: string) => `      - name: nb
        image: registry.acme.dev/ml/trainer:1.4
        args: ${args}
        ports: [{containerPort: 8888, name: http}]
`;

/** Each way of writing an empty token (and password) on a command line, as the Service exposes it. */
const TOKEN_OFF_FORMS: Array<[string, string, string]> = [
  ["jupyter lab, --NotebookApp.token=''", `[jupyter, lab, "--NotebookApp.token=''"]`, "--NotebookApp.token=''"],
  ['jupyter notebook, --NotebookApp.token=""', `[jupyter, notebook, '--NotebookApp.token=""']`, '--NotebookApp.token=""'],
  ['jupyter server, --ServerApp.token=', '[jupyter, server, "--ServerApp.token="]', '--ServerApp.token='],
  [
    'python -m jupyterlab with an empty password too',
    `[python3, -m, jupyterlab, "--NotebookApp.token=''", "--NotebookApp.password=''"]`,
    "--NotebookApp.token=''",
  ],
  [
    'a shell script with --ServerApp.token= --ServerApp.password=',
    '[sh, -c, "exec python -m jupyter lab --ServerApp.token= --ServerApp.password= --ip=0.0.0.0"]',
    '--ServerApp.token=',
  ],
  ['Jupyter Server 2 option only, value as the next word', `[jupyter-lab, --IdentityProvider.token, "''"]`, "--IdentityProvider.token ''"],
  ['an option of Jupyter alone recognises the server', `["--IdentityProvider.token=''"]`, "--IdentityProvider.token=''"],
];

/** Jupyter with its token from the container's env: the kubelet replaces `$(NB_TOKEN)` by its value. */
const notebookTokenFrom = (env: string) => `      - name: nb
        image: registry.acme.dev/ml/trainer:1.4
        args: [jupyter, lab, "--ServerApp.token=$(NB_TOKEN)"]
        env: ${env}
        ports: [{containerPort: 8888, name: http}]
`;

/** zero-to-jupyterhub as rendered: the hub Secret with the chart's values (base64), the proxy, and proxy-public. */
const hubSecret = (values: string) => `apiVersion: v1
kind: Secret
metadata:
  name: hub
  namespace: jhub
type: Opaque
data:
  values.yaml: ${Buffer.from(values).toString('base64')}
---
`;
const z2jhProxy = (type: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: proxy
  namespace: jhub
spec:
  selector:
    matchLabels: {component: proxy, release: jhub}
  template:
    metadata:
      labels: {component: proxy, release: jhub}
    spec:
      containers:
      - name: chp
        image: quay.io/jupyterhub/configurable-http-proxy:4.6.3
        command: [configurable-http-proxy, --ip=, --api-ip=, --api-port=8001, "--default-target=http://hub:$(HUB_SERVICE_PORT)", --port=8000]
        ports: [{containerPort: 8000, name: http}, {containerPort: 8001, name: api}]
---
apiVersion: v1
kind: Service
metadata:
  name: proxy-public
  namespace: jhub
spec:
  type: ${type}
  selector: {component: proxy, release: jhub}
  ports:
  - name: http
    port: 80
    targetPort: http
`;
const DUMMY_VALUES = 'hub:\n  config:\n    JupyterHub:\n      admin_access: true\n      authenticator_class: dummy\n';
/** Two z2jh releases in one namespace: Secret `<release>-hub`, proxy and proxy-public named after the release. */
const releaseOf = (release: string, values: string, type: string) => `apiVersion: v1
kind: Secret
metadata:
  name: ${release}-hub
  namespace: jhub
type: Opaque
data:
  values.yaml: ${Buffer.from(values).toString('base64')}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${release}-proxy
  namespace: jhub
spec:
  selector:
    matchLabels: {component: proxy, release: ${release}}
  template:
    metadata:
      labels: {component: proxy, release: ${release}}
    spec:
      containers:
      - name: chp
        image: quay.io/jupyterhub/configurable-http-proxy:4.6.3
        ports: [{containerPort: 8000, name: http}]
---
apiVersion: v1
kind: Service
metadata:
  name: ${release}-proxy-public
  namespace: jhub
spec:
  type: ${type}
  selector: {component: proxy, release: ${release}}
  ports:
  - name: http
    port: 80
    targetPort: http
---
`;
/**
 * A z2jh hub Secret whose values.yaml sets `extra` in hub.extraConfig and mounts the extraFiles entry
 * auth.py (its text `file`, in the Secret's stringData) in jupyterhub_config.d, which the hub runs before hub.extraConfig.
 */
const withConfigFile = (extra: string, file: string) =>
  hubSecret(
    `hub:\n  extraConfig:\n    10-auth: ${JSON.stringify(extra)}\n  extraFiles:\n    auth.py:\n      mountPath: /usr/local/etc/jupyterhub/jupyterhub_config.d/auth.py\n`,
  ).replace(/---\n$/, `stringData:\n  auth.py: |\n    ${file}\n---\n`);
/**
 * zero-to-jupyterhub with `proxy.https.enabled` and `type: letsencrypt`, as the chart renders it: the
 * proxy (behind `proxy-http`), and the autohttps Deployment (Traefik and the secret-sync sidecar),
 * which `proxy-public` selects instead of the proxy. `release` names both releases' labels.
 */
const z2jhAutohttps = (type: string, publicPorts: string, release = 'jhub', proxyRelease = release) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: proxy
  namespace: jhub
spec:
  selector:
    matchLabels: {component: proxy, app: jupyterhub, release: ${proxyRelease}}
  template:
    metadata:
      labels: {component: proxy, app: jupyterhub, release: ${proxyRelease}, hub.jupyter.org/network-access-hub: "true"}
    spec:
      containers:
      - name: chp
        image: quay.io/jupyterhub/configurable-http-proxy:4.6.3
        command: [configurable-http-proxy, --ip=, --api-ip=, --api-port=8001, "--default-target=http://hub:$(HUB_SERVICE_PORT)", --port=8000]
        ports: [{containerPort: 8000, name: http}, {containerPort: 8001, name: api}]
---
apiVersion: v1
kind: Service
metadata:
  name: proxy-http
  namespace: jhub
spec:
  type: ClusterIP
  selector: {component: proxy, app: jupyterhub, release: ${proxyRelease}}
  ports: [{port: 8000, targetPort: http}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: autohttps
  namespace: jhub
spec:
  selector:
    matchLabels: {component: autohttps, app: jupyterhub, release: ${release}}
  template:
    metadata:
      labels: {component: autohttps, app: jupyterhub, release: ${release}, hub.jupyter.org/network-access-proxy-http: "true"}
    spec:
      containers:
      - name: traefik
        image: traefik:v3.3.5
        ports: [{name: http, containerPort: 8080}, {name: https, containerPort: 8443}]
      - name: secret-sync
        image: quay.io/jupyterhub/k8s-secret-sync:4.2.0
        args: [watch-save, --label=app=jupyterhub, --label=release=${release}, proxy-public-tls-acme, acme.json, /etc/acme/acme.json]
---
apiVersion: v1
kind: Service
metadata:
  name: proxy-public
  namespace: jhub
spec:
  type: ${type}
  selector: {component: autohttps, app: jupyterhub, release: ${release}}
  ports:
${publicPorts}`;
const HTTPS_AND_HTTP = '  - {name: https, port: 443, targetPort: https}\n  - {name: http, port: 80, targetPort: http}\n';
/** The objects of `z2jhAutohttps` by position: proxy Deployment, proxy-http, autohttps Deployment, proxy-public. */
const z2jhAutohttpsParts = (type: string, publicPorts: string) => z2jhAutohttps(type, publicPorts).split('---\n');
/** z2jh's proxy-public alone (the chart's other objects not in the scan), selecting the autohttps Traefik. */
const autohttpsServiceOnly = (type: string, publicPorts: string) => z2jhAutohttpsParts(type, publicPorts)[3];
/** z2jh's proxy-public alone, selecting the proxy (no autohttps). */
const proxyServiceOnly = z2jhProxy('LoadBalancer').split('---\n')[1];
/**
 * A hub Secret whose values.yaml the scan cannot read (nested deeper than it reads; the hub's PyYAML
 * reads it) sets github in hub.config, then `extra`; its extraFiles auth.py (`file`) runs between the two.
 */
const unreadValuesWithConfigFile = (extra: string, file: string) =>
  hubSecret(
    `hub:\n  config:\n    JupyterHub: {authenticator_class: github}\n  extraEnv: {X: ${'['.repeat(80)}${']'.repeat(80)}}\n${extra}`,
  ).replace(/---\n$/, `stringData:\n  auth.py: |\n    ${file}\n---\n`);
/** The chart's default `dummy` in hub.config, then an extraConfig snippet (run after it). */
const withExtra = (snippet: string) => DUMMY_VALUES + `  extraConfig:\n    auth: ${JSON.stringify(snippet)}\n`;

/** An AppWrapper wrapping a RayCluster `rc` (`auth`: lines of its spec), and a LoadBalancer Service selecting the head KubeRay labels. */
const wrappedRayCluster = (auth: string) => `apiVersion: workload.codeflare.dev/v1beta2
kind: AppWrapper
metadata: {name: aw, namespace: ray}
spec:
  components:
  - template:
      apiVersion: ray.io/v1
      kind: RayCluster
      metadata: {name: rc}
      spec:
${auth}        headGroupSpec:
          rayStartParams: {dashboard-host: 0.0.0.0}
          template:
            spec:
              containers:
              - {name: ray-head, image: rayproject/ray:2.9.0, ports: [{containerPort: 8265, name: dashboard}]}
---
apiVersion: v1
kind: Service
metadata: {name: rc-head-svc, namespace: ray}
spec:
  type: LoadBalancer
  selector: {ray.io/cluster: rc, ray.io/node-type: head}
  ports:
  - {name: dashboard, port: 8265, targetPort: 8265}
`;

testRule(rule, {
  valid: [
    {
      name: 'z2jh: the chart default dummy in hub.config, then hub.extraConfig sets an imported OAuthenticator class (unquoted), which runs after it',
      path: 'jhub.yaml',
      content:
        hubSecret(
          withExtra('from oauthenticator.github import GitHubOAuthenticator\nc.JupyterHub.authenticator_class = GitHubOAuthenticator'),
        ) + z2jhProxy('LoadBalancer'),
    },
    {
      name: 'a hub ConfigMap whose jupyterhub_config.py (github) comes before values.yaml (dummy): Python runs after hub.config, whatever the key order',
      path: 'jhub.yaml',
      content:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hub-config\n  namespace: jhub\ndata:\n  jupyterhub_config.py: |\n    c.JupyterHub.authenticator_class = "github"\n  values.yaml: |\n    hub:\n      config:\n        JupyterHub:\n          authenticator_class: dummy\n---\n' +
        z2jhProxy('NodePort'),
    },
    {
      name: 'z2jh: hub.extraConfig (github) runs after the extraFiles Python in jupyterhub_config.d (dummy): extraConfig wins',
      path: 'jhub.yaml',
      content:
        withConfigFile('c.JupyterHub.authenticator_class = "github"', 'c.JupyterHub.authenticator_class = "dummy"') +
        z2jhProxy('LoadBalancer'),
    },
    {
      name: 'z2jh: a values.yaml the scan cannot read whose hub.extraConfig assigns the class after the extraFiles auth.py (dummy): not visible',
      path: 'jhub.yaml',
      content:
        unreadValuesWithConfigFile(
          `  extraConfig: {10-auth: ${JSON.stringify('c.JupyterHub.authenticator_class = "github"')}}\n`,
          'c.JupyterHub.authenticator_class = "dummy"',
        ) + z2jhProxy('LoadBalancer'),
    },
    {
      name: 'a RayCluster an AppWrapper wraps, with authOptions.mode: token: the Service finds its head, which authenticates',
      path: 'a.yaml',
      content: wrappedRayCluster('        authOptions: {mode: token}\n'),
    },
    {
      name: 'jupyterhub_config.py: a commented-out dummy line before the real authenticator',
      path: 'jhub.yaml',
      content:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hub-config\n  namespace: jhub\ndata:\n  jupyterhub_config.py: |\n    # c.JupyterHub.authenticator_class = "dummy"\n    c.JupyterHub.authenticator_class = "github"\n---\n' +
        z2jhProxy('LoadBalancer'),
    },
    {
      name: 'jupyterhub_config.py: dummy, then github later (the last assignment wins)',
      path: 'jhub.yaml',
      content:
        hubSecret(withExtra('c.JupyterHub.authenticator_class = "dummy"\nc.JupyterHub.authenticator_class = "github"')) +
        z2jhProxy('LoadBalancer'),
    },
    {
      name: "DummyAuthenticator's password from the environment: not visible, not 'off'",
      path: 'jhub.yaml',
      content: hubSecret(withExtra('import os\nc.DummyAuthenticator.password = os.environ["DUMMY_PASSWORD"]')) + z2jhProxy('LoadBalancer'),
    },
    {
      name: 'two releases in one namespace: staging dummy behind a ClusterIP, prod github on a LoadBalancer',
      path: 'jhub.yaml',
      content:
        releaseOf('staging', DUMMY_VALUES, 'ClusterIP') +
        releaseOf('prod', 'hub:\n  config:\n    JupyterHub:\n      authenticator_class: github\n', 'LoadBalancer'),
    },
    {
      name: "zero-to-jupyterhub's proxy-public on a LoadBalancer, the hub's DummyAuthenticator with a shared password",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES + '    DummyAuthenticator:\n      password: a-shared-password\n') + z2jhProxy('LoadBalancer'),
    },
    {
      name: "zero-to-jupyterhub's proxy-public on a LoadBalancer, the hub authenticating with an OAuthenticator",
      path: 'jhub.yaml',
      content: hubSecret('hub:\n  config:\n    JupyterHub:\n      authenticator_class: github\n') + z2jhProxy('LoadBalancer'),
    },
    {
      name: "zero-to-jupyterhub's proxy-public on a LoadBalancer, the hub with NullAuthenticator (login disabled)",
      path: 'jhub.yaml',
      content: hubSecret('hub:\n  config:\n    JupyterHub:\n      authenticator_class: "null"\n') + z2jhProxy('LoadBalancer'),
    },
    {
      name: "zero-to-jupyterhub's DummyAuthenticator without a password behind a ClusterIP proxy-public",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES) + z2jhProxy('ClusterIP'),
    },
    {
      name: 'z2jh autohttps: proxy-public (LoadBalancer) selects Traefik, the hub authenticates with an OAuthenticator',
      path: 'jhub.yaml',
      content:
        hubSecret('hub:\n  config:\n    JupyterHub:\n      authenticator_class: github\n') + z2jhAutohttps('LoadBalancer', HTTPS_AND_HTTP),
    },
    {
      name: "z2jh autohttps, the hub's dummy without a password: proxy-public's http port alone only redirects to https",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES) + z2jhAutohttps('LoadBalancer', '  - {name: http, port: 80, targetPort: http}\n'),
    },
    {
      name: "z2jh autohttps of release staging in front of nothing: the dummy proxy is another release's",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES) + z2jhAutohttps('LoadBalancer', HTTPS_AND_HTTP, 'staging', 'prod'),
    },
    {
      name: "z2jh autohttps, the hub's dummy without a password, proxy-public a ClusterIP",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES) + z2jhAutohttps('ClusterIP', HTTPS_AND_HTTP),
    },
    {
      name: "z2jh autohttps proxy-public alone, the hub's dummy without a password: its http port only redirects to https",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES) + autohttpsServiceOnly('LoadBalancer', '  - {name: http, port: 80, targetPort: http}\n'),
    },
    {
      name: 'z2jh autohttps proxy-public alone, no hub configuration in the scan: the hub is taken to authenticate',
      path: 'jhub.yaml',
      content: autohttpsServiceOnly('LoadBalancer', HTTPS_AND_HTTP),
    },
    {
      name: 'z2jh proxy-public alone selecting the proxy, the hub authenticating with an OAuthenticator',
      path: 'jhub.yaml',
      content: hubSecret('hub:\n  config:\n    JupyterHub:\n      authenticator_class: github\n') + proxyServiceOnly,
    },
    {
      name: "a proxy-public whose selector's app is another product's (Envoy), beside a hub's dummy: the name counts only without an app label",
      path: 'jhub.yaml',
      content:
        hubSecret(DUMMY_VALUES) +
        proxyServiceOnly.replace('selector: {component: proxy, release: jhub}', 'selector: {component: proxy, app: envoy}'),
    },
    {
      name: "a LoadBalancer selecting a label only on a Kubeflow Notebook's pod template: the controller drops those labels, it selects nothing",
      path: 'a.yaml',
      content: `apiVersion: kubeflow.org/v1
kind: Notebook
metadata:
  name: nb
  namespace: team
spec:
  template:
    metadata:
      labels: {app: my-nb}
    spec:
      containers:
      - name: nb
        image: kubeflownotebookswg/jupyter-scipy:v1.8.0
---
apiVersion: v1
kind: Service
metadata:
  name: nb-lb
  namespace: team
spec:
  type: LoadBalancer
  selector: {app: my-nb}
  ports:
  - {name: http, port: 80, targetPort: 8888}
`,
    },
    {
      name: 'Open WebUI with its login (WEBUI_AUTH left at its default)',
      path: 'a.yaml',
      content: deploy(openWebUi('')) + service(lb),
    },
    {
      name: 'Jupyter whose token $(NB_TOKEN) comes from a Secret',
      path: 'a.yaml',
      content: deploy(notebookTokenFrom('[{name: NB_TOKEN, valueFrom: {secretKeyRef: {name: nb, key: token}}}]')) + service(lb),
    },
    {
      name: 'Jupyter started by sh -c whose token $TOKEN comes from a Secret',
      path: 'a.yaml',
      content:
        deploy(
          notebookStartedAs('[sh, -c, "exec jupyter lab --ServerApp.token=$TOKEN"]') +
            '        env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: nb, key: token}}}]\n',
        ) + service(lb),
    },
    {
      name: 'Jupyter started by sh -c whose ${TOKEN:-} comes from a Secret, or falls back to a token of its own',
      path: 'a.yaml',
      content:
        deploy(
          notebookStartedAs('[sh, -c, "start-notebook.py --IdentityProvider.token=${TOKEN:-} --ServerApp.password=${PW:-argon2:x}"]') +
            '        env: [{name: TOKEN, valueFrom: {secretKeyRef: {name: nb, key: token}}}]\n',
        ) + service(lb),
    },
    {
      name: "Jupyter started by sh -c with '$TOKEN' in single quotes: the text $TOKEN, not the empty variable",
      path: 'a.yaml',
      content:
        deploy(
          notebookStartedAs(`[sh, -c, "exec jupyter lab --ServerApp.token='$TOKEN' --ip=0.0.0.0"]`) +
            '        env: [{name: TOKEN, value: ""}]\n',
        ) + service(lb),
    },
    {
      name: 'Jupyter whose token $(NB_TOKEN) the env sets',
      path: 'a.yaml',
      content: deploy(notebookTokenFrom('[{name: NB_TOKEN, value: 7d4f0c2a}]')) + service(lb),
    },
    {
      name: 'a LoadBalancer Service of an ordinary application outside the scan',
      path: 'a.yaml',
      content: service(
        '  type: LoadBalancer\n  selector: {app.kubernetes.io/name: shop}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n',
      ).slice(4),
    },
    { name: 'same Service as ClusterIP', path: 'a.yaml', content: deploy(jupyter) + service(lb.replace('LoadBalancer', 'ClusterIP')) },
    {
      name: 'vLLM with an API key behind a LoadBalancer',
      path: 'a.yaml',
      content:
        deploy(vllm('--model, m, --api-key, $(KEY)')) +
        service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 80\n    targetPort: 8000\n'),
    },
    {
      name: 'selector does not match the pods',
      path: 'a.yaml',
      content: deploy(jupyter) + service(lb.replace('{app: ai}', '{app: other}')),
    },
    { name: 'pods in another namespace', path: 'a.yaml', content: deploy(jupyter, 'ml') + service(lb) },
    {
      name: 'port to a different container port',
      path: 'a.yaml',
      content: deploy(jupyter) + service(lb.replace('targetPort: http', 'targetPort: 9090')),
    },
    {
      name: 'a container named jupyter running nginx',
      path: 'a.yaml',
      content:
        deploy('      - name: jupyter\n        image: nginx:1.27\n        ports: [{containerPort: 8888, name: http}]\n') + service(lb),
    },
    {
      name: 'Kubeflow gateway with Istio request authentication',
      path: 'a.yaml',
      content:
        deploy(
          '      - name: istio-proxy\n        image: docker.io/istio/proxyv2:1.22.1\n        args: [proxy, router]\n        ports: [{containerPort: 8080, name: http2}]\n',
          'kubeflow',
        ) +
        service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 80\n    targetPort: 8080\n', '\n  namespace: kubeflow') +
        '---\napiVersion: security.istio.io/v1\nkind: RequestAuthentication\nmetadata:\n  name: dex-jwt\n  namespace: istio-system\nspec:\n  jwtRules: [{issuer: "http://dex.auth.svc.cluster.local:5556/dex"}]\n',
    },
    {
      name: 'KubeRay head with authOptions token behind a LoadBalancer',
      path: 'a.yaml',
      content:
        'apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: rc\nspec:\n  authOptions: {mode: token}\n  headGroupSpec:\n    template:\n      metadata:\n        labels: {app: ai}\n      spec:\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n' +
        service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 8265\n'),
    },
    {
      name: "KubeRay's Serve Service and the Kubeflow Pipelines UI as rendered, ClusterIP",
      path: 'a.yaml',
      content:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: llm-serve-svc\n  labels: {ray.io/serve: llm-serve, ray.io/service: llm}\nspec:\n  type: ClusterIP\n  selector: {ray.io/cluster: llm-raycluster-x7k2p, ray.io/serve: "true"}\n  ports:\n  - {name: serve, port: 8000}\n' +
        '---\n' +
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: ml-pipeline-ui\n  namespace: kubeflow\nspec:\n  type: ClusterIP\n  selector: {app: ml-pipeline-ui, application-crd-id: kubeflow-pipelines}\n  ports:\n  - {name: http, port: 80, protocol: TCP, targetPort: 3000}\n',
    },
    {
      name: 'Open WebUI trusting an email header from its proxy, reached only inside the cluster (ClusterIP)',
      path: 'a.yaml',
      content:
        deploy(openWebUi(', {name: WEBUI_AUTH_TRUSTED_EMAIL_HEADER, value: X-Forwarded-Email}')) +
        service(lb.replace('LoadBalancer', 'ClusterIP')),
    },
    {
      name: 'LoadBalancers named like KServe components but not rendered by KServe (price-predictor 443 to 8443, log-transformer 80 to 8080)',
      path: 'a.yaml',
      content:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: price-predictor\n  namespace: shop\nspec:\n  type: LoadBalancer\n  selector:\n    app: price-predictor\n  ports:\n    - name: https\n      port: 443\n      targetPort: 8443\n' +
        '---\n' +
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: log-transformer\n  namespace: shop\nspec:\n  type: LoadBalancer\n  selector:\n    app: log-transformer\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n',
    },
  ],
  invalid: [
    {
      name: 'z2jh: hub.extraConfig sets the DummyAuthenticator class itself (unquoted) after a commented-out github line',
      path: 'jhub.yaml',
      content:
        hubSecret(
          withExtra(
            '# c.JupyterHub.authenticator_class = "github"\nfrom jupyterhub.auth import DummyAuthenticator\nc.JupyterHub.authenticator_class = DummyAuthenticator',
          ),
        ) + z2jhProxy('LoadBalancer'),
      findings: [
        {
          startLine: 37,
          startColumn: 5,
          endLine: 39,
          endColumn: 21,
          severity: 'critical',
          message: /authentication off: authenticator_class DummyAuthenticator/,
        },
      ],
    },
    {
      name: 'jupyterhub_config.py: github, then dummy later (the last assignment wins)',
      path: 'jhub.yaml',
      content:
        hubSecret(withExtra('c.JupyterHub.authenticator_class = "github"\nc.JupyterHub.authenticator_class = "dummy"')) +
        z2jhProxy('LoadBalancer'),
      findings: [
        {
          startLine: 37,
          startColumn: 5,
          endLine: 39,
          endColumn: 21,
          severity: 'critical',
          message: /authentication off: authenticator_class dummy/,
        },
      ],
    },
    {
      name: 'two releases in one namespace: staging dummy on a LoadBalancer, prod github behind a ClusterIP',
      path: 'jhub.yaml',
      content:
        releaseOf('staging', DUMMY_VALUES, 'LoadBalancer') +
        releaseOf('prod', 'hub:\n  config:\n    JupyterHub:\n      authenticator_class: github\n', 'ClusterIP'),
      findings: [
        {
          startLine: 36,
          startColumn: 5,
          endLine: 38,
          endColumn: 21,
          severity: 'critical',
          message: /'staging-proxy-public'.*authentication off/,
        },
      ],
    },
    {
      name: "zero-to-jupyterhub's proxy-public on a LoadBalancer, the hub's authenticator_class dummy without a password (the hub Secret's values.yaml)",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES) + z2jhProxy('LoadBalancer'),
      findings: [
        {
          startLine: 37,
          startColumn: 5,
          endLine: 39,
          endColumn: 21,
          severity: 'critical',
          message:
            "Service 'proxy-public' exposes JupyterHub proxy (the hub login, then notebook servers that run code) on port 8000 of Deployment 'proxy' (authentication off: authenticator_class dummy (DummyAuthenticator) without a password: any password logs in, with any username (or any name Authenticator.allowed_users lists), and starts a notebook server) through a LoadBalancer",
        },
      ],
    },
    {
      name: 'a hand-written values.yaml with anchors and a merge key in the hub Secret: dummy without a password (read as PyYAML reads it)',
      path: 'jhub.yaml',
      content:
        hubSecret(
          'common: &common {admin_access: true}\nhub:\n  config:\n    JupyterHub:\n      <<: *common\n      authenticator_class: dummy\n',
        ) + z2jhProxy('LoadBalancer'),
      findings: [
        {
          startLine: 37,
          startColumn: 5,
          endLine: 39,
          endColumn: 21,
          severity: 'critical',
          message: /JupyterHub proxy .*authentication off/,
        },
      ],
    },
    {
      name: 'z2jh: hub.extraConfig (dummy) runs after the extraFiles Python in jupyterhub_config.d (github): extraConfig wins',
      path: 'jhub.yaml',
      content:
        withConfigFile('c.JupyterHub.authenticator_class = "dummy"', 'c.JupyterHub.authenticator_class = "github"') +
        z2jhProxy('LoadBalancer'),
      findings: [
        {
          startLine: 40,
          startColumn: 5,
          endLine: 42,
          endColumn: 21,
          severity: 'critical',
          message: /JupyterHub proxy .*authentication off/,
        },
      ],
    },
    {
      name: "z2jh autohttps proxy-public alone (its Traefik and proxy pods not in the scan), the hub's dummy without a password",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES) + autohttpsServiceOnly('LoadBalancer', HTTPS_AND_HTTP),
      findings: [
        {
          startLine: 19,
          startColumn: 5,
          endLine: 19,
          endColumn: 48,
          severity: 'critical',
          message:
            "Service 'proxy-public' exposes JupyterHub proxy (the hub login, then notebook servers that run code) on port 8000 of zero-to-jupyterhub's proxy pods (not in the scan) behind the autohttps Traefik Service 'proxy-public' selects (not in the scan; recognised by selector component: autohttps) (authentication off: authenticator_class dummy (DummyAuthenticator) without a password: any password logs in, with any username (or any name Authenticator.allowed_users lists), and starts a notebook server) through a LoadBalancer",
        },
      ],
    },
    {
      name: "z2jh autohttps proxy-public alone, the release's proxy pods in the scan run nginx (not configurable-http-proxy): nothing JupyterHub reached, the hub's dummy notwithstanding",
      path: 'jhub.yaml',
      content:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hub-config\n  namespace: jhub\ndata:\n  jupyterhub_config.py: |\n    c.JupyterHub.authenticator_class = "dummy"\n---\n' +
        z2jhAutohttpsParts('LoadBalancer', HTTPS_AND_HTTP)[0]
          .replace(/- name: chp\n.*\n.*\n/, '- name: web\n        image: nginx:1.27\n')
          .replace('{containerPort: 8000, name: http}, {containerPort: 8001, name: api}', '{containerPort: 8000, name: http}') +
        '---\n' +
        autohttpsServiceOnly('LoadBalancer', HTTPS_AND_HTTP),
      findings: [],
    },
    {
      name: 'z2jh autohttps proxy-public and the proxy, the autohttps Traefik not in the scan: its https port reaches the proxy of the release',
      path: 'jhub.yaml',
      content:
        hubSecret(DUMMY_VALUES) +
        z2jhAutohttpsParts('LoadBalancer', HTTPS_AND_HTTP)[0] +
        '---\n' +
        autohttpsServiceOnly('LoadBalancer', HTTPS_AND_HTTP),
      findings: [
        {
          startLine: 37,
          startColumn: 5,
          endLine: 37,
          endColumn: 48,
          severity: 'critical',
          message:
            "Service 'proxy-public' exposes JupyterHub proxy (the hub login, then notebook servers that run code) on port 8000 of Deployment 'proxy' behind the autohttps Traefik Service 'proxy-public' selects (not in the scan; recognised by selector component: autohttps) (authentication off: authenticator_class dummy (DummyAuthenticator) without a password: any password logs in, with any username (or any name Authenticator.allowed_users lists), and starts a notebook server) through a LoadBalancer",
        },
      ],
    },
    {
      name: "z2jh proxy-public alone selecting the proxy (no autohttps), the hub's dummy without a password",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES) + proxyServiceOnly,
      findings: [
        {
          startLine: 19,
          startColumn: 5,
          endLine: 21,
          endColumn: 21,
          severity: 'critical',
          message:
            "Service 'proxy-public' exposes JupyterHub proxy (the hub login, then notebook servers that run code) on port 8000 of zero-to-jupyterhub's proxy pods behind Service 'proxy-public' (not in the scan; recognised by selector component: proxy) (authentication off: authenticator_class dummy (DummyAuthenticator) without a password: any password logs in, with any username (or any name Authenticator.allowed_users lists), and starts a notebook server) through a LoadBalancer",
        },
      ],
    },
    {
      name: "z2jh autohttps (proxy.https letsencrypt): proxy-public selects Traefik, which sends https to the proxy; the hub's dummy without a password",
      path: 'jhub.yaml',
      content: hubSecret(DUMMY_VALUES) + z2jhAutohttps('LoadBalancer', HTTPS_AND_HTTP),
      findings: [
        {
          startLine: 67,
          startColumn: 5,
          endLine: 67,
          endColumn: 48,
          severity: 'critical',
          message:
            "Service 'proxy-public' exposes JupyterHub proxy (the hub login, then notebook servers that run code) on port 8000 of Deployment 'proxy' behind the Traefik of Deployment 'autohttps' (zero-to-jupyterhub's autohttps) (authentication off: authenticator_class dummy (DummyAuthenticator) without a password: any password logs in, with any username (or any name Authenticator.allowed_users lists), and starts a notebook server) through a LoadBalancer",
        },
      ],
    },
    {
      name: "z2jh: a values.yaml the scan cannot read (hub.config github) and no Python assignment in it, then the extraFiles auth.py (dummy): the file's class stands",
      path: 'jhub.yaml',
      content: unreadValuesWithConfigFile('', 'c.JupyterHub.authenticator_class = "dummy"') + z2jhProxy('LoadBalancer'),
      findings: [
        {
          startLine: 40,
          startColumn: 5,
          endLine: 42,
          endColumn: 21,
          severity: 'critical',
          message: /JupyterHub proxy .*authentication off/,
        },
      ],
    },
    ...[
      ['a block', '      stringData: |\n        c.JupyterHub.authenticator_class = "dummy"\n'],
      ['one plain line', '      stringData: c.JupyterHub.authenticator_class = "dummy"\n'],
    ].map(([form, stringData]) => ({
      name: `z2jh: a values.yaml the scan cannot read holds hub.extraFiles, auth.py's own text (${form}), not an extraConfig assignment: the file's dummy stands`,
      path: 'jhub.yaml',
      content:
        unreadValuesWithConfigFile(
          `  extraFiles:\n    auth.py:\n      mountPath: /usr/local/etc/jupyterhub/jupyterhub_config.d/auth.py\n${stringData}`,
          'c.JupyterHub.authenticator_class = "dummy"',
        ) + z2jhProxy('LoadBalancer'),
      findings: [
        {
          startLine: 40,
          startColumn: 5,
          endLine: 42,
          endColumn: 21,
          severity: 'critical' as const,
          message: /JupyterHub proxy .*authentication off/,
        },
      ],
    })),
    {
      name: 'a hub ConfigMap whose values.yaml (github) comes before jupyterhub_config.py (dummy): the Python wins',
      path: 'jhub.yaml',
      content:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hub-config\n  namespace: jhub\ndata:\n  values.yaml: |\n    hub:\n      config:\n        JupyterHub:\n          authenticator_class: github\n  jupyterhub_config.py: |\n    c.JupyterHub.authenticator_class = "dummy"\n---\n' +
        z2jhProxy('NodePort'),
      findings: [
        { startLine: 42, startColumn: 5, endLine: 44, endColumn: 21, severity: 'high', message: /JupyterHub proxy .*authentication off/ },
      ],
    },
    {
      name: 'JupyterHub on a NodePort, DummyAuthenticator set in jupyterhub_config.py of a ConfigMap',
      path: 'jhub.yaml',
      content:
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hub-config\n  namespace: jhub\ndata:\n  jupyterhub_config.py: |\n    c.JupyterHub.authenticator_class = "dummy"\n---\n' +
        z2jhProxy('NodePort'),
      findings: [
        { startLine: 37, startColumn: 5, endLine: 39, endColumn: 21, severity: 'high', message: /JupyterHub proxy .*authentication off/ },
      ],
    },
    {
      name: "a KServe predictor Service as newer releases render it (selector the bare name, KServe's label on the Service) on a LoadBalancer",
      path: 'a.yaml',
      content:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: llama-predictor\n  labels: {component: predictor, serving.kserve.io/inferenceservice: llama}\nspec:\n  type: LoadBalancer\n  selector: {app: llama-predictor}\n  ports:\n  - {name: http1, port: 80, protocol: TCP, targetPort: 8080}\n',
      findings: [
        {
          startLine: 10,
          startColumn: 5,
          endLine: 10,
          endColumn: 61,
          severity: 'medium',
          objectPath: '/spec/ports/0',
          message:
            /^Service 'llama-predictor' exposes KServe InferenceService inference API \(the model\) on port 8080 .*recognised by Service label serving\.kserve\.io\/inferenceservice: llama\)/,
        },
      ],
    },
    {
      name: 'Open WebUI trusting an email header (set by oauth2-proxy) but published directly by a LoadBalancer: anyone sends the header',
      path: 'a.yaml',
      content: deploy(openWebUi(', {name: WEBUI_AUTH_TRUSTED_EMAIL_HEADER, value: X-Forwarded-Email}')) + service(lb),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Open WebUI UI and API (its admins run Python Functions and Tools) on port 8080 of Deployment 'app' (authentication off: WEBUI_AUTH_TRUSTED_EMAIL_HEADER is set: Open WebUI signs in whoever that request header names, so a caller that reaches the port without the authenticating proxy is any user it names, its admin included) through a LoadBalancer",
        },
      ],
    },
    {
      name: "KubeRay's `<RayService>-serve-svc` on a LoadBalancer (the pods are the RayService's cluster, not in the scan)",
      path: 'a.yaml',
      content:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: llm-serve-svc\n  labels: {ray.io/serve: llm-serve, ray.io/service: llm}\nspec:\n  type: LoadBalancer\n  selector: {ray.io/cluster: llm-raycluster-x7k2p, ray.io/serve: "true"}\n  ports:\n  - {name: serve, port: 8000}\n',
      findings: [
        {
          startLine: 10,
          startColumn: 5,
          endLine: 10,
          endColumn: 30,
          severity: 'medium',
          message:
            /^Service 'llm-serve-svc' exposes Ray Serve HTTP proxy \(the deployed Serve applications\) on port 8000 .*recognised by selector ray\.io\/serve: true\) \(authentication not visible: Ray Serve has no authentication of its own/,
        },
      ],
    },
    {
      name: 'the Kubeflow Pipelines UI (ml-pipeline-ui, port 80 to 3000) on a NodePort',
      path: 'a.yaml',
      content:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: ml-pipeline-ui\n  namespace: kubeflow\nspec:\n  type: NodePort\n  selector: {app: ml-pipeline-ui, application-crd-id: kubeflow-pipelines}\n  ports:\n  - {name: http, port: 80, protocol: TCP, targetPort: 3000}\n',
      findings: [
        {
          startLine: 10,
          startColumn: 5,
          endLine: 10,
          endColumn: 60,
          severity: 'low',
          message:
            /^Service 'ml-pipeline-ui' exposes Kubeflow Pipelines UI and API proxy \(creates pipeline runs, which run any image\) on port 3000 /,
        },
      ],
    },
    {
      name: 'a live Service (cluster scan) names the address its load balancer was given',
      path: 'a.yaml',
      content:
        deploy(jupyter) +
        service(lb + 'status:\n  loadBalancer:\n    ingress:\n    - ip: 203.0.113.7\n    - hostname: nb.elb.example.com\n'),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          message:
            "Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: --ServerApp.token='' disables the token and no password is set) through a LoadBalancer at 203.0.113.7, nb.elb.example.com",
        },
      ],
    },
    {
      name: 'Jupyter without a token behind a LoadBalancer (named target port)',
      path: 'a.yaml',
      content: deploy(jupyter) + service(lb),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: --ServerApp.token='' disables the token and no password is set) through a LoadBalancer",
        },
      ],
    },
    {
      name: 'vLLM without an API key on a NodePort',
      path: 'a.yaml',
      content: deploy(vllm('--model, m')) + service('  type: NodePort\n  selector: {app: ai}\n  ports:\n  - name: web\n    port: 8000\n'),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 15,
          severity: 'medium',
          message:
            /^Service 'ai' exposes vLLM OpenAI-compatible inference API on port 8000 of Deployment 'app' \(authentication off: .*\) through a NodePort on every node's address$/,
        },
      ],
    },
    {
      name: 'vLLM whose --api-key $(KEY) the env sets empty: the server gets an empty key and no authentication',
      path: 'a.yaml',
      content:
        deploy(vllm('--model, m, --api-key, $(KEY)') + '        env: [{name: KEY, value: ""}]\n') +
        service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 80\n    targetPort: 8000\n'),
      findings: [
        {
          startLine: 27,
          startColumn: 5,
          endLine: 28,
          endColumn: 21,
          severity: 'high',
          message:
            "Service 'ai' exposes vLLM OpenAI-compatible inference API on port 8000 of Deployment 'app' (authentication off: started with --api-key $(KEY) (KEY is empty), an empty API key: anyone who reaches the port can use the model) through a LoadBalancer",
        },
      ],
    },
    ...[
      ['in args, the value an empty argument', `--model, m, --api-key, ""`, '--api-key and an empty argument'],
      ['in a sh -c script, two words', `sh, -c, 'vllm serve m --api-key ""'`, '--api-key ""'],
      ['in a sh -c script, one word', `sh, -c, "vllm serve m --api-key=''"`, "--api-key=''"],
    ].map(([how, args, shown]) => ({
      name: `vLLM with an empty --api-key ${how}: the message shows the flag as written (it said --api-key='' for each)`,
      path: 'a.yaml',
      content: deploy(vllm(args)) + service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 80\n    targetPort: 8000\n'),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'high' as const,
          message: `Service 'ai' exposes vLLM OpenAI-compatible inference API on port 8000 of Deployment 'app' (authentication off: started with ${shown}, an empty API key: anyone who reaches the port can use the model) through a LoadBalancer`,
        },
      ],
    })),
    {
      name: 'Ray head through externalIPs, second port',
      path: 'a.yaml',
      content:
        deploy(
          '      - name: head\n        image: rayproject/ray:2.9.0\n        command: [ray, start, --head, --dashboard-host=0.0.0.0, --block]\n',
        ) +
        service(
          '  selector: {app: ai, tier: serving}\n  externalIPs: [203.0.113.10]\n  ports:\n  - {name: gcs, port: 6379}\n  - {name: dashboard, port: 8265}\n',
        ),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 26,
          endColumn: 34,
          severity: 'critical',
          message: /Ray dashboard and Jobs API \(runs code\) on port 8265 .* through externalIPs 203\.0\.113\.10$/,
        },
      ],
    },
    {
      name: 'Ollama behind an internal load balancer',
      path: 'a.yaml',
      content:
        deploy('      - name: ollama\n        image: ollama/ollama:0.3.12\n        env: [{name: OLLAMA_HOST, value: "0.0.0.0"}]\n') +
        service(
          '  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 11434\n',
          '\n  annotations:\n    networking.gke.io/load-balancer-type: Internal',
        ),
      findings: [
        { startLine: 27, startColumn: 5, endLine: 27, endColumn: 16, severity: 'high', message: /through an internal LoadBalancer$/ },
      ],
    },
    {
      name: 'the same KubeRay head without token authentication',
      path: 'a.yaml',
      content:
        'apiVersion: ray.io/v1\nkind: RayCluster\nmetadata:\n  name: rc\nspec:\n  headGroupSpec:\n    template:\n      metadata:\n        labels: {app: ai}\n      spec:\n        containers:\n        - name: ray-head\n          image: rayproject/ray:2.52.0\n' +
        service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 8265\n'),
      findings: [
        {
          startLine: 23,
          startColumn: 5,
          endLine: 23,
          endColumn: 15,
          severity: 'critical',
          message: /Ray dashboard and Jobs API \(runs code\) on port 8265 of RayCluster 'rc'/,
        },
      ],
    },
    {
      name: 'Triton metrics port only',
      path: 'a.yaml',
      content:
        deploy(
          '      - name: triton\n        image: nvcr.io/nvidia/tritonserver:24.08-py3\n        args: [tritonserver, --model-repository=/models]\n',
        ) + service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 8002\n'),
      findings: [
        {
          startLine: 25,
          startColumn: 5,
          endLine: 25,
          endColumn: 15,
          severity: 'low',
          message: /Triton Inference Server metrics on port 8002/,
        },
      ],
    },
    {
      name: 'Kubeflow gateway as LoadBalancer without visible authentication',
      path: 'a.yaml',
      content:
        deploy(
          '      - name: istio-proxy\n        image: docker.io/istio/proxyv2:1.22.1\n        args: [proxy, router]\n        ports: [{containerPort: 8080, name: http2}]\n',
          'kubeflow',
        ) +
        service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 80\n    targetPort: http2\n', '\n  namespace: kubeflow'),
      findings: [
        {
          startLine: 28,
          startColumn: 5,
          endLine: 29,
          endColumn: 22,
          severity: 'medium',
          message: /Kubeflow Istio ingress gateway entry point on port 8080/,
        },
      ],
    },
    {
      name: 'Redis without a password on a NodePort',
      path: 'a.yaml',
      content:
        deploy('      - name: redis\n        image: redis:7.4\n        ports: [{containerPort: 6379, name: redis}]\n') +
        service('  type: NodePort\n  selector: {app: ai}\n  ports:\n  - port: 6379\n    targetPort: redis\n'),
      findings: [
        {
          startLine: 25,
          startColumn: 5,
          endLine: 26,
          endColumn: 22,
          severity: 'high',
          message:
            "Service 'ai' exposes Redis data store (CONFIG and MODULE commands run code) on port 6379 of Deployment 'app' (authentication off: Redis accepts every client unless requirepass or ACL users are configured) through a NodePort on every node's address",
        },
      ],
    },
    {
      name: 'Qdrant without an API key on a LoadBalancer',
      path: 'a.yaml',
      content:
        deploy('      - name: qdrant\n        image: qdrant/qdrant:v1.12.1\n') +
        service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - port: 6333\n'),
      findings: [
        {
          startLine: 24,
          startColumn: 5,
          endLine: 24,
          endColumn: 15,
          severity: 'high',
          message: /Qdrant HTTP API \(collections and snapshots\) on port 6333/,
        },
      ],
    },
    {
      name: 'the KubeRay API server on the NodePort its chart defaults to',
      path: 'a.yaml',
      content:
        deploy(
          '      - name: kuberay-apiserver\n        image: quay.io/kuberay/apiserver:v1.2.2\n        ports: [{containerPort: 8888, name: http}, {containerPort: 8887, name: grpc}]\n',
        ) +
        service(
          '  type: NodePort\n  selector: {app: ai}\n  ports:\n  - {name: http, port: 8888, targetPort: 8888, nodePort: 31888}\n  - {name: rpc, port: 8887, targetPort: 8887, nodePort: 31887}\n',
        ),
      findings: [
        {
          startLine: 25,
          startColumn: 5,
          endLine: 25,
          endColumn: 64,
          severity: 'high',
          message: /KubeRay API server HTTP API \(creates Ray clusters and jobs\) on port 8888/,
        },
        { startLine: 26, startColumn: 5, endLine: 26, endColumn: 63, severity: 'high', message: /KubeRay API server gRPC API/ },
      ],
    },
    {
      name: 'the head Service of a KubeRay cluster the scan does not hold',
      path: 'a.yaml',
      content: service(
        '  type: LoadBalancer\n  selector: {ray.io/cluster: rc, ray.io/node-type: head}\n  ports:\n  - {name: dashboard, port: 8265}\n  - {name: client, port: 10001}\n',
      ).slice(4),
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 9,
          endColumn: 34,
          severity: 'medium',
          message:
            "Service 'ai' exposes Ray dashboard and Jobs API (runs code) on port 8265 of the pods behind Service 'ai' (not in the scan; recognised by selector ray.io/node-type: head) (authentication not visible: Ray has no authentication unless RAY_AUTH_MODE=token is set; the pods are not in the scan, so their settings are not visible) through a LoadBalancer",
        },
        {
          startLine: 10,
          startColumn: 5,
          endLine: 10,
          endColumn: 32,
          severity: 'medium',
          message: /Ray client server \(runs code\) on port 10001/,
        },
      ],
    },
    {
      name: 'Jupyter whose token $(NB_TOKEN) the env sets empty, through another variable',
      path: 'a.yaml',
      content: deploy(notebookTokenFrom('[{name: NONE, value: ""}, {name: NB_TOKEN, value: $(NONE)}]')) + service(lb),
      findings: [
        {
          startLine: 27,
          startColumn: 5,
          endLine: 28,
          endColumn: 21,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: --ServerApp.token=$(NB_TOKEN) (NB_TOKEN is empty) disables the token and no password is set) through a LoadBalancer",
        },
      ],
    },
    {
      name: 'Jupyter whose token is $(A)$(B), both empty',
      path: 'a.yaml',
      content: deploy(notebookTokenFrom('[{name: A, value: ""}, {name: B, value: ""}]').replace('$(NB_TOKEN)', '$(A)$(B)')) + service(lb),
      findings: [
        {
          startLine: 27,
          startColumn: 5,
          endLine: 28,
          endColumn: 21,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: --ServerApp.token=$(A)$(B) (A and B are empty) disables the token and no password is set) through a LoadBalancer",
        },
      ],
    },
    {
      name: "Jupyter started by sh -c with the shell's $TOKEN, which the env sets empty",
      path: 'a.yaml',
      content:
        deploy(
          notebookStartedAs('[sh, -c, "exec jupyter lab --ip=0.0.0.0 --ServerApp.token=$TOKEN"]') +
            '        env: [{name: TOKEN, value: ""}]\n',
        ) + service(lb),
      findings: [
        {
          startLine: 27,
          startColumn: 5,
          endLine: 28,
          endColumn: 21,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: --ServerApp.token=$TOKEN (TOKEN is empty) disables the token and no password is set) through a LoadBalancer",
        },
      ],
    },
    {
      name: "Jupyter started by sh -c with the shell's ${TOKEN:-}, which the env sets empty: the default is empty too",
      path: 'a.yaml',
      content:
        deploy(
          notebookStartedAs('[sh, -c, "start-notebook.py --IdentityProvider.token=${TOKEN:-}"]') +
            '        env: [{name: TOKEN, value: ""}]\n',
        ) + service(lb),
      findings: [
        {
          startLine: 27,
          startColumn: 5,
          endLine: 28,
          endColumn: 21,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: --IdentityProvider.token=${TOKEN:-} (TOKEN is empty) disables the token and no password is set) through a LoadBalancer",
        },
      ],
    },
    {
      name: 'Jupyter started by sh -c with $(TOKEN), no variable of the container: the shell runs TOKEN, the token is not known',
      path: 'a.yaml',
      content: deploy(notebookStartedAs('[sh, -c, "exec jupyter lab --ip=0.0.0.0 --ServerApp.token=$(TOKEN)"]')) + service(lb),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'medium',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication not visible: --ServerApp.token=$(TOKEN) is a command substitution: the shell runs TOKEN and the token is what it prints, not known before it runs) through a LoadBalancer",
        },
      ],
    },
    ...TOKEN_OFF_FORMS.map(([name, args, flag]) => ({
      name: `Jupyter token off: ${name}`,
      path: 'a.yaml',
      content: deploy(notebookStartedAs(args)) + service(lb),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'critical' as const,
          message: `Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: ${flag} disables the token and no password is set) through a LoadBalancer`,
        },
      ],
    })),
    {
      name: "Jupyter started by sh -c with a quoted argument holding a space (--notebook-dir='/home/my notebooks'): one word",
      path: 'a.yaml',
      content:
        deploy(
          notebookStartedAs(
            `["sh", "-c", "jupyter lab --ip=0.0.0.0 --NotebookApp.token='' --notebook-dir='/home/my notebooks' --port 8888"]`,
          ),
        ) + service(lb),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: --NotebookApp.token='' disables the token and no password is set) through a LoadBalancer",
        },
      ],
    },
    ...[
      ['su jovyan -c', `"su jovyan -c 'jupyter lab --ip=0.0.0.0 --ServerApp.token='"`, '--ServerApp.token='],
      ['exec bash -lc', `"exec bash -lc 'jupyter lab --ip=0.0.0.0 --ServerApp.token=\\"\\"'"`, '--ServerApp.token=""'],
    ].map(([how, script, shown]) => ({
      name: `Jupyter started by a script that a sh -c script hands to ${how}: read as that shell reads it (it said a token was set: the quote was the token)`,
      path: 'a.yaml',
      content: deploy(notebookStartedAs(`[sh, -c, ${script}]`)) + service(lb),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'critical' as const,
          objectPath: '/spec/ports/0',
          message: `Service 'ai' exposes Jupyter notebook server (runs code) on port 8888 of Deployment 'app' (authentication off: ${shown} disables the token and no password is set) through a LoadBalancer`,
        },
      ],
    })),
    {
      name: 'Gradio started by python -c code inside a sh -c script (the code is one word: recognised by its import)',
      path: 'a.yaml',
      content:
        deploy(`      - name: demo
        image: registry.acme.dev/ml/demo:1.0
        command: [sh, -c, "cd /app && python -c 'import gradio as gr; gr.Interface(fn=str, inputs=\\"text\\", outputs=\\"text\\").launch(server_name=\\"0.0.0.0\\")'"]
        ports: [{containerPort: 7860, name: http}]
`) + service(lb),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'medium',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Gradio app on port 7860 of Deployment 'app' (authentication not visible: Gradio authentication is configured in code) through a LoadBalancer",
        },
      ],
    },
    {
      name: 'an empty password alone leaves the generated token on (authentication not visible)',
      path: 'a.yaml',
      content: deploy(notebookStartedAs(`[python, -m, notebook, "--NotebookApp.password=''"]`)) + service(lb),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'medium',
          message: /\(authentication not visible: Jupyter generates a token at start-up unless one is configured\)/,
        },
      ],
    },
    {
      name: 'an Ollama chart Service on a NodePort, its pods elsewhere',
      path: 'a.yaml',
      content: service(
        '  type: NodePort\n  selector: {app.kubernetes.io/name: ollama, app.kubernetes.io/instance: llm}\n  ports:\n  - {name: http, port: 11434, targetPort: http}\n',
      ).slice(4),
      findings: [
        {
          startLine: 9,
          startColumn: 5,
          endLine: 9,
          endColumn: 48,
          severity: 'high',
          message: /exposes Ollama API .* \(authentication off: Ollama has no authentication\) through a NodePort/,
        },
      ],
    },
    {
      name: "a Service written as KubeRay writes the head's (its selector the labels the operator sets on the head pod) finds the RayCluster's head group: authentication off, not 'not in the scan'",
      path: 'a.yaml',
      content: `apiVersion: ray.io/v1
kind: RayCluster
metadata:
  name: rc
  namespace: ray
spec:
  headGroupSpec:
    rayStartParams: {dashboard-host: 0.0.0.0}
    template:
      spec:
        containers:
        - name: ray-head
          image: rayproject/ray:2.9.0
          ports: [{containerPort: 8265, name: dashboard}, {containerPort: 10001, name: client}]
---
apiVersion: v1
kind: Service
metadata:
  name: rc-head-svc
  namespace: ray
spec:
  type: LoadBalancer
  selector: {app.kubernetes.io/created-by: kuberay-operator, app.kubernetes.io/name: kuberay, ray.io/cluster: rc, ray.io/identifier: rc-head, ray.io/node-type: head}
  ports:
  - {name: client, port: 10001, targetPort: 10001}
  - {name: dashboard, port: 8265, targetPort: 8265}
`,
      findings: [
        {
          startLine: 25,
          startColumn: 5,
          endLine: 25,
          endColumn: 51,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            "Service 'rc-head-svc' exposes Ray client server (runs code) on port 10001 of RayCluster 'rc' (authentication off: Ray has no authentication unless RAY_AUTH_MODE=token is set) through a LoadBalancer",
        },
        {
          startLine: 26,
          startColumn: 5,
          endLine: 26,
          endColumn: 52,
          severity: 'critical',
          objectPath: '/spec/ports/1',
          message: /exposes Ray dashboard and Jobs API \(runs code\) on port 8265 of RayCluster 'rc' \(authentication off/,
        },
      ],
    },
    {
      name: "a RayCluster an AppWrapper wraps: KubeRay's labels come from the wrapped RayCluster (its name), the Service finds its head",
      path: 'a.yaml',
      content: wrappedRayCluster(''),
      findings: [
        {
          startLine: 25,
          startColumn: 5,
          endLine: 25,
          endColumn: 52,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            /exposes Ray dashboard and Jobs API \(runs code\) on port 8265 of RayCluster 'rc' in AppWrapper 'aw' \(authentication off/,
        },
      ],
    },
    {
      name: "a Kubeflow Notebook behind its controller's Service (selector statefulset: <name>) made a NodePort: the Kubeflow image runs Jupyter without a token",
      path: 'a.yaml',
      content: `apiVersion: kubeflow.org/v1
kind: Notebook
metadata:
  name: nb
  namespace: team
spec:
  template:
    spec:
      containers:
      - name: nb
        image: kubeflownotebookswg/jupyter-scipy:v1.8.0
---
apiVersion: v1
kind: Service
metadata:
  name: nb
  namespace: team
spec:
  type: NodePort
  selector: {statefulset: nb}
  ports:
  - {name: http-nb, port: 80, targetPort: 8888}
`,
      findings: [
        {
          startLine: 22,
          startColumn: 5,
          endLine: 22,
          endColumn: 48,
          severity: 'high',
          objectPath: '/spec/ports/0',
          message:
            "Service 'nb' exposes Jupyter notebook server (runs code) on port 8888 of Notebook 'nb' (authentication off: Kubeflow notebook images start Jupyter with --ServerApp.token='' and rely on the Kubeflow gateway for authentication) through a NodePort on every node's address",
        },
      ],
    },
    {
      name: 'Open WebUI with WEBUI_AUTH=False (single-user mode: every visitor is its admin, whose Functions run Python) on a LoadBalancer',
      path: 'a.yaml',
      content: deploy(openWebUi(', {name: WEBUI_AUTH, value: "False"}')) + service(lb),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 27,
          endColumn: 21,
          severity: 'critical',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Open WebUI UI and API (its admins run Python Functions and Tools) on port 8080 of Deployment 'app' (authentication off: WEBUI_AUTH=False turns the login off: every visitor is the admin) through a LoadBalancer",
        },
      ],
    },
    {
      name: "the vLLM production-stack router (its chart's Deployment and LoadBalancer Service): the entry point to every engine",
      path: 'a.yaml',
      content:
        deploy(`      - name: router-container
        image: lmcache/lmstack-router:latest
        args: [--host, 0.0.0.0, --port, "8000", --service-discovery, k8s, --k8s-label-selector, "environment=test,release=test", --routing-logic, roundrobin]
        ports: [{containerPort: 8000, name: router-cport}]
`) + service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - {name: router-sport, port: 80, targetPort: 8000}\n'),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 26,
          endColumn: 53,
          severity: 'medium',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes vLLM production-stack router OpenAI-compatible inference API (every engine behind it) on port 8000 of Deployment 'app' (authentication not visible: the router has no authentication of its own and passes requests to the vLLM engines, whose API key is not visible here) through a LoadBalancer",
        },
      ],
    },
    {
      name: 'the vLLM router started as vllm-router with --service-discovery=k8s (one word)',
      path: 'a.yaml',
      content:
        deploy(`      - name: router
        image: registry.acme.dev/ml/router:1.0
        command: [vllm-router]
        args: [--port=8000, --service-discovery=k8s, --k8s-label-selector=model=llama]
`) + service('  type: LoadBalancer\n  selector: {app: ai}\n  ports:\n  - {name: router-sport, port: 80, targetPort: 8000}\n'),
      findings: [
        {
          startLine: 26,
          startColumn: 5,
          endLine: 26,
          endColumn: 53,
          severity: 'medium',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes vLLM production-stack router OpenAI-compatible inference API (every engine behind it) on port 8000 of Deployment 'app' (authentication not visible: the router has no authentication of its own and passes requests to the vLLM engines, whose API key is not visible here) through a LoadBalancer",
        },
      ],
    },
    {
      name: 'Open WebUI with envFrom and no WEBUI_AUTH in env: the login may be off (authentication not visible)',
      path: 'a.yaml',
      content:
        deploy(`      - name: open-webui
        image: ghcr.io/open-webui/open-webui:0.3.32
        env: [{name: OLLAMA_BASE_URLS, value: "http://ollama:11434"}]
        envFrom: [{configMapRef: {name: webui}}]
        ports: [{containerPort: 8080, name: http}]
`) + service(lb),
      findings: [
        {
          startLine: 27,
          startColumn: 5,
          endLine: 28,
          endColumn: 21,
          severity: 'medium',
          objectPath: '/spec/ports/0',
          message:
            "Service 'ai' exposes Open WebUI UI and API (its admins run Python Functions and Tools) on port 8080 of Deployment 'app' (authentication not visible: WEBUI_AUTH may come from envFrom) through a LoadBalancer",
        },
      ],
    },
  ],
});
