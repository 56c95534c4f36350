/**
 * Which pods and service accounts belong to AI workloads (notebooks, model servers, Ray heads):
 * learned from the pod specs that audit events carry, from a scan's context, and, failing both,
 * from pod and image names.
 */
import type { AiWorkloadKind, WorkloadFacts } from '../parsers/events/event-documents.js';
import { recogniseAiServices, type AiService } from '../rules/kubernetes/lib/ai-services.js';
import { BoundedMap } from './bounded.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const MODEL_SERVERS = new Set(['openai-compatible', 'ollama', 'triton', 'torchserve']);

/** The workload kind of a recognised service, or undefined for those that are not notebooks, model servers or Ray. */
export function kindOfService(s: Pick<AiService, 'type' | 'label'>, rayHead = false): AiWorkloadKind | undefined {
  if (s.type === 'jupyter') return 'notebook';
  if (MODEL_SERVERS.has(s.type)) return 'model-server';
  if (s.type === 'ray') return rayHead ? 'ray-head' : 'ray-worker';
  if (s.type === 'mlflow' || s.type === 'gradio' || s.type === 'streamlit' || s.type === 'tensorboard' || s.type === 'open-webui')
    return 'ai-service';
  return undefined;
}

/** Inventory labels (`Jupyter`, `vLLM`, `Ray`) of `sanctum sbom` and `collectInventory`, by kind. */
export function kindOfLabel(label: string): AiWorkloadKind | undefined {
  const l = label.toLowerCase();
  if (/jupyter|notebook/.test(l)) return 'notebook';
  if (/ray/.test(l)) return 'ray-head';
  if (/vllm|text generation|tgi|sglang|llama|ollama|triton|torchserve|openai|inferenceservice|servingruntime|seldon|model/.test(l))
    return 'model-server';
  if (/mlflow|gradio|streamlit|tensorboard|open webui/.test(l)) return 'ai-service';
  return undefined;
}

const NAME_HINTS: ReadonlyArray<{ re: RegExp; kind: AiWorkloadKind; label: string }> = [
  { re: /(?:^|-)(?:jupyter|notebook|jupyterhub-user|jupyter-nb)(?:-|$)|^jupyter-/, kind: 'notebook', label: 'notebook' },
  { re: /(?:^|-)ray-?head(?:-|$)|-head-[a-z0-9]{5}$/, kind: 'ray-head', label: 'Ray head' },
  {
    re: /(?:^|-)(?:vllm|tgi|text-generation|sglang|triton|torchserve|ollama|llama-?cpp|predictor|model-?server|inference|llm-?server)(?:-|$)/,
    kind: 'model-server',
    label: 'model server',
  },
];

/** Recognises a workload from its pod (or deployment) name alone. */
export function kindFromName(name: string): WorkloadFacts | undefined {
  const n = name.toLowerCase();
  for (const h of NAME_HINTS) if (h.re.test(n)) return { kind: h.kind, label: h.label, via: `name '${name}'` };
  return undefined;
}

/** The owner name of a pod: `vllm-7d4b9c6f8-x2k4q` → `vllm`, `jupyter-0` → `jupyter`. */
export function ownerName(pod: string): string {
  const rs = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod);
  if (rs) return rs[1];
  const job = /^(.+)-[a-z0-9]{5}$/.exec(pod);
  if (job) return job[1];
  const sts = /^(.+)-\d+$/.exec(pod);
  if (sts) return sts[1];
  return pod;
}

function containersOf(spec: Obj): Obj[] {
  const out: Obj[] = [];
  for (const key of ['containers', 'initContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list) if (isObj(c)) out.push(c);
  }
  return out;
}

/** The pod template (metadata + spec) of a Pod or a workload object, if the object has one. */
export function podTemplateOf(obj: unknown): { metadata: Obj; spec: Obj } | undefined {
  if (!isObj(obj)) return undefined;
  if (obj.kind === 'Pod' && isObj(obj.spec)) return { metadata: isObj(obj.metadata) ? obj.metadata : {}, spec: obj.spec };
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  const tpl =
    spec && isObj(spec.template)
      ? spec.template
      : spec && isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) && isObj(spec.jobTemplate.spec.template)
        ? spec.jobTemplate.spec.template
        : undefined;
  if (tpl && isObj(tpl.spec)) return { metadata: isObj(tpl.metadata) ? tpl.metadata : {}, spec: tpl.spec };
  return undefined;
}

