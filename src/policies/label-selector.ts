import type { z } from 'zod';
import { lazySchema } from '../core/zod.js';

/** A Kubernetes label selector (`matchLabels`, `matchExpressions` with In, NotIn, Exists, DoesNotExist). */
export const labelSelectorSchema = lazySchema((z) =>
  z.object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(
        z.object({
          key: z.string(),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
          values: z.array(z.string()).optional(),
        }),
      )
      .optional(),
  }),
);

export type LabelSelector = z.infer<ReturnType<typeof labelSelectorSchema>>;

/** True when the labels satisfy the selector; an empty selector matches everything, as in Kubernetes. */
export function matchesSelector(selector: LabelSelector | undefined | null, labels: Readonly<Record<string, string>>): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== String(v)) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = (e.values ?? []).map(String);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}
