import { readFileSync } from 'node:fs';
import { testRule } from '../../testing/rule-tester.js';
import rule from './validating-admission-policy-violation.js';

/** A policy with optional values, quantities and CIDRs, and its binding (fixtures/vap-model-serving.yaml). */
const modelServing = readFileSync(new URL('./fixtures/vap-model-serving.yaml', import.meta.url), 'utf8');
const modelServer = (replicas: string, memory: string, sourceRange: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: llama
  namespace: llm
${sourceRange ? `  annotations: {serving.example/source-range: "${sourceRange}"}\n` : ''}spec:
${replicas ? `  replicas: ${replicas}\n` : ''}  template:
    spec:
      containers:
      - name: server
        image: vllm/vllm-openai:v0.6.3
        resources: {limits: {memory: ${memory}}}
      - name: sidecar
        image: envoyproxy/envoy:v1.31.0
`;

const policy = (validation: string, extra = '') => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: gpu-limits
spec:
${extra}  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
${validation}---
`;
const binding = (actions: string, extra = '') => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: gpu-limits-ml
spec:
  policyName: gpu-limits
  validationActions: [${actions}]
${extra}---
`;
const namespace = (labels: string) => `apiVersion: v1
kind: Namespace
metadata:
  name: llm
  labels: {${labels}}
---
`;
const deployment = (limits: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
  namespace: llm
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.6.3
        resources:
          limits: {${limits}}
`;
/** An Anthropic key in the form the secret rules know. */
const SECRET = `sk-ant-api03-${'Q7xv2LkP9mZr4TbW8nYc1HsJ6dFg3KqA0uVe5XoNiRt'.repeat(2)}-AAAAAA`;
const needsGpu = `  - expression: "object.spec.template.spec.containers.all(c, has(c.resources.limits) && 'nvidia.com/gpu' in c.resources.limits)"
    messageExpression: "'every container of ' + object.metadata.name + ' must limit nvidia.com/gpu'"
    fieldPath: spec.template.spec.containers[0].resources
`;
const paramsPolicy = `  - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
    messageExpression: "'at most ' + params.data.maxReplicas + ' replicas in ' + namespaceObject.metadata.name"
    fieldPath: spec.replicas
`;
const params = `apiVersion: v1
kind: ConfigMap
metadata:
  name: gpu-quota
  namespace: llm
data:
  maxReplicas: "1"
---
`;
const withParams = '  paramKind:\n    apiVersion: v1\n    kind: ConfigMap\n';
/** A policy over namespaces and cluster roles (cluster-scoped), with its binding. */
const clusterScoped = (validation: string, extra = '', bindingExtra = '') => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: cluster-objects
spec:
${extra}  matchConstraints:
    resourceRules:
    - apiGroups: ["", "rbac.authorization.k8s.io"]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["namespaces", "clusterroles"]
  validations:
${validation}---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: cluster-objects
spec:
  policyName: cluster-objects
  validationActions: [Deny]
${bindingExtra}---
`;
const clusterRole = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n';

/** A policy on autoscaling/v1 HorizontalPodAutoscalers (served at v1 and v2 from one storage), with its binding. */
const hpaPolicy = (matchPolicy: string) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: hpa-bounds
spec:
  matchConstraints:
${matchPolicy}    resourceRules:
    - apiGroups: ["autoscaling"]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["horizontalpodautoscalers"]
  validations:
  - expression: "object.spec.maxReplicas <= 8"
    messageExpression: "'at most 8 replicas (' + request.kind.version + ' of ' + request.requestKind.version + ', ' + object.apiVersion + ')'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: hpa-bounds
spec:
  policyName: hpa-bounds
  validationActions: [Deny]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: vllm
  namespace: llm
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: vllm}
  maxReplicas: 64
`;
/** A custom resource served at v1beta1 and v1, a policy on v1beta1 and an object written at v1. */
const crdVersions = (matchPolicy: string, conversionServed = 'true') => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: modelcaches.serving.example.com
spec:
  group: serving.example.com
  scope: Namespaced
  names: {kind: ModelCache, plural: modelcaches}
  versions:
  - {name: v1beta1, served: ${conversionServed}, storage: false}
  - {name: v1, served: true, storage: true}
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: model-cache
spec:
  matchConstraints:
${matchPolicy}    resourceRules:
    - apiGroups: ["serving.example.com"]
      apiVersions: ["v1beta1"]
      operations: ["CREATE"]
      resources: ["modelcaches"]
  validations:
  - expression: "object.spec.size != 'unbounded'"
    message: a model cache has a size
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: model-cache
spec:
  policyName: model-cache
  validationActions: [Deny]
---
apiVersion: serving.example.com/v1
kind: ModelCache
metadata:
  name: llama
  namespace: llm
spec:
  size: unbounded
`;

/** A policy on `group`/`version` `resource` with one validation, its Deny binding, and the object written otherwise. */
const equivalentPolicy = (
  group: string,
  version: string,
  resource: string,
  expression: string,
  object: string,
) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: p
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: ["${group}"]
      apiVersions: ["${version}"]
      operations: ["CREATE"]
      resources: ["${resource}"]
  validations:
  - expression: "${expression}"
    message: denied
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: b
spec:
  policyName: p
  validationActions: [Deny]
---
${object}`;
const hpaV1 = `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: vllm
  namespace: llm
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: vllm}
  maxReplicas: 4
  targetCPUUtilizationPercentage: 80
`;
const coreEvent = `apiVersion: v1
kind: Event
metadata:
  name: vllm.1
  namespace: llm
involvedObject: {kind: Pod, name: vllm-0, namespace: llm}
reason: Started
message: Started container vllm
`;
const flowSchema = (version: string) => `apiVersion: flowcontrol.apiserver.k8s.io/${version}
kind: FlowSchema
metadata:
  name: llm-batch
spec:
  priorityLevelConfiguration: {name: workload-low}
`;
/** The ModelCache CustomResourceDefinition given a conversion webhook. */
const webhookConversion = (content: string) =>
  content.replace(
    '  versions:\n',
    '  conversion:\n    strategy: Webhook\n    webhook: {conversionReviewVersions: [v1], clientConfig: {service: {namespace: x, name: conv}}}\n  versions:\n',
  );
const NOT_CONVERTED = (written: string, matched: string, how = 'by the API server') =>
  `; the object is written at ${written} and matched as ${matched}, to which its fields are converted ${how}; Sanctum does not convert them, so the validation is not judged`;

testRule(rule, {
  valid: [
    {
      name: 'matchPolicy Equivalent: flowcontrol v1beta2 (gone in 1.29) is no equivalent of v1 (from 1.29)',
      path: 'a.yaml',
      content: equivalentPolicy('flowcontrol.apiserver.k8s.io', 'v1', 'flowschemas', 'false', flowSchema('v1beta2')),
    },
    {
      name: 'matchPolicy Exact: a rule on autoscaling/v1 does not cover an HPA written at autoscaling/v2',
      path: 'a.yaml',
      content: hpaPolicy('    matchPolicy: Exact\n'),
    },
    {
      name: 'matchPolicy Exact: a rule on v1beta1 of a custom resource does not cover an object written at v1',
      path: 'a.yaml',
      content: crdVersions('    matchPolicy: Exact\n'),
    },
    {
      name: 'matchPolicy Equivalent: a version the CustomResourceDefinition does not serve is no equivalent',
      path: 'a.yaml',
      content: crdVersions('', 'false'),
    },
    {
      name: 'matchPolicy Equivalent: extensions/v1beta1, served by no API server with admission policies, is no equivalent of apps/v1',
      path: 'a.yaml',
      content:
        policy(needsGpu)
          .replace('apiGroups: ["apps"]', 'apiGroups: ["extensions"]')
          .replace('apiVersions: ["v1"]', 'apiVersions: ["v1beta1"]') +
        binding('Deny') +
        deployment('cpu: 1'),
    },
    {
      name: 'model server within the limits: optional replicas and source range present',
      path: 'a.yaml',
      content: modelServing + modelServer('2', '8Gi', '10.20.0.0/16'),
    },
    {
      name: 'model server within the limits: no replicas (defaults to 1), no source range, a container without limits',
      path: 'a.yaml',
      content: modelServing + modelServer('', '16384Mi', ''),
    },
    {
      name: 'the object satisfies the policy',
      path: 'a.yaml',
      content: policy(needsGpu) + binding('Deny') + deployment('nvidia.com/gpu: 1'),
    },
    {
      name: 'binding selects labelled namespaces only',
      path: 'a.yaml',
      content:
        policy(needsGpu) +
        binding('Deny', '  matchResources:\n    namespaceSelector:\n      matchLabels: {gpu: "true"}\n') +
        namespace('team: ml') +
        deployment('cpu: 1'),
    },
    { name: 'binding to a policy that is not in the scan', path: 'a.yaml', content: binding('Deny') + deployment('cpu: 1') },
    { name: 'policy without a binding', path: 'a.yaml', content: policy(needsGpu) + deployment('cpu: 1') },
    {
      name: 'match condition leaves the object out',
      path: 'a.yaml',
      content:
        policy(
          needsGpu,
          '  matchConditions:\n  - name: gpu-namespaces\n    expression: "object.metadata.namespace.startsWith(\'gpu-\')"\n',
        ) +
        binding('Deny') +
        deployment('cpu: 1'),
    },
    {
      name: 'params within the limit',
      path: 'a.yaml',
      content:
        policy(paramsPolicy, withParams) +
        binding('Deny', '  paramRef:\n    name: gpu-quota\n    parameterNotFoundAction: Deny\n') +
        params.replace('"1"', '"4"') +
        deployment('cpu: 1'),
    },
    {
      name: 'a Namespace gets namespaceObject null, as every cluster-scoped object (its labels still meet the namespaceSelector)',
      path: 'a.yaml',
      content:
        clusterScoped(
          '  - expression: "namespaceObject == null"\n    message: namespaceObject is not null\n',
          '',
          '  matchResources:\n    namespaceSelector:\n      matchLabels: {team: ml}\n',
        ) + namespace('team: ml'),
    },
    {
      name: 'a policy with paramKind and a binding without paramRef runs with params null',
      path: 'a.yaml',
      content:
        policy('  - expression: "params == null"\n    message: params is not null\n', withParams) + binding('Deny') + deployment('cpu: 1'),
    },
    {
      name: 'a variable that fails where no validation reads it (behind a guard) fails nothing',
      path: 'a.yaml',
      content:
        policy(
          '  - expression: "object.spec.replicas < 5 || variables.gpus == 0"\n',
          '  variables:\n  - name: gpus\n    expression: "object.spec.template.spec.nodeSelector.gpus"\n',
        ) +
        binding('Deny') +
        deployment('cpu: 1'),
    },
    {
      name: 'params not found with parameterNotFoundAction Allow: nothing to validate',
      path: 'a.yaml',
      content:
        policy(paramsPolicy, withParams) +
        binding('Deny', '  paramRef:\n    name: gpu-quota\n    parameterNotFoundAction: Allow\n') +
        deployment('cpu: 1'),
    },
    {
      name: 'audit annotations that evaluate to a string or null',
      path: 'a.yaml',
      content:
        policy(
          needsGpu +
            `  auditAnnotations:\n  - key: replicas\n    valueExpression: "'replicas: ' + string(object.spec.replicas)"\n  - key: none\n    valueExpression: "object.metadata.?labels[?'team'].orValue(null)"\n`,
        ) +
        binding('Deny') +
        deployment('nvidia.com/gpu: 1'),
    },
  ],
  invalid: [
    {
      name: 'matchPolicy Equivalent: an HPA written at autoscaling/v1 and matched as v2 lacks the metrics conversion would give: not judged, not denied',
      path: 'a.yaml',
      content: equivalentPolicy('autoscaling', 'v2', 'horizontalpodautoscalers', "object.spec.metrics.all(m, m.type == 'Resource')", hpaV1),
      findings: [
        {
          startLine: 27,
          startColumn: 3,
          endLine: 27,
          endColumn: 13,
          severity: 'info',
          message:
            'ValidatingAdmissionPolicy p (binding b, Deny): "object.spec.metrics.all(m, m.type == \'Resource\')" could not be evaluated: field not found: metrics' +
            NOT_CONVERTED('autoscaling/v1', 'autoscaling/v2'),
        },
      ],
    },
    {
      name: 'matchPolicy Equivalent: a core Event matched as events.k8s.io/v1 has no note (its message): not judged, not denied',
      path: 'a.yaml',
      content: equivalentPolicy('events.k8s.io', 'v1', 'events', 'object.note.size() < 1024', coreEvent),
      findings: [
        {
          startLine: 27,
          startColumn: 3,
          endLine: 27,
          endColumn: 15,
          severity: 'info',
          message:
            'ValidatingAdmissionPolicy p (binding b, Deny): "object.note.size() < 1024" could not be evaluated: field not found: note' +
            NOT_CONVERTED('v1', 'events.k8s.io/v1'),
        },
      ],
    },
    {
      name: 'matchPolicy Equivalent: a custom resource converted by a webhook, whose field is missing unconverted: not judged, not denied',
      path: 'a.yaml',
      content: webhookConversion(crdVersions('')).replace("object.spec.size != 'unbounded'", 'object.spec.sizeBytes > 0'),
      findings: [
        {
          startLine: 42,
          startColumn: 3,
          endLine: 42,
          endColumn: 14,
          severity: 'info',
          message:
            'ValidatingAdmissionPolicy model-cache (binding model-cache, Deny): "object.spec.sizeBytes > 0" could not be evaluated: field not found: sizeBytes' +
            NOT_CONVERTED('serving.example.com/v1', 'serving.example.com/v1beta1', "by its CustomResourceDefinition's conversion webhook"),
        },
      ],
    },
    {
      name: 'matchPolicy Equivalent: a custom resource without a conversion webhook keeps its fields, so a missing one denies',
      path: 'a.yaml',
      content: crdVersions('').replace("object.spec.size != 'unbounded'", 'object.spec.sizeBytes > 0'),
      findings: [
        {
          startLine: 39,
          startColumn: 3,
          endLine: 39,
          endColumn: 14,
          severity: 'high',
          message:
            'ValidatingAdmissionPolicy model-cache (binding model-cache, Deny): "object.spec.sizeBytes > 0" could not be evaluated: field not found: sizeBytes',
        },
      ],
    },
    {
      name: 'matchPolicy Equivalent: a FlowSchema written at flowcontrol v1beta3 is matched by a rule on v1 (served together in 1.29-1.31)',
      path: 'a.yaml',
      content: equivalentPolicy(
        'flowcontrol.apiserver.k8s.io',
        'v1',
        'flowschemas',
        "object.metadata.name != 'llm-batch'",
        flowSchema('v1beta3'),
      ),
      findings: [
        {
          startLine: 27,
          startColumn: 3,
          endLine: 27,
          endColumn: 18,
          severity: 'high',
          message: 'ValidatingAdmissionPolicy p (binding b, Deny): denied',
        },
      ],
    },
    {
      name: 'a validation reason is said with the binding and actions, as the API server answers with it',
      path: 'a.yaml',
      content: crdVersions('').replace(
        '    message: a model cache has a size\n',
        '    message: a model cache has a size\n    reason: Forbidden\n',
      ),
      findings: [
        {
          startLine: 40,
          startColumn: 3,
          endLine: 40,
          endColumn: 14,
          severity: 'high',
          message: 'ValidatingAdmissionPolicy model-cache (binding model-cache, Deny, reason Forbidden): a model cache has a size',
        },
      ],
    },
    {
      name: 'a validation reason the API server does not know, reported on the policy',
      path: 'a.yaml',
      content: crdVersions('').replace(
        '    message: a model cache has a size\n',
        '    message: a model cache has a size\n    reason: NotFound\n',
      ),
      findings: [
        {
          startLine: 17,
          startColumn: 1,
          endLine: 27,
          endColumn: 21,
          severity: 'high',
          message:
            'policy model-cache (ValidatingAdmissionPolicy model-cache): validations[0].reason: expected one of Unauthorized, Forbidden, Invalid, RequestEntityTooLarge, found "NotFound"; the policy cannot be evaluated',
        },
      ],
    },
    {
      name: 'matchPolicy Equivalent (the default): a rule on autoscaling/v1 covers an HPA written at v2, request.kind names v1',
      path: 'a.yaml',
      content: hpaPolicy(''),
      findings: [
        {
          startLine: 27,
          startColumn: 3,
          endLine: 27,
          endColumn: 13,
          severity: 'high',
          message: 'ValidatingAdmissionPolicy hpa-bounds (binding hpa-bounds, Deny): at most 8 replicas (v1 of v2, autoscaling/v1)',
        },
      ],
    },
    {
      name: 'matchPolicy Equivalent, written out: a rule on v1beta1 of a custom resource covers an object written at v1',
      path: 'a.yaml',
      content: crdVersions('    matchPolicy: Equivalent\n'),
      findings: [
        {
          startLine: 40,
          startColumn: 3,
          endLine: 40,
          endColumn: 14,
          severity: 'high',
          message: 'ValidatingAdmissionPolicy model-cache (binding model-cache, Deny): a model cache has a size',
        },
      ],
    },
    {
      name: 'an expression that cannot be evaluated: message and evidence quote only the start of a long one',
      path: 'a.yaml',
      content:
        policy(`  - expression: "${'1 == 1 && '.repeat(30)}object.spec.nope == 1"
    fieldPath: spec.replicas
`) +
        binding('Deny') +
        deployment('cpu: 1'),
      findings: [
        {
          startLine: 30,
          startColumn: 3,
          endLine: 30,
          endColumn: 14,
          objectPath: '/spec/replicas',
          message: `ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Deny): ${JSON.stringify(`${'1 == 1 && '.repeat(20)}… (321 characters)`)} could not be evaluated: field not found: nope`,
          evidence: `${'1 == 1 && '.repeat(20)}… (321 characters)`,
        },
      ],
    },
    {
      name: 'a messageExpression quoting a secret of the object: shown redacted',
      path: 'a.yaml',
      content:
        policy(`  - expression: "!object.spec.template.spec.containers.exists(c, has(c.env))"
    messageExpression: "'env of ' + object.metadata.name + ': ' + string(object.spec.template.spec.containers[0].env[0].value)"
    fieldPath: spec.template.spec.containers[0].env
`) +
        binding('Deny') +
        deployment('memory: 1Gi') +
        `        env:\n        - name: ANTHROPIC_API_KEY\n          value: ${SECRET}\n`,
      findings: [
        {
          startLine: 39,
          startColumn: 9,
          endLine: 41,
          endColumn: 124,
          objectPath: '/spec/template/spec/containers/0/env',
          message: `ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Deny): env of vllm: Anthropic API key sk-ant-ap… (${SECRET.length} chars)`,
        },
      ],
    },
    {
      name: 'a messageExpression quoting the value of an env variable named as a credential: masked',
      path: 'a.yaml',
      content:
        policy(`  - expression: "!object.spec.template.spec.containers.exists(c, has(c.env))"
    messageExpression: "'env of ' + object.metadata.name + ': ' + string(object.spec.template.spec.containers[0].env[0].value)"
    fieldPath: spec.template.spec.containers[0].env
`) +
        binding('Deny') +
        deployment('memory: 1Gi') +
        `        env:\n        - name: DB_PASSWORD\n          value: hunter2-Correct-Horse\n`,
      findings: [
        {
          startLine: 39,
          startColumn: 9,
          endLine: 41,
          endColumn: 39,
          objectPath: '/spec/template/spec/containers/0/env',
          message: `ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Deny): env of vllm: env DB_PASSWORD hu… (21 chars)`,
        },
      ],
    },
    {
      name: 'model server over the limits: replicas, memory as a quantity, source range outside the CIDR',
      path: 'a.yaml',
      content: modelServing + modelServer('6', '32Gi', '0.0.0.0/0'),
      findings: [
        {
          startLine: 46,
          startColumn: 3,
          endLine: 46,
          endColumn: 14,
          severity: 'high',
          objectPath: '/spec/replicas',
          message:
            'ValidatingAdmissionPolicy model-serving-limits (binding model-serving-limits, Deny): at most 4 replicas of a model server, not 6',
        },
        {
          startLine: 49,
          startColumn: 7,
          endLine: 54,
          endColumn: 40,
          objectPath: '/spec/template/spec/containers',
          message: 'ValidatingAdmissionPolicy model-serving-limits (binding model-serving-limits, Deny): memory limits above 16Gi: 32Gi',
        },
        {
          startLine: 42,
          startColumn: 3,
          endLine: 42,
          endColumn: 14,
          objectPath: '/metadata/name',
          message:
            'ValidatingAdmissionPolicy model-serving-limits (binding model-serving-limits, Deny): source range 0.0.0.0/0 is not inside 10.0.0.0/8',
        },
      ],
    },
    {
      name: 'Deny binding',
      path: 'a.yaml',
      content: policy(needsGpu) + binding('Deny') + deployment('cpu: 1'),
      findings: [
        {
          startLine: 37,
          startColumn: 9,
          endLine: 38,
          endColumn: 27,
          severity: 'high',
          objectPath: '/spec/template/spec/containers/0/resources',
          message: 'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Deny): every container of vllm must limit nvidia.com/gpu',
        },
      ],
    },
    {
      name: 'Warn and Audit binding on a labelled namespace',
      path: 'a.yaml',
      content:
        policy(needsGpu) +
        binding('Warn, Audit', '  matchResources:\n    namespaceSelector:\n      matchLabels: {gpu: "true"}\n') +
        namespace('gpu: "true"') +
        deployment('cpu: 1'),
      findings: [
        {
          startLine: 46,
          startColumn: 9,
          endLine: 47,
          endColumn: 27,
          severity: 'medium',
          message:
            'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Warn+Audit): every container of vllm must limit nvidia.com/gpu',
        },
      ],
    },
    {
      name: 'params and namespaceObject',
      path: 'a.yaml',
      content:
        policy(paramsPolicy, withParams) +
        binding('Deny', '  paramRef:\n    name: gpu-quota\n    parameterNotFoundAction: Deny\n') +
        params +
        deployment('cpu: 1'),
      findings: [
        {
          startLine: 45,
          startColumn: 3,
          endLine: 45,
          endColumn: 14,
          severity: 'high',
          message: 'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Deny): at most 1 replicas in llm',
        },
      ],
    },
    {
      name: 'params not found with parameterNotFoundAction Deny',
      path: 'a.yaml',
      content:
        policy(paramsPolicy, withParams) +
        binding('Deny', '  paramRef:\n    name: gpu-quota\n    parameterNotFoundAction: Deny\n') +
        deployment('cpu: 1'),
      findings: [
        {
          startLine: 34,
          startColumn: 3,
          endLine: 34,
          endColumn: 13,
          severity: 'high',
          message:
            'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml): no ConfigMap params found (parameterNotFoundAction: Deny); the request would be denied',
        },
      ],
    },
    {
      name: 'params not found with parameterNotFoundAction Deny deny the request whatever the validationActions (Warn here)',
      path: 'a.yaml',
      content:
        policy(paramsPolicy, withParams) +
        binding('Warn', '  paramRef:\n    name: gpu-quota\n    parameterNotFoundAction: Deny\n') +
        deployment('cpu: 1'),
      findings: [
        {
          startLine: 34,
          startColumn: 3,
          endLine: 34,
          endColumn: 13,
          severity: 'high',
          message:
            'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml): no ConfigMap params found (parameterNotFoundAction: Deny); the request would be denied',
        },
      ],
    },
    {
      name: 'failurePolicy Ignore: an expression that cannot be evaluated admits the request, told at info',
      path: 'a.yaml',
      content:
        policy('  - expression: "object.spec.paused == false"\n    message: paused\n', '  failurePolicy: Ignore\n') +
        binding('Deny') +
        deployment('cpu: 1'),
      findings: [
        {
          startLine: 28,
          startColumn: 3,
          endLine: 28,
          endColumn: 13,
          severity: 'info',
          message:
            'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Deny): "object.spec.paused == false" could not be evaluated: field not found: paused; failurePolicy Ignore admits the request',
        },
      ],
    },
    {
      name: 'failurePolicy Ignore: params not found with parameterNotFoundAction Deny admit the request, told at info',
      path: 'a.yaml',
      content:
        policy(paramsPolicy, `  failurePolicy: Ignore\n${withParams}`) +
        binding('Deny', '  paramRef:\n    name: gpu-quota\n    parameterNotFoundAction: Deny\n') +
        deployment('cpu: 1'),
      findings: [
        {
          startLine: 35,
          startColumn: 3,
          endLine: 35,
          endColumn: 13,
          severity: 'info',
          message:
            'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml): no ConfigMap params found (parameterNotFoundAction: Deny); failurePolicy Ignore admits the request',
        },
      ],
    },
    {
      name: 'namespaced params without paramRef.namespace cannot be found for a cluster-scoped object: the request is denied',
      path: 'a.yaml',
      content:
        clusterScoped(
          '  - expression: "params.data.allowed == \'true\'"\n',
          withParams,
          '  paramRef:\n    name: gpu-quota\n    parameterNotFoundAction: Deny\n',
        ) +
        params +
        clusterRole,
      findings: [
        {
          startLine: 40,
          startColumn: 3,
          endLine: 40,
          endColumn: 15,
          severity: 'high',
          message:
            'ValidatingAdmissionPolicy cluster-objects (binding cluster-objects): paramRef has no namespace and ConfigMap params are namespaced, so they cannot be found for a cluster-scoped ClusterRole; the request would be denied',
        },
      ],
    },
    {
      name: 'an audit annotation that fails denies the request under failurePolicy Fail, whatever the actions (Audit here)',
      path: 'a.yaml',
      content:
        policy(needsGpu + '  auditAnnotations:\n  - key: priority\n    valueExpression: "string(object.spec.template.spec.priority)"\n') +
        binding('Audit') +
        deployment('nvidia.com/gpu: 1'),
      findings: [
        {
          startLine: 31,
          startColumn: 3,
          endLine: 31,
          endColumn: 13,
          severity: 'high',
          message:
            'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Audit): auditAnnotations priority could not be evaluated: field not found: priority; the request would be denied',
        },
      ],
    },
    {
      name: 'an audit annotation whose dyn value is not a string denies the request whatever failurePolicy (Ignore) and the actions (Audit)',
      path: 'a.yaml',
      content:
        policy(
          needsGpu + '  auditAnnotations:\n  - key: replicas\n    valueExpression: "object.spec.replicas"\n',
          '  failurePolicy: Ignore\n',
        ) +
        binding('Audit') +
        deployment('nvidia.com/gpu: 1'),
      findings: [
        {
          startLine: 32,
          startColumn: 3,
          endLine: 32,
          endColumn: 13,
          severity: 'high',
          message:
            'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Audit): auditAnnotations replicas gave number, not a string or null; the request would be denied, whatever failurePolicy',
        },
      ],
    },
    {
      name: 'an audit annotation that is not a string, reported on the policy',
      path: 'a.yaml',
      content:
        policy(needsGpu + '  auditAnnotations:\n  - key: many\n    valueExpression: "object.spec.replicas > 5"\n') +
        binding('Deny') +
        deployment('nvidia.com/gpu: 1'),
      findings: [
        {
          startLine: 5,
          startColumn: 1,
          endLine: 18,
          endColumn: 48,
          severity: 'high',
          message:
            'policy gpu-limits (ValidatingAdmissionPolicy gpu-limits): auditAnnotations[0].valueExpression: at 1:22: must evaluate to string or null but got bool: "object.spec.replicas > 5"; the policy cannot be evaluated',
        },
      ],
    },
    {
      name: 'a custom resource matched by the plural its CustomResourceDefinition in the scan gives',
      path: 'a.yaml',
      content: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: model-cache
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: ["serving.example.com"]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["modelcaches"]
  validations:
  - expression: "object.spec.size != 'unbounded'"
    message: a model cache has a size
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: model-cache
spec:
  policyName: model-cache
  validationActions: [Deny]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: modelcaches.serving.example.com
spec:
  group: serving.example.com
  scope: Namespaced
  names: {kind: ModelCacheEntry, plural: modelcaches}
---
apiVersion: serving.example.com/v1
kind: ModelCacheEntry
metadata:
  name: llama
  namespace: llm
spec:
  size: unbounded
`,
      findings: [
        {
          startLine: 36,
          startColumn: 3,
          endLine: 36,
          endColumn: 14,
          severity: 'high',
          message: 'ValidatingAdmissionPolicy model-cache (binding model-cache, Deny): a model cache has a size',
        },
      ],
    },
    {
      name: 'a custom resource: request.resource names the plural its CustomResourceDefinition gives, as matching does',
      path: 'a.yaml',
      content: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: model-cache
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: ["serving.example.com"]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["modelcaches"]
  matchConditions:
  - name: model-caches
    expression: "request.resource.resource == 'modelcaches'"
  validations:
  - expression: "object.spec.size != 'unbounded'"
    messageExpression: "'a ' + request.requestResource.resource + ' entry has a size'"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: model-cache
spec:
  policyName: model-cache
  validationActions: [Deny]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: modelcaches.serving.example.com
spec:
  group: serving.example.com
  scope: Namespaced
  names: {kind: ModelCacheEntry, plural: modelcaches}
---
apiVersion: serving.example.com/v1
kind: ModelCacheEntry
metadata:
  name: llama
  namespace: llm
spec:
  size: unbounded
`,
      findings: [
        {
          startLine: 39,
          startColumn: 3,
          endLine: 39,
          endColumn: 14,
          severity: 'high',
          message: 'ValidatingAdmissionPolicy model-cache (binding model-cache, Deny): a modelcaches entry has a size',
        },
      ],
    },
    {
      name: 'Endpoints: request.resource is endpoints, as matching names it',
      path: 'a.yaml',
      content: `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: no-endpoints
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["endpoints"]
  matchConditions:
  - name: endpoints
    expression: "request.resource.resource == 'endpoints'"
  validations:
  - expression: "false"
    message: hand-written Endpoints
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: no-endpoints
spec:
  policyName: no-endpoints
  validationActions: [Deny]
---
apiVersion: v1
kind: Endpoints
metadata:
  name: model
  namespace: llm
subsets: []
`,
      findings: [
        {
          startLine: 30,
          startColumn: 3,
          endLine: 30,
          endColumn: 14,
          severity: 'high',
          message: 'ValidatingAdmissionPolicy no-endpoints (binding no-endpoints, Deny): hand-written Endpoints',
        },
      ],
    },
    {
      name: 'namespaceObject times are timestamps, as the API server types them',
      path: 'a.yaml',
      content:
        policy(
          '  - expression: "namespaceObject.metadata.creationTimestamp >= timestamp(\'2024-01-01T00:00:00Z\')"\n    message: namespaces created before 2024 are frozen\n',
        ) +
        binding('Deny') +
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: llm\n  creationTimestamp: "2023-03-01T09:30:00Z"\n---\n' +
        deployment('cpu: 1'),
      findings: [
        {
          startLine: 33,
          startColumn: 3,
          endLine: 33,
          endColumn: 13,
          severity: 'high',
          message: 'ValidatingAdmissionPolicy gpu-limits (binding gpu-limits-ml, Deny): namespaces created before 2024 are frozen',
        },
      ],
    },
    {
      name: 'a validation typed dyn, which the API server refuses, reported on the policy',
      path: 'a.yaml',
      content: policy('  - expression: "object.spec.paused"\n') + binding('Deny') + deployment('cpu: 1'),
      findings: [
        {
          startLine: 5,
          startColumn: 1,
          endLine: 13,
          endColumn: 37,
          severity: 'high',
          message:
            /^policy gpu-limits \(ValidatingAdmissionPolicy gpu-limits\): validations\[0\]\.expression: at 1:12: must evaluate to bool but got dyn .*: "object\.spec\.paused"; the policy cannot be evaluated$/,
        },
      ],
    },
    {
      name: 'CEL that does not compile, reported on the policy',
      path: 'a.yaml',
      content: policy('  - expression: "object.spec.replicas >"\n') + binding('Deny') + deployment('cpu: 1'),
      findings: [
        {
          startLine: 5,
          startColumn: 1,
          endLine: 13,
          endColumn: 41,
          severity: 'high',
          message:
            /^policy gpu-limits \(ValidatingAdmissionPolicy gpu-limits\): validations\[0\]\.expression: at .*: "object\.spec\.replicas >"; the policy cannot be evaluated$/,
        },
      ],
    },
  ],
});