/** Recognises the AI workload a pod spec runs, from its containers (image, command, ports) and Ray labels. */
export function recognisePod(metadata: Obj, spec: Obj): WorkloadFacts | undefined {
  const labels = isObj(metadata.labels) ? metadata.labels : {};
  const rayHead = labels['ray.io/node-type'] === 'head';
  for (const c of containersOf(spec)) {
    for (const s of recogniseAiServices(c, { rayHead })) {
      const kind = kindOfService(s, rayHead);
      if (kind) return { kind, label: kind === 'ray-head' ? 'Ray head' : s.label, via: s.signals[0] ?? `image '${String(c.image)}'` };
    }
  }
  if (rayHead) return { kind: 'ray-head', label: 'Ray head', via: "label 'ray.io/node-type: head'" };
  if (typeof labels['notebook-name'] === 'string') return { kind: 'notebook', label: 'Kubeflow notebook', via: "label 'notebook-name'" };
  return undefined;
}

/** What is known about AI workloads: by `namespace/owner` for pods and `namespace/name` for service accounts. */
export class WorkloadIndex {
  private readonly owners: BoundedMap<string, WorkloadFacts>;
  private readonly serviceAccounts: BoundedMap<string, WorkloadFacts>;

  constructor(capacity = 50_000) {
    this.owners = new BoundedMap(capacity);
    this.serviceAccounts = new BoundedMap(capacity);
  }

  /** Records a workload known from outside the events (a scan result, an inventory). */
  addKnown(namespace: string | undefined, name: string, facts: WorkloadFacts, serviceAccount?: string): void {
    const ns = namespace ?? 'default';
    this.owners.set(`${ns}/${name}`, facts);
    if (serviceAccount) this.serviceAccounts.set(`${ns}/${serviceAccount}`, facts);
  }

  /** Learns from an object created or returned through the API (a Pod, a Deployment, a StatefulSet, …). */
  observeObject(namespace: string | undefined, obj: unknown): WorkloadFacts | undefined {
    const tpl = podTemplateOf(obj);
    if (!tpl || !isObj(obj)) return undefined;
    const facts = recognisePod(tpl.metadata, tpl.spec);
    if (!facts) return undefined;
    const meta = isObj(obj.metadata) ? obj.metadata : {};
    const ns = namespace ?? (typeof meta.namespace === 'string' ? meta.namespace : 'default');
    const name =
      typeof meta.name === 'string' ? meta.name : typeof meta.generateName === 'string' ? meta.generateName.replace(/-$/, '') : undefined;
    if (name) this.owners.set(`${ns}/${obj.kind === 'Pod' ? ownerName(name) : name}`, facts);
    const sa = typeof tpl.spec.serviceAccountName === 'string' ? tpl.spec.serviceAccountName : 'default';
    // The namespace's default account is shared by everything: it says nothing about one workload.
    if (sa !== 'default') this.serviceAccounts.set(`${ns}/${sa}`, facts);
    return facts;
  }

  /** The AI workload a pod belongs to, if known (or guessed from its name). */
  pod(namespace: string | undefined, pod: string, image?: string): WorkloadFacts | undefined {
    const ns = namespace ?? 'default';
    const known = this.owners.get(`${ns}/${pod}`) ?? this.owners.get(`${ns}/${ownerName(pod)}`);
    if (known) return known;
    if (image) {
      for (const s of recogniseAiServices({ image })) {
        const kind = kindOfService(s);
        if (kind) return { kind, label: s.label, via: `image '${image}'` };
      }
    }
    return kindFromName(pod);
  }

  /** The AI workload that runs under a service account, if known (or guessed from the account's name). */
  serviceAccount(namespace: string, name: string): WorkloadFacts | undefined {
    return this.serviceAccounts.get(`${namespace}/${name}`) ?? (name === 'default' ? undefined : kindFromName(name));
  }
}
