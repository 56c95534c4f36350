import type { BudgetLimits } from './config.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** One scope's counts in the current UTC minute and UTC day. */
interface Counts {
  minute: number;
  minuteRequests: number;
  minuteTokens: number;
  day: number;
  dayRequests: number;
  dayTokens: number;
}

export interface BudgetScope {
  /** `key:NAME` or `team:NAME`. */
  readonly id: string;
  readonly limits: BudgetLimits;
}

export interface BudgetRefusal {
  scope: string;
  limit: keyof BudgetLimits;
  /** Whole seconds until the window that refused starts again. */
  retryAfterSeconds: number;
}

/**
 * Request and token budgets over fixed windows (the UTC minute and the UTC day). Requests count when
 * admitted; tokens when the upstream reported (or the gateway estimated) them, so requests in flight
 * together may overshoot a token budget by their own size. Counts live in memory, per process.
 */
export class Budgets {
  private readonly counts = new Map<string, Counts>();

  constructor(private readonly now: () => number = Date.now) {}

  private countsOf(id: string, t: number): Counts {
    const minute = Math.floor(t / MINUTE);
    const day = Math.floor(t / DAY);
    let c = this.counts.get(id);
    if (!c) {
      c = { minute, minuteRequests: 0, minuteTokens: 0, day, dayRequests: 0, dayTokens: 0 };
      this.counts.set(id, c);
    }
    if (c.minute !== minute) Object.assign(c, { minute, minuteRequests: 0, minuteTokens: 0 });
    if (c.day !== day) Object.assign(c, { day, dayRequests: 0, dayTokens: 0 });
    return c;
  }

  /**
   * Admits one request against every scope (all or none count it), or says which budget refused and
   * for how long: when several are spent, the one that frees last, so a client that waits
   * `Retry-After` is not refused again by another.
   */
  admit(scopes: readonly BudgetScope[]): BudgetRefusal | undefined {
    const t = this.now();
    let worst: BudgetRefusal | undefined;
    // No array or closure per request: this runs for every request of a key with a budget.
    for (const s of scopes) {
      const c = this.countsOf(s.id, t);
      const { requestsPerMinute: rpm, requestsPerDay: rpd, tokensPerMinute: tpm, tokensPerDay: tpd } = s.limits;
      let limit: keyof BudgetLimits;
      let ms: number;
      if (rpd !== undefined && c.dayRequests >= rpd) {
        limit = 'requestsPerDay';
        ms = (c.day + 1) * DAY - t;
      } else if (tpd !== undefined && c.dayTokens >= tpd) {
        limit = 'tokensPerDay';
        ms = (c.day + 1) * DAY - t;
      } else if (rpm !== undefined && c.minuteRequests >= rpm) {
        limit = 'requestsPerMinute';
        ms = (c.minute + 1) * MINUTE - t;
      } else if (tpm !== undefined && c.minuteTokens >= tpm) {
        limit = 'tokensPerMinute';
        ms = (c.minute + 1) * MINUTE - t;
      } else continue;
      const retryAfterSeconds = Math.max(1, Math.ceil(ms / 1000));
      if (!worst || retryAfterSeconds > worst.retryAfterSeconds) worst = { scope: s.id, limit, retryAfterSeconds };
    }
    if (worst) return worst;
    for (const s of scopes) {
      const c = this.countsOf(s.id, t);
      c.minuteRequests++;
      c.dayRequests++;
    }
    return undefined;
  }

  /** Counts tokens spent against every scope. */
  spend(scopes: readonly BudgetScope[], tokens: number): void {
    if (!(tokens > 0)) return;
    const t = this.now();
    for (const s of scopes) {
      const c = this.countsOf(s.id, t);
      c.minuteTokens += tokens;
      c.dayTokens += tokens;
    }
  }

  /** What is left in each window of a scope (for `x-ratelimit-*` headers and tests). */
  remaining(scope: BudgetScope): Partial<Record<keyof BudgetLimits, number>> {
    const c = this.countsOf(scope.id, this.now());
    const { requestsPerMinute: rpm, requestsPerDay: rpd, tokensPerMinute: tpm, tokensPerDay: tpd } = scope.limits;
    const left = (limit: number | undefined, used: number) => (limit === undefined ? undefined : Math.max(0, limit - used));
    return {
      requestsPerMinute: left(rpm, c.minuteRequests),
      requestsPerDay: left(rpd, c.dayRequests),
      tokensPerMinute: left(tpm, c.minuteTokens),
      tokensPerDay: left(tpd, c.dayTokens),
    };
  }
}
