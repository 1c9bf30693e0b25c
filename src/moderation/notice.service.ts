/**
 * DSA Art. 16 notices: stored with the notifier's details, queued by category (trusted flaggers
 * first within their priority, Art. 22), recorded in the audit log, receipt confirmed by mail.
 * The receipt goes through the mail outbox (written with the notice, delivered after the commit); the
 * outcome mail is sent by the decision service.
 */
import { TrustedFlaggerRepository } from './trusted-flagger.repository.ts';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { ads } from '../db/schema.ts';
import { AppError, validationError } from '../platform/errors.ts';
import { noticeReceiptMail } from './moderation-mails.ts';
import type { ModerationContext } from './moderation.context.ts';
import { ModerationRepository, type NoticeRow } from './moderation.repository.ts';
import { parseNotice } from './notice-input.ts';
import { PRIORITY, type NoticeCategory } from './policy.ts';

const NOTICE_PRIORITY: Record<NoticeCategory, number> = {
  child_safety: PRIORITY.child_safety,
  trafficking: PRIORITY.trafficking,
  illegal: PRIORITY.illegal,
  terms: PRIORITY.terms,
};

export class NoticeService {
  constructor(private ctx: ModerationContext) {}

  async submit(raw: Record<string, unknown>, account: { id: number; email: string } | null): Promise<NoticeRow> {
    const parsed = parseNotice(raw);
    if (!parsed.ok) throw validationError(parsed.errors);
    const input = parsed.input;
    const now = this.ctx.now();
    const mailIds: number[] = [];
    const notice = await this.ctx.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const repo = new ModerationRepository(tx);
      const [ad] = await tx.select({ state: ads.state }).from(ads).where(eq(ads.id, input.adId));
      if (!ad || ad.state === 'deleted' || ad.state === 'unconfirmed') throw validationError({ ad: 'We cannot find this ad. Check the address.' });
      const email = input.email ?? account?.email ?? null;
      const trusted = await new TrustedFlaggerRepository(tx).findMatching(account?.id ?? null, email);
      const row = await repo.insertNotice({ ...input, email, goodFaith: true, userId: account?.id ?? null, trustedFlaggerId: trusted?.id ?? null, createdAt: now });
      await repo.enqueue({ adId: input.adId, source: 'notice', priority: NOTICE_PRIORITY[input.category], trusted: trusted !== undefined, label: input.category, now });
      await this.ctx.audit.append(
        { actor: account ? `user:${account.id}` : 'system', action: 'notice.received', subjectType: 'ad', subjectId: input.adId, details: { notice: row.id, category: input.category, trustedFlagger: trusted?.organisation ?? null } },
        tx,
      );
      if (row.email) mailIds.push(await this.ctx.outbox.enqueue(tx, noticeReceiptMail(row.email, row.id, row.adId, now)));
      return row;
    });
    await this.ctx.outbox.deliver(mailIds);
    return notice;
  }

  async requireAd(adId: number): Promise<void> {
    const [ad] = await this.ctx.database.db.select({ state: ads.state }).from(ads).where(eq(ads.id, adId));
    if (!ad || ad.state === 'deleted' || ad.state === 'unconfirmed') throw new AppError('not_found', 'This ad does not exist, or it was deleted by its poster.');
  }
}
