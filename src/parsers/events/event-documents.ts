import type { At, Located, ScanDocument } from '../../core/document.js';
import { isLineSpan, isTextSpan } from '../../core/document.js';
import type { SourceFile } from '../../core/source-file.js';
import type { EventRef, ObjectPath, ResourceRef } from '../../core/types.js';
import { pointerFromPath } from '../../core/types.js';
import { actorOf, timeOf, type AuditEvent } from '../../sources/events/audit-event.js';
import type { HostEvent } from '../../sources/events/host-event.js';
import { lookupTable } from '../../core/lookup-table.js';

/** What kind of AI workload a pod or service account belongs to, and how that is known. */
export type AiWorkloadKind = 'notebook' | 'model-server' | 'ray-head' | 'ray-worker' | 'ai-service';

export interface WorkloadFacts {
  kind: AiWorkloadKind;
  /** `Jupyter`, `vLLM`, `Ray head`. */
  label: string;
  /** How it was recognised: `scan result`, `image 'vllm/vllm-openai:v0.6.3'`, `pod name`. */
  via: string;
}

export type BaselineDimension = 'verb' | 'resource' | 'namespace' | 'sourceIP' | 'userAgent' | 'rate';

/** A value of an identity's event that its learned baseline never held. */
export interface Departure {
  dimension: BaselineDimension;
  value: string;
  /** What the baseline held for that dimension (at most a few values, `…` when more). */
  baseline: string[];
}

/**
 * What the runtime state knew when the event arrived: set by the observer before rules run, so that
 * rules stay pure functions of their document.
 */
export interface EventFacts {
  /** The AI workload the event is about (the pod exec'd into, the pod of a host event). */
  target?: WorkloadFacts;
  /** The AI workload whose service account made the request. */
  actor?: WorkloadFacts;
  /** A pod asking for GPUs in a namespace where none was created while the state was learning and since. */
  firstGpuInNamespace?: boolean;
  /** The actor never read this secret before, though the state had learned who reads it. */
  firstReadOfSecret?: boolean;
  /** A model server connected to an address it never contacted while learning and since. */
  newDestination?: boolean;
  /** Departures of the actor from its learned baseline. */
  departures?: Departure[];
}

/** Where one event was read: a line of a file or stream, or an item of an EventList. */
export interface EventOrigin {
  file: SourceFile;
  /** 1-based line of the event (of its first line, for a multi-line document). */
  line: number;
  /** Length of that line, for the end column. */
  lineLength: number;
  /** Pointer prefix of the event inside its document (`/items/3` for an EventList item). */
  pointerPrefix: ObjectPath;
}

abstract class EventDocumentBase implements ScanDocument {
  abstract readonly kind: string;
  abstract readonly event: EventRef;
  abstract readonly resource?: ResourceRef;
  constructor(
    readonly origin: EventOrigin,
    readonly facts: EventFacts,
  ) {}

  get file(): SourceFile {
    return this.origin.file;
  }

  get detail(): string | undefined {
    return undefined;
  }

  locate(at: At | undefined): Located {
    const o = this.origin;
    const range = { startLine: o.line, startColumn: 1, endLine: o.line, endColumn: o.lineLength + 1 };
    if (at === undefined || isTextSpan(at) || isLineSpan(at))
      return { range, objectPath: o.pointerPrefix.length ? pointerFromPath(o.pointerPrefix) : '' };
    return { range, objectPath: pointerFromPath([...o.pointerPrefix, ...(at as ObjectPath)]) };
  }
}

const RESOURCE_KINDS: Readonly<Record<string, string>> = lookupTable({
  pods: 'Pod',
  secrets: 'Secret',
  configmaps: 'ConfigMap',
  services: 'Service',
  ingresses: 'Ingress',
  roles: 'Role',
  clusterroles: 'ClusterRole',
  rolebindings: 'RoleBinding',
  clusterrolebindings: 'ClusterRoleBinding',
  deployments: 'Deployment',
  statefulsets: 'StatefulSet',
  daemonsets: 'DaemonSet',
  jobs: 'Job',
  cronjobs: 'CronJob',
  serviceaccounts: 'ServiceAccount',
  namespaces: 'Namespace',
  nodes: 'Node',
});

/** One audit event, with what the runtime state knew when it arrived. */
export class AuditEventDocument extends EventDocumentBase {
  readonly kind = 'audit-event';
  // Built on first use: only events with findings need them, and most events have none.
  private eventRef: EventRef | undefined;
  private resourceRef: ResourceRef | null | undefined;
  constructor(
    readonly audit: AuditEvent,
    origin: EventOrigin,
    facts: EventFacts,
  ) {
    super(origin, facts);
  }

  get event(): EventRef {
    const a = this.audit;
    this.eventRef ??= { auditID: a.auditID, time: timeOf(a), user: actorOf(a), sourceIPs: a.sourceIPs ?? [], source: 'audit' };
    return this.eventRef;
  }

  get resource(): ResourceRef | undefined {
    if (this.resourceRef === undefined) {
      const ref = this.audit.objectRef;
      this.resourceRef = ref?.resource
        ? {
            ...(ref.apiVersion ? { apiVersion: ref.apiGroup ? `${ref.apiGroup}/${ref.apiVersion}` : ref.apiVersion } : {}),
            kind: RESOURCE_KINDS[ref.resource] ?? ref.resource,
            ...(ref.namespace ? { namespace: ref.namespace } : {}),
            ...(ref.name ? { name: ref.name } : {}),
          }
        : null;
    }
    return this.resourceRef ?? undefined;
  }

  override get detail(): string | undefined {
    const ref = this.audit.objectRef;
    return ref?.subresource ? `${this.audit.verb} ${ref.resource}/${ref.subresource}` : undefined;
  }
}

/** One Falco or Tetragon event, reduced to the common shape. */
export class HostEventDocument extends EventDocumentBase {
  readonly kind = 'host-event';
  readonly event: EventRef;
  readonly resource?: ResourceRef;
  constructor(
    readonly host: HostEvent,
    origin: EventOrigin,
    facts: EventFacts,
  ) {
    super(origin, facts);
    const who = host.pod ? `${host.namespace ?? 'default'}/${host.pod}` : (host.node ?? '(host)');
    this.event = { auditID: host.id, time: host.time, user: who, sourceIPs: [], source: host.source };
    if (host.pod) this.resource = { kind: 'Pod', ...(host.namespace ? { namespace: host.namespace } : {}), name: host.pod };
  }
}

export type EventDocument = AuditEventDocument | HostEventDocument;
