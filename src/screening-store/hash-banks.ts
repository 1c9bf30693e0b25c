/**
 * Image hash banks kept in the database (`screening_hash_banks`, `screening_bank_hashes`) and
 * loaded into an in-memory `HashBankIndex` (multi-index hashing, microseconds per lookup).
 * Every node re-checks a cheap fingerprint (bank count, hash count, last change) at most every
 * `ttlMs`, so a bank imported by `corkboard hashbank import` is in use within seconds everywhere.
 */
import { sql } from 'drizzle-orm';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Database, Db } from '../db/client.ts';
import { screeningBankHashes, screeningHashBanks } from '../db/schema.ts';
import { HashBankIndex, type HashBank, type HashBankAction } from '../screening/images/index.ts';

export interface BankSummary {
  name: string;
  label: string;
  action: HashBankAction;
  hashes: number;
  updatedAt: Date;
}

export class HashBankConflictError extends Error {}

/** Who made a change from the admin pages, and the audit log to record it in. */
export interface AuditedBy {
  actorId: number;
  audit: AuditLog;
}

export class HashBankStore {
  private index: HashBankIndex | null = null;
  private fingerprint = '';
  private checkedAt = 0;
  private loading: Promise<HashBankIndex> | null = null;

  constructor(
    private readonly database: Database,
    private readonly ttlMs = 5000,
  ) {}

  /**
   * Adds a parsed bank's hashes (creating the bank). A bank keeps the label and action it was created
   * with. With `audited`, the import is recorded in the audit log in the same transaction.
   */
  async importBank(bank: HashBank, audited?: AuditedBy): Promise<{ added: number; alreadyPresent: number }> {
    const result = await this.database.db.transaction(async (tx) => {
      const [existing] = await tx.select().from(screeningHashBanks).where(sql`${screeningHashBanks.name} = ${bank.name}`).for('update');
      if (existing && (existing.label !== bank.label || existing.action !== bank.action)) {
        throw new HashBankConflictError(`hash bank ${JSON.stringify(bank.name)} exists with label ${existing.label} and action ${existing.action}`);
      }
      if (!existing) await tx.insert(screeningHashBanks).values({ name: bank.name, label: bank.label, action: bank.action });
      let added = 0;
      for (let i = 0; i < bank.entries.length; i += 1000) {
        const chunk = bank.entries.slice(i, i + 1000).map((e) => ({ bank: bank.name, hash: e.hash, quality: e.quality ?? null }));
        const rows = await tx.insert(screeningBankHashes).values(chunk).onConflictDoNothing().returning({ hash: screeningBankHashes.hash });
        added += rows.length;
      }
      await tx.update(screeningHashBanks).set({ updatedAt: new Date() }).where(sql`${screeningHashBanks.name} = ${bank.name}`);
      const counts = { added, alreadyPresent: bank.entries.length - added };
      if (audited) {
        await audited.audit.append(
          { actor: `user:${audited.actorId}`, action: 'hashbank.import', subjectType: 'hash_bank', subjectId: bank.name, details: { label: bank.label, action: bank.action, created: !existing, ...counts } },
          tx as unknown as Db,
        );
      }
      return counts;
    });
    this.invalidate();
    return result;
  }

  /** Changes what a match on the bank does; false when there is no such bank (or nothing changed). */
  async setAction(name: string, action: HashBankAction, audited: AuditedBy): Promise<boolean> {
    const changed = await this.database.db.transaction(async (tx) => {
      const [existing] = await tx.select().from(screeningHashBanks).where(sql`${screeningHashBanks.name} = ${name}`).for('update');
      if (!existing || existing.action === action) return false;
      await tx.update(screeningHashBanks).set({ action, updatedAt: new Date() }).where(sql`${screeningHashBanks.name} = ${name}`);
      await audited.audit.append(
        { actor: `user:${audited.actorId}`, action: 'hashbank.action', subjectType: 'hash_bank', subjectId: name, details: { label: existing.label, from: existing.action, to: action } },
        tx as unknown as Db,
      );
      return true;
    });
    this.invalidate();
    return changed;
  }

