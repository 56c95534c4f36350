/** The exposure graph's shapes (see `exposureGraph`), apart from its code so that the dashboard's client can name them. */

/** What a hop of an exposure path is: a way in from outside, a Service (or pool) in between, the workload, a model it serves. */
export type ExposureRole = 'entry' | 'service' | 'workload' | 'model';

export interface ExposureNode {
  role: ExposureRole;
  /** The object's kind (`Ingress`, `Service`, `Deployment`), or `Model` for a model a workload serves. */
  kind: string;
  namespace?: string;
  /** The object's name, or the model's hub name or URI. */
  name: string;
}

/** One edge of the graph from outside to the models: an entry routes to a Service, a Service selects a workload, a workload serves a model. */
export interface ExposureEdge {
  from: ExposureNode;
  to: ExposureNode;
  /** How: the Ingress host and port, the Service type and port, the AI services the workload runs. */
  detail?: Record<string, string>;
}
