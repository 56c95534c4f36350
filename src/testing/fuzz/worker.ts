/**
 * Entry of the fuzzer's child process (bundled by `campaign.ts`): allocations are watched before
 * Sanctum loads, then cases run as the parent asks.
 */
import { watchAllocations } from './allocations.js';

watchAllocations();
await import('./worker-loop.js');
