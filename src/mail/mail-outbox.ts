/**
 * The transactional outbox for mail that must not be lost: statements of reasons (DSA Art. 17),
 * notice receipts and outcomes (Art. 16), appeal receipts and outcomes (Art. 20).
 *
 * A service writes the message with `enqueue(tx, message)` inside the transaction that records the
 * decision, so the two commit or roll back together, and calls `deliver(ids)` right after the
 * commit. Delivery claims each row with a conditional update (`locked_until`), so two nodes never
 * send a row at the same time, hands it to the Mailer and marks it sent; a failed send is recorded
 * (`attempts`, `last_error`) and retried with exponential back-off. Rows a crash left behind, and
 * failed ones, are picked up by `deliverDue`, which `corkboard serve` runs every 30 seconds on one
 * node (`runJob`, which also purges sent rows after the retention period). Delivery is at least
 * once: a node that dies after the SMTP hand-off but before marking the row sent will have it sent
 * again once its claim runs out.
 *
 * A row that keeps failing is given up (`shouldGiveUp`): it is no longer retried and waits on the
 * admins' mail page (/staff/admin/mail), where an admin sees the error and can send it to the job
 * again (`retry`, audited).
 */
import type { AuditEntryInput } from '../audit/audit-log.ts';
import type { Database, Db } from '../db/client.ts';
import { GAVE_UP_AT, MailOutboxRepository, type ClaimedMail, type OutboxCounts, type OutboxRow } from './mail-outbox.repository.ts';
import type { Mailer, MailMessage } from './mailer.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Back-off after a failed send: 1 minute, doubling with each failure, at most an hour. */
export const FIRST_RETRY_MS = MINUTE;
export const MAX_RETRY_MS = 60 * MINUTE;
/** How long a claim keeps other nodes off a row: longer than any SMTP hand-off of a small batch. */
export const CLAIM_MS = 10 * MINUTE;
/**
 * When to stop retrying: a send fails, the row has now failed at least GIVE_UP_ATTEMPTS times, and it
 * was written at least GIVE_UP_AFTER_MS ago. Both, because each alone gives up on good mail: with the
 * back-off, 10 failures take only about four hours, shorter than an SMTP outage over a weekend, and
 * this is mail the law requires (statements of reasons), so three days of hourly tries (about 75)
 * come first; and a row that waited three days without tries (no server was running the job) still
 * gets 10 of them, about four hours, before it is given up. A given-up row keeps its error
 * (prefixed "gave up after N attempts: ") and gets `next_attempt_at` = GAVE_UP_AT.
 */
export const GIVE_UP_ATTEMPTS = 10;
export const GIVE_UP_AFTER_MS = 3 * DAY;
export const GAVE_UP_PREFIX = 'gave up after ';
const BATCH = 20;
/** At most this many rows per `deliverDue` call, so one run never holds the job lock for long. */
const MAX_PER_RUN = 500;
const PURGE_BATCH = 5000;
const PURGE_EVERY_MS = 60 * MINUTE;

export interface DeliveryReport {
  sent: number;
  failed: number;
  /** Of the failed, how many were given up (no more retries; shown to admins). */
  gaveUp: number;
}

export interface OutboxJobReport extends DeliveryReport {
  purged: number;
}

/** The delay before the next try of a row that has now failed `failures` times (1, 2, …). */
export function retryDelay(failures: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1), MAX_RETRY_MS);
}

/**
 * Whether a send failed because the receiving server refused the address for good: a 5xx reply to
 * RCPT TO for the one recipient ("550 mailbox does not exist"), as nodemailer reports it. Retrying
 * that for three days changes nothing. Other 5xx replies (authentication, a policy block at MAIL
 * FROM or DATA) are the sending side's problem and may be fixed, so they are retried as usual.
 */
export function refusedForGood(err: unknown): boolean {
  const e = err as { command?: unknown; permanent?: unknown; responseCode?: unknown } | null;
  return typeof e === 'object' && e !== null && e.command === 'RCPT TO' && (e.permanent === true || (typeof e.responseCode === 'number' && e.responseCode >= 500));
}

/** Whether a row written at `createdAt` that has now failed `failures` times is given up (see GIVE_UP_ATTEMPTS). */
export function shouldGiveUp(failures: number, createdAt: Date, now: Date): boolean {
  return failures >= GIVE_UP_ATTEMPTS && now.getTime() - createdAt.getTime() >= GIVE_UP_AFTER_MS;
}

export class MailOutbox {
  private lastPurgeAt = 0;

  constructor(
    private deps: {
      database: Database;
      mailer: Mailer;
      now: () => Date;
      /** Sent rows are kept this long as evidence that the mail went out, then purged. */
      retentionDays: number;
      /** Unexpected errors while delivering after a commit (the database, not the send): the job retries. */
      onError?: (err: unknown) => void;
    },
  ) {}

  /** Writes `message` in the caller's transaction; returns the row's id for `deliver`. */
  async enqueue(tx: Db, message: MailMessage): Promise<number> {
    return new MailOutboxRepository(tx).insert(message, this.deps.now());
  }

  async enqueueAll(tx: Db, messages: MailMessage[]): Promise<number[]> {
    const ids: number[] = [];
    for (const m of messages) ids.push(await this.enqueue(tx, m));
    return ids;
  }

