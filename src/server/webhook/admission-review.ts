import type { z as Zod } from 'zod';
import { zod } from '../../core/zod.js';

// zod loads with this module, which only the commands that need it import (not start-up).
const { z } = zod();

/**
 * AdmissionReview `admission.k8s.io/v1` as the API server sends it to a webhook, and the response it
 * expects back (same apiVersion and kind, `response.uid` equal to `request.uid`).
 */
export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

const groupVersionKind = z.object({ group: z.string(), version: z.string(), kind: z.string() });
const groupVersionResource = z.object({ group: z.string(), version: z.string(), resource: z.string() });

const AdmissionRequestSchema = z.object({
  uid: z.string().min(1, 'request.uid is empty'),
  kind: groupVersionKind,
  resource: groupVersionResource.optional(),
  subResource: z.string().optional(),
  requestKind: groupVersionKind.optional(),
  requestResource: groupVersionResource.optional(),
  requestSubResource: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
  userInfo: z
    .object({
      username: z.string().optional(),
      uid: z.string().optional(),
      groups: z.array(z.string()).optional(),
      extra: z.record(z.string(), z.array(z.string())).optional(),
    })
    .optional(),
  object: z.unknown().optional(),
  oldObject: z.unknown().optional(),
  dryRun: z.boolean().optional(),
  options: z.unknown().optional(),
});

export type AdmissionRequest = Zod.infer<typeof AdmissionRequestSchema>;

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  warnings?: string[];
  patchType?: 'JSONPatch';
  patch?: string;
  auditAnnotations?: Record<string, string>;
}

/** A request body that is not an AdmissionReview v1 we can answer: HTTP 400 with this message. */
export class BadReviewError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadReviewError';
  }
}

/** Reads a parsed body as an AdmissionReview v1 request, or throws `BadReviewError` saying what is wrong. */
export function readAdmissionReview(body: unknown): AdmissionRequest {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new BadReviewError('the body is not a JSON object (expected an AdmissionReview)');
  const b = body as Record<string, unknown>;
  if (b.kind !== 'AdmissionReview') throw new BadReviewError(`kind is ${describe(b.kind)}, expected AdmissionReview`);
  if (b.apiVersion !== ADMISSION_API_VERSION)
    throw new BadReviewError(
      `apiVersion ${describe(b.apiVersion)} is not served: only ${ADMISSION_API_VERSION} (set admissionReviewVersions: ["v1"] in the webhook configuration)`,
    );
  if (b.request === undefined || b.request === null) throw new BadReviewError('the AdmissionReview has no request');
  const r = AdmissionRequestSchema.safeParse(b.request);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `request.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new BadReviewError(`invalid AdmissionReview request: ${issues}`);
  }
  return r.data;
}

export function reviewResponse(response: AdmissionResponse): { apiVersion: string; kind: 'AdmissionReview'; response: AdmissionResponse } {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  return JSON.stringify(v).slice(0, 80);
}
