export { Store, StoreError, parseStoreUrl, type Engine, type StoreLocation } from './store.js';
export { ingestRun, IngestConflict, type IngestResult, type RunMeta } from './ingest.js';
export { parseRunInput, RunInputError, type RunInput, type InventoryEntry } from './run-input.js';
export * from './queries.js';
export { createToken, verifyToken, listTokens, revokeToken, hashToken, TOKEN_PREFIX, type TokenInfo } from './tokens.js';
export type { TargetKind, TokenScope } from './schema.js';
export { uploadResult, inventoryEntries, alertsEndpoint, UploadError, type UploadOptions } from './upload.js';
export {
  parseGatewayRequests,
  ingestGatewayRequests,
  listGatewayRequests,
  gatewayUsage,
  GatewayRecordsError,
  MAX_GATEWAY_BATCH,
  type GatewayRequest,
  type GatewayRequestRecord,
  type GatewayRequestFilter,
  type GatewayUsage,
} from './gateway-requests.js';
