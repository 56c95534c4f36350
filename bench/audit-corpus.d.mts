export interface AuditScenarioOptions {
  hours?: number;
  seed?: number;
  /** Start time in ms. */
  start?: number;
  eventsPerHour?: number;
  /** Users and service accounts making the ordinary traffic. */
  identities?: number;
}

export function auditScenario(opts?: AuditScenarioOptions): { lines: string[]; attacks: Map<string, string[]> };
