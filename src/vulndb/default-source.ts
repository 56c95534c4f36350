import type { PackageRef, VulnerabilityMatch, VulnerabilitySource } from '../core/vulnerability.js';
import { databaseDisplayPath, DatabaseError, defaultDatabaseDir, VulnerabilityDatabase } from './database.js';

/**
 * The database a scan uses when it is given none: the one in `$SANCTUM_CACHE_DIR/db` (or the user
 * cache directory), opened on the first lookup, so a scan without dependencies never touches it. When
 * there is none, or it cannot be read, `onProblem` hears it once (with the directory named
 * symbolically, as results name paths) and every lookup finds nothing: the rest of the scan goes on.
 */
export class DefaultVulnerabilitySource implements VulnerabilitySource {
  private db: VulnerabilityDatabase | null | undefined;

  constructor(
    private readonly onProblem: (path: string, message: string) => void,
    readonly dir: string = defaultDatabaseDir(),
  ) {}

  private get(): VulnerabilityDatabase | null {
    if (this.db !== undefined) return this.db;
    try {
      this.db = VulnerabilityDatabase.open(this.dir) ?? null;
      if (!this.db)
        this.onProblem(
          databaseDisplayPath(this.dir),
          'no vulnerability database: dependencies were not matched against advisories. Run `sanctum db update` (downloads from OSV) or `sanctum db import all.zip`',
        );
    } catch (e) {
      if (!(e instanceof DatabaseError)) throw e;
      this.db = null;
      const where = databaseDisplayPath(this.dir);
      this.onProblem(where, `${e.message.split(this.dir).join(where)}: dependencies were not matched against advisories`);
    }
    return this.db;
  }

  affecting(pkg: PackageRef): VulnerabilityMatch[] {
    return this.get()?.affecting(pkg) ?? [];
  }

  knownMalicious(ecosystem: string, name: string): VulnerabilityMatch[] {
    return this.get()?.knownMalicious(ecosystem, name) ?? [];
  }

  close(): void {
    this.db?.close();
  }
}
