import type {
  Alert,
  AlertHour,
  FindingDetail,
  FindingSummary,
  FrameworkCompliance,
  InventoryItem,
  Posture,
  RunSummary,
  TargetSummary,
} from '../../src/store/queries.js';
import type { ExposureCut, ExposurePath, InventoryItemWithFindings } from '../../src/server/dashboard/exposure.js';
import type { GatewayRequest, GatewayUsage } from '../../src/store/gateway-requests.js';

export type {
  Alert,
  AlertHour,
  FindingDetail,
  FindingSummary,
  FrameworkCompliance,
  InventoryItem,
  InventoryItemWithFindings,
  Posture,
  RunSummary,
  TargetSummary,
  ExposureCut,
  ExposurePath,
  GatewayRequest,
  GatewayUsage,
};

export interface FindingWithRule extends FindingDetail {
  rule?: { id: string; title: string; rationale: string; remediation: string; references: string[]; docs: string };
}

const TOKEN_KEY = 'sanctum.token';

export class Unauthorized extends Error {}

export const token = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (t: string) => localStorage.setItem(TOKEN_KEY, t.trim()),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** GET from the dashboard API with the stored token; 401 raises Unauthorized so the app asks for a token. */
export async function get<T>(path: string, params: Record<string, string | number | undefined> = {}): Promise<T> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') query.set(k, String(v));
  const t = token.get();
  const res = await fetch(`api/v1/${path}${query.size ? `?${query}` : ''}`, { headers: t ? { authorization: `Bearer ${t}` } : {} });
  if (res.status === 401) throw new Unauthorized('a token is needed');
  if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { error?: string }).error ?? `HTTP ${res.status}`);
  return (await res.json()) as T;
}
