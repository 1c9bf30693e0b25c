/**
 * The tamper-evident audit log: an append-only hash chain. Each entry's hash is SHA-256 over a
 * canonical serialisation of the entry, including the previous entry's hash, so changing or deleting
 * any row breaks every link after it. Appends lock the chain-head row (SELECT … FOR UPDATE) inside the
 * caller's transaction: the entry commits with the action it records, and the chain stays linear
 * under concurrency. There is deliberately no update or delete method.
 */
import { createHash } from 'node:crypto';
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { auditChainHead, auditLog } from '../db/schema.ts';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditEntryInput {
  /** 'user:<id>' or 'system'. */
  actor: string;
  action: string;
  subjectType: string;
  subjectId: string | number;
  details?: Record<string, unknown>;
}

/** JSON with object keys sorted at every level: the same value always serialises to the same bytes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function entryHash(e: Pick<AuditRow, 'seq' | 'at' | 'actor' | 'action' | 'subjectType' | 'subjectId' | 'details' | 'prevHash'>): string {
  const canonical = canonicalJson({
    seq: e.seq,
    at: e.at.toISOString(),
    actor: e.actor,
    action: e.action,
    subject_type: e.subjectType,
    subject_id: e.subjectId,
    details: e.details,
    prev_hash: e.prevHash,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Plain JSON only (dates become ISO strings), so what is hashed is exactly what jsonb gives back. */
function plainDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details ?? {}, (_k, v: unknown) => (typeof v === 'string' ? v.replace(/\u0000/g, '') : v))) as Record<string, unknown>;
}

export type VerifyResult =
  | { ok: true; entries: number; headHash: string }
  | { ok: false; entries: number; brokenAt: number; problem: string };

export class AuditLog {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Appends one entry. Pass the transaction that performs the action (`tx`) so both commit or
   * neither does; without one the entry is written in its own transaction.
   */
  async append(entry: AuditEntryInput, tx?: Db): Promise<AuditRow> {
    if (!tx) return this.db.transaction((t) => this.append(entry, t as unknown as Db));
    await tx.insert(auditChainHead).values({ id: 1, seq: 0, hash: GENESIS_HASH }).onConflictDoNothing();
    const [head] = await tx.select().from(auditChainHead).where(eq(auditChainHead.id, 1)).for('update');
    const row = {
      seq: head!.seq + 1,
      at: this.now(),
      actor: entry.actor,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: String(entry.subjectId),
      details: plainDetails(entry.details),
      prevHash: head!.hash,
    };
    const hash = entryHash(row);
    const [inserted] = await tx.insert(auditLog).values({ ...row, hash }).returning();
    await tx.update(auditChainHead).set({ seq: row.seq, hash }).where(eq(auditChainHead.id, 1));
    return inserted!;
  }

  async entriesFor(subjectType: string, subjectId: string | number): Promise<AuditRow[]> {
    return this.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, subjectType), eq(auditLog.subjectId, String(subjectId))))
      .orderBy(asc(auditLog.seq));
  }

  /**
   * Walks the chain in seq order, `batch` rows at a time, and reports the first broken link: a
   * changed entry (hash mismatch), a deleted one (seq gap or prev_hash mismatch), or a missing tail
   * (the last entry is not the recorded head).
   */
  async verify(batch = 1000): Promise<VerifyResult> {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    for (;;) {
      const rows = await this.db
        .select()
        .from(auditLog)
        .where(gt(auditLog.seq, expectedSeq - 1))
        .orderBy(asc(auditLog.seq))
        .limit(batch);
      for (const r of rows) {
        if (r.seq !== expectedSeq) return { ok: false, entries: count, brokenAt: expectedSeq, problem: `entry ${expectedSeq} is missing (next is ${r.seq})` };
        if (r.prevHash !== prevHash) return { ok: false, entries: count, brokenAt: r.seq, problem: `entry ${r.seq} does not follow entry ${r.seq - 1} (prev_hash differs)` };
        if (entryHash(r) !== r.hash) return { ok: false, entries: count, brokenAt: r.seq, problem: `entry ${r.seq} was altered (its hash does not match its contents)` };
        prevHash = r.hash;
        expectedSeq++;
        count++;
      }
      if (rows.length < batch) break;
    }
    const [head] = await this.db.select().from(auditChainHead).where(eq(auditChainHead.id, 1));
    const headSeq = head?.seq ?? 0;
    const headHash = head?.hash ?? GENESIS_HASH;
    if (headSeq !== count || headHash !== prevHash) {
      return { ok: false, entries: count, brokenAt: count + 1, problem: `the chain ends at entry ${count} but the recorded head is entry ${headSeq}: entries were removed from the end` };
    }
    return { ok: true, entries: count, headHash };
  }
}