  /** Deletes the bank and its hashes; false when there is no such bank. */
  async deleteBank(name: string, audited: AuditedBy): Promise<boolean> {
    const deleted = await this.database.db.transaction(async (tx) => {
      const [existing] = await tx.select().from(screeningHashBanks).where(sql`${screeningHashBanks.name} = ${name}`).for('update');
      if (!existing) return false;
      const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(screeningBankHashes).where(sql`${screeningBankHashes.bank} = ${name}`);
      await tx.delete(screeningHashBanks).where(sql`${screeningHashBanks.name} = ${name}`); // hashes go with it (on delete cascade)
      await audited.audit.append(
        { actor: `user:${audited.actorId}`, action: 'hashbank.delete', subjectType: 'hash_bank', subjectId: name, details: { label: existing.label, action: existing.action, hashes: Number(count?.n ?? 0) } },
        tx as unknown as Db,
      );
      return true;
    });
    this.invalidate();
    return deleted;
  }

  async list(): Promise<BankSummary[]> {
    const rows = await this.database.query<{ name: string; label: string; action: HashBankAction; hashes: number; updated_at: Date }>(
      `select b.name, b.label, b.action, b.updated_at, (select count(*)::int from screening_bank_hashes h where h.bank = b.name) as hashes
         from screening_hash_banks b order by b.name`,
    );
    return rows.map((r) => ({ name: r.name, label: r.label, action: r.action, hashes: r.hashes, updatedAt: new Date(r.updated_at) }));
  }

  /** A string that changes whenever any bank changes (used by rescan to know what it screened against). */
  async currentFingerprint(): Promise<string> {
    const [r] = await this.database.query<{ banks: number; hashes: number; changed: Date | null }>(
      `select (select count(*)::int from screening_hash_banks) as banks,
              (select count(*)::int from screening_bank_hashes) as hashes,
              (select max(updated_at) from screening_hash_banks) as changed`,
    );
    return `${r!.banks}/${r!.hashes}/${r!.changed ? new Date(r!.changed).getTime() : 0}`;
  }

  /** Forgets the index: the next `matcher()` call waits for a fresh load (used after an import in this process). */
  invalidate(): void {
    this.index = null;
    this.loading = null;
    this.checkedAt = 0;
    this.fingerprint = '';
  }

  /**
   * The current index. Only the first call waits for the load; after that a stale index (older
   * than `ttlMs`) is returned at once while the fingerprint is re-checked in the background, so
   * the posting path never waits for the check.
   */
  async matcher(): Promise<HashBankIndex> {
    if (this.index && Date.now() - this.checkedAt < this.ttlMs) return this.index;
    this.loading ??= this.refresh().finally(() => (this.loading = null));
    if (this.index && this.ttlMs > 0) {
      this.loading.catch(() => {}); // a failed check keeps the last index; the next call retries
      return this.index;
    }
    return this.loading;
  }

  private async refresh(): Promise<HashBankIndex> {
    const fp = await this.currentFingerprint();
    if (this.index && fp === this.fingerprint) {
      this.checkedAt = Date.now();
      return this.index;
    }
    const rows = await this.database.query<{ name: string; label: string; action: HashBankAction; hash: string; quality: number | null }>(
      `select b.name, b.label, b.action, h.hash, h.quality from screening_hash_banks b join screening_bank_hashes h on h.bank = b.name order by b.name`,
    );
    const index = new HashBankIndex();
    const byBank = new Map<string, { meta: { name: string; label: string; action: HashBankAction }; entries: { hash: string; quality?: number }[] }>();
    for (const r of rows) {
      let b = byBank.get(r.name);
      if (!b) byBank.set(r.name, (b = { meta: { name: r.name, label: r.label, action: r.action }, entries: [] }));
      b.entries.push(r.quality === null ? { hash: r.hash } : { hash: r.hash, quality: r.quality });
    }
    for (const b of byBank.values()) index.add(b.meta, b.entries);
    if (index.size > 0) index.build();
    this.index = index;
    this.fingerprint = fp;
    this.checkedAt = Date.now();
    return index;
  }
}
