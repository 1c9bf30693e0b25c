/**
 * Screening policies edited by admins, kept in `screening_policies` (one row per saved version,
 * never updated; the newest row wins; no row = the bundled policy/default.yaml). Every node caches
 * the compiled policy and re-checks the newest id (one primary-key lookup) at most every
 * `checkEveryMs`, so a version saved on another node is in use there within that interval.
 */
import { readFileSync } from 'node:fs';
import { desc, eq, sql } from 'drizzle-orm';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Database, Db } from '../db/client.ts';
import { screeningPolicies, users } from '../db/schema.ts';
import { DEFAULT_POLICY_PATH, parsePolicy, PolicyError, type Policy } from '../screening/index.ts';

export interface StoredPolicyInfo {
  /** The row id, or null for the bundled policy. */
  id: number | null;
  version: string;
  origin: 'bundled' | 'saved';
  yaml: string;
  note: string | null;
  createdBy: number | null;
  createdByEmail: string | null;
  createdAt: Date | null;
}

export interface CurrentPolicy {
  info: StoredPolicyInfo;
  policy: Policy;
}

/** The version is taken: a saved policy must carry a version never used before. */
export class PolicyVersionTakenError extends Error {}

export class PolicyStore {
  private cached: CurrentPolicy | null = null;
  private checkedAt = 0;
  private loading: Promise<CurrentPolicy> | null = null;

  constructor(
    private readonly database: Database,
    private readonly opts: { checkEveryMs?: number; bundledPath?: string } = {},
  ) {}

  private bundled(): CurrentPolicy {
    const path = this.opts.bundledPath ?? DEFAULT_POLICY_PATH;
    const yaml = readFileSync(path, 'utf8');
    const policy = parsePolicy(yaml, path);
    return { policy, info: { id: null, version: policy.version, origin: 'bundled', yaml, note: null, createdBy: null, createdByEmail: null, createdAt: null } };
  }

  private async newestId(): Promise<number | null> {
    const [row] = await this.database.db.select({ id: sql<number | null>`max(${screeningPolicies.id})` }).from(screeningPolicies);
    return row?.id === null || row?.id === undefined ? null : Number(row.id);
  }

  /** Reads the newest policy from the database (or the bundled one) and compiles it. */
  async load(): Promise<CurrentPolicy> {
    const [row] = await this.database.db
      .select({ p: screeningPolicies, email: users.email })
      .from(screeningPolicies)
      .leftJoin(users, eq(users.id, screeningPolicies.createdBy))
      .orderBy(desc(screeningPolicies.id))
      .limit(1);
    if (!row) return this.bundled();
    const policy = parsePolicy(row.p.source, `saved policy ${row.p.version}`);
    return {
      policy,
      info: { id: row.p.id, version: row.p.version, origin: 'saved', yaml: row.p.source, note: row.p.note, createdBy: row.p.createdBy, createdByEmail: row.email, createdAt: row.p.createdAt },
    };
  }

  /** The newest saved versions, newest first, with who saved them. */
  async history(limit = 20): Promise<{ id: number; version: string; by: string | null; at: Date; note: string | null }[]> {
    const rows = await this.database.db
      .select({ id: screeningPolicies.id, version: screeningPolicies.version, by: users.email, at: screeningPolicies.createdAt, note: screeningPolicies.note })
      .from(screeningPolicies)
      .leftJoin(users, eq(users.id, screeningPolicies.createdBy))
      .orderBy(desc(screeningPolicies.id))
      .limit(limit);
    return rows;
  }

  /** The policy in force, re-checked against the database at most every `checkEveryMs` (default 5 s). */
  async current(): Promise<CurrentPolicy> {
    const ttl = this.opts.checkEveryMs ?? 5000;
    if (this.cached && Date.now() - this.checkedAt < ttl) return this.cached;
    this.loading ??= (async () => {
      const newest = await this.newestId();
      if (!this.cached || newest !== this.cached.info.id) this.cached = await this.load();
      this.checkedAt = Date.now();
      return this.cached;
    })().finally(() => (this.loading = null));
    return this.loading;
  }

  /**
   * Validates and stores `yaml` as the newest policy, with its audit entry in the same transaction,
   * and puts it in force on this node at once. Throws PolicyError (with the loader's issues) for an
   * invalid policy and PolicyVersionTakenError when its version was used before.
   */
  async save(yaml: string, note: string | null, actorId: number, audit: AuditLog): Promise<CurrentPolicy> {
    const policy = parsePolicy(yaml, 'edited policy');
    const previous = await this.current();
    const version = policy.version;
    await this.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      // Serialise saves: the unique index would refuse a duplicate anyway, but this gives the clear error.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('corkboard:screening_policies'))`);
      const [taken] = await tx.select({ id: screeningPolicies.id }).from(screeningPolicies).where(eq(screeningPolicies.version, version));
      if (taken || version === this.bundled().info.version) throw new PolicyVersionTakenError(`Version ${version} was used before; give the edited policy a new version.`);
      const [row] = await tx.insert(screeningPolicies).values({ version, source: yaml, note, createdBy: actorId }).returning({ id: screeningPolicies.id });
      await audit.append(
        { actor: `user:${actorId}`, action: 'policy.save', subjectType: 'screening_policy', subjectId: row!.id, details: { version, previousVersion: previous.info.version, note, rules: policy.rules.length } },
        tx,
      );
    });
    this.cached = null;
    this.checkedAt = 0;
    return this.current();
  }
}

export { PolicyError };
