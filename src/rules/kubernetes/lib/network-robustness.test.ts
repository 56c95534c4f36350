import { describe, expect, it } from 'vitest';
import { runRule } from '../../../testing/rule-tester.js';
import exposedByService from '../ai-service-exposed-by-service.js';
import hostNetwork from '../ai-service-host-network.js';
import ingressAuth from '../ai-service-ingress-without-auth.js';
import ingressTls from '../ai-service-ingress-without-tls.js';
import routeAuth from '../ai-service-route-without-auth.js';
import egress from '../namespace-without-default-deny-egress.js';
import ingress from '../namespace-without-default-deny-ingress.js';
import gpuQuota from '../namespace-without-gpu-quota.js';
import limitRange from '../namespace-without-limit-range.js';
import quota from '../namespace-without-resource-quota.js';
import allowsAll from '../network-policy-allows-all.js';
import rayHead from '../ray-head-exposed.js';

const RULES = [
  exposedByService,
  hostNetwork,
  ingressAuth,
  ingressTls,
  routeAuth,
  egress,
  ingress,
  gpuQuota,
  limitRange,
  quota,
  allowsAll,
  rayHead,
];

/** Objects with every field of the wrong shape: rules must neither throw nor report nonsense. */
const MALFORMED = `apiVersion: v1
kind: Service
metadata: {name: s, annotations: {service.beta.kubernetes.io/aws-load-balancer-internal: 1}}
spec: {type: LoadBalancer, selector: [a], ports: [1, null, {port: x, targetPort: [1]}], externalIPs: "1.2.3.4", loadBalancerSourceRanges: 7}
---
apiVersion: v1
kind: Pod
metadata: {name: p, labels: [x], namespace: 5}
spec:
  hostNetwork: true
  containers:
  - {name: a, image: 7, command: "jupyter lab", args: [1, {x: 1}, null], env: {OLLAMA_HOST: x}, ports: "8888", resources: {limits: [1]}}
  - null
  - {image: ollama/ollama, env: [null, {name: 3}, {name: OLLAMA_HOST}], ports: [{containerPort: "abc", hostPort: "x"}, null]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i, annotations: {nginx.ingress.kubernetes.io/auth-url: 5}}
spec: {tls: [null, {hosts: "x"}], defaultBackend: {service: {name: 5}}, rules: [null, {http: {paths: [null, {backend: {service: {name: s, port: {name: 7}}}}]}}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec: {parentRefs: "gw", rules: [{backendRefs: [null, {name: s, port: "80"}], filters: "x"}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: n}
spec: {podSelector: [], policyTypes: "Ingress", ingress: [null, {from: "x"}, {from: [null, {ipBlock: "0.0.0.0/0"}]}], egress: {}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec: {hard: [requests.nvidia.com/gpu]}
---
apiVersion: ray.io/v1
kind: RayCluster
metadata: {name: rc}
spec: {headGroupSpec: {serviceType: [LoadBalancer], enableIngress: "true", template: {spec: {containers: [null, {env: "x"}]}}}}
`;

describe('exposure, network and tenancy rules on malformed objects', () => {
  for (const rule of RULES) {
    it(`${rule.meta.id} does not throw`, () => {
      const { errors } = runRule(rule, { path: 'bad.yaml', content: MALFORMED });
      expect(errors).toEqual([]);
    });
  }
});