  /**
   * Sends the given rows now, after the transaction that wrote them committed. Never throws: a
   * failed send is recorded on the row and retried by the job, so the decision that wrote it stands.
   */
  async deliver(ids: number[]): Promise<DeliveryReport> {
    const report = { sent: 0, failed: 0, gaveUp: 0 };
    if (ids.length === 0) return report;
    try {
      const now = this.deps.now();
      const rows = await this.repo().claim(ids, now, new Date(now.getTime() + CLAIM_MS));
      await this.sendAll(rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id)), report, () => this.deps.now());
    } catch (err) {
      this.reportError(err);
    }
    return report;
  }

  /** Sends every pending row whose next attempt is due: leftovers of a crash, and retries. */
  async deliverDue(now: Date = this.deps.now()): Promise<DeliveryReport> {
    const report = { sent: 0, failed: 0, gaveUp: 0 };
    const repo = this.repo();
    for (let done = 0; done < MAX_PER_RUN; ) {
      const rows = await repo.claimDue(now, new Date(now.getTime() + CLAIM_MS), Math.min(BATCH, MAX_PER_RUN - done));
      if (rows.length === 0) break;
      // Retries are timed from the run's `now`, so a row failing now is not due again in this run.
      await this.sendAll(rows, report, () => now);
      done += rows.length;
    }
    return report;
  }

  /** Deletes sent rows older than the retention period; returns how many. */
  async purgeSent(now: Date = this.deps.now()): Promise<number> {
    const before = new Date(now.getTime() - this.deps.retentionDays * DAY);
    let purged = 0;
    for (;;) {
      const n = await this.repo().purgeSent(before, PURGE_BATCH);
      purged += n;
      if (n < PURGE_BATCH) return purged;
    }
  }

  /** The periodic job: due deliveries every run, the purge at most once an hour. */
  async runJob(now: Date = this.deps.now()): Promise<OutboxJobReport> {
    const report = await this.deliverDue(now);
    let purged = 0;
    if (now.getTime() - this.lastPurgeAt >= PURGE_EVERY_MS) {
      purged = await this.purgeSent(now);
      this.lastPurgeAt = now.getTime();
    }
    return { ...report, purged };
  }

  /** Unsent rows: to be sent (of which failing), and given up. */
  counts(): Promise<OutboxCounts> {
    return this.repo().counts();
  }

  byId(id: number): Promise<OutboxRow | undefined> {
    return this.repo().byId(id);
  }

  /** Unsent rows that failed, newest first: given up (waiting for an admin) or still retried. */
  failedRows(which: 'given_up' | 'retrying', limit = 20): Promise<OutboxRow[]> {
    return this.repo().failedRows(which, limit);
  }

  /**
   * An admin's "retry": makes a given-up row due now, for the job (within 30 s), and audits it in
   * the same transaction. One more try: if it fails again it is given up again at once (it is still
   * old and has failed often), with the new error. Returns false if the row is not given up.
   */
  async retry(id: number, audit: { append(entry: AuditEntryInput, tx?: Db): Promise<unknown> }, actor: string): Promise<boolean> {
    return this.deps.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const row = await new MailOutboxRepository(tx).requeue(id, this.deps.now());
      if (!row) return false;
      await audit.append(
        { actor, action: 'mail.retried', subjectType: 'mail_outbox', subjectId: id, details: { subject: row.message.subject, attempts: row.attempts, lastError: row.lastError } },
        tx,
      );
      return true;
    });
  }

  /**
   * "Retry all" after the cause of many failures was fixed (an SMTP outage, wrong credentials): every
   * given-up row due again, with one audit entry listing them (the first 1,000 ids). Returns how many.
   */
  async retryAllGivenUp(audit: { append(entry: AuditEntryInput, tx?: Db): Promise<unknown> }, actor: string): Promise<number> {
    return this.deps.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const ids = await new MailOutboxRepository(tx).requeueAllGivenUp(this.deps.now());
      if (ids.length === 0) return 0;
      await audit.append({ actor, action: 'mail.retried_all', subjectType: 'mail_outbox', subjectId: 'given_up', details: { count: ids.length, ids: ids.slice(0, 1000) } }, tx);
      return ids.length;
    });
  }

  private async sendAll(rows: ClaimedMail[], report: DeliveryReport, clock: () => Date) {
    const repo = this.repo();
    for (const row of rows) {
      try {
        await this.deps.mailer.send(row.message);
      } catch (err) {
        report.failed++;
        const failedAt = clock();
        const failures = row.attempts + 1;
        const error = err instanceof Error ? err.message || err.name : String(err);
        if (refusedForGood(err) || shouldGiveUp(failures, row.createdAt, failedAt)) {
          report.gaveUp++;
          await repo.markFailed(row.id, `${GAVE_UP_PREFIX}${failures} attempts: ${error}`, GAVE_UP_AT);
        } else {
          await repo.markFailed(row.id, error, new Date(failedAt.getTime() + retryDelay(failures)));
        }
        continue;
      }
      await repo.markSent(row.id, clock());
      report.sent++;
    }
  }

  private repo() {
    return new MailOutboxRepository(this.deps.database.db);
  }

  private reportError(err: unknown) {
    if (this.deps.onError) this.deps.onError(err);
    else console.error('mail outbox: delivery after commit failed; the delivery job will retry', err);
  }
}
