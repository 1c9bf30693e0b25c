/**
 * The tamper-evident audit log: an append-only hash chain. Each entry's hash is SHA-256 over a
 * canonical serialisation of the entry, including the previous entry's hash, so changing or deleting
 * any row breaks every link after it. Appends lock the chain-head row (SELECT … FOR UPDATE) inside the
 * caller's transaction: the entry commits with the action it records, and the chain stays linear
 * under concurrency. There is deliberately no update or delete method.
 */
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm';
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

/** The newest entry: what an operator publishes outside the database to pin the chain (an anchor). */
export interface AuditHead {
  /** The entry's position in the chain; 0 for an empty log. */
  seq: number;
  hash: string;
  /** When the entry was written; null for an empty log. */
  at: Date | null;
}

/** A published head: the entry at `seq` must still have exactly `hash`. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

export interface AnchorFailure extends AuditAnchor {
  /** The hash the entry has now, or null when there is no entry at `seq` any more. */
  actual: string | null;
  problem: string;
}

/** `<seq>:<hash>`, the form `audit head` prints and `audit verify --anchor` reads. */
export function formatAnchor(head: AuditAnchor): string {
  return `${head.seq}:${head.hash}`;
}

/** Reads `<seq>:<hash>` (surrounding space ignored, hex in either case); null if it is not one. */
export function parseAnchor(text: string): AuditAnchor | null {
  const m = /^\s*(\d{1,15}):([0-9a-fA-F]{64})\s*$/.exec(text);
  return m ? { seq: Number(m[1]), hash: m[2]!.toLowerCase() } : null;
}

/** The one line to publish: which site, the anchor to check later, and when the entry was written. */
export function headLine(head: AuditHead, site: string): string {
  if (head.seq === 0) return `Corkboard audit log at ${site} is empty (nothing to anchor yet)`;
  return `Corkboard audit head at ${site}: ${formatAnchor(head)} (entry ${head.seq}, written ${head.at!.toISOString()})`;
}

const short = (hash: string) => `${hash.slice(0, 16)}…`;

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

  /** The newest entry (the chain's head), read from the log itself. */
  async head(): Promise<AuditHead> {
    const [row] = await this.db.select({ seq: auditLog.seq, hash: auditLog.hash, at: auditLog.at }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1);
    return row ?? { seq: 0, hash: GENESIS_HASH, at: null };
  }

  /**
   * Checks published heads against the log: the entry at each anchor's seq must still have exactly
   * the anchored hash. A chain rewritten from some entry on, with every hash recomputed, passes
   * `verify` but not this, for any anchor taken at or after the first rewritten entry.
   */
  async checkAnchors(anchors: AuditAnchor[]): Promise<AnchorFailure[]> {
    const wanted = anchors.filter((a) => a.seq > 0);
    const seqs = [...new Set(wanted.map((a) => a.seq))];
    const rows = seqs.length === 0 ? [] : await this.db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).where(inArray(auditLog.seq, seqs));
    const actual = new Map(rows.map((r) => [r.seq, r.hash]));
    const failures: AnchorFailure[] = [];
    for (const a of anchors) {
      if (a.seq === 0) {
        if (a.hash !== GENESIS_HASH) failures.push({ ...a, actual: GENESIS_HASH, problem: `entry 0 is the empty log, whose hash is always ${short(GENESIS_HASH)}: this anchor was not made by \`corkboard audit head\`` });
        continue;
      }
      const has = actual.get(a.seq) ?? null;
      if (has === null) failures.push({ ...a, actual: null, problem: `entry ${a.seq} should have hash ${short(a.hash)}, but there is no entry ${a.seq}: the log was cut back or rewritten at or before entry ${a.seq}` });
      else if (has !== a.hash) failures.push({ ...a, actual: has, problem: `entry ${a.seq} should have hash ${short(a.hash)}, has ${short(has)}: the log was rewritten at or before entry ${a.seq}` });
    }
    return failures;
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

/** How often a running server writes the head into its log (src/cli/serve.ts). */
export const AUDIT_HEAD_LOG_INTERVAL_MS = 60 * 60_000;

/**
 * Writes the head into the application log at info level with the stable message "audit head", so
 * that log shipping keeps copies of it out of the database's reach; those lines are anchors for
 * `corkboard audit verify --anchors FILE`. Returns what it logged.
 */
export async function logAuditHead(log: AuditLog, logger: { info(obj: object, msg: string): void }): Promise<AuditHead> {
  const head = await log.head();
  logger.info({ auditSeq: head.seq, auditHash: head.hash, auditAt: head.at?.toISOString() ?? null, anchor: formatAnchor(head) }, 'audit head');
  return head;
}
