/**
 * Moderators' decisions on review items: approve, remove, move category, warn, suspend or ban the
 * poster, escalate. Each decision runs in one transaction: the ad's transition (through
 * AdRepository.transition), the statement of reasons, blocked contacts, flag outcomes and flagger
 * records, notice outcomes, closing the ad's open items, the audit entry, and the mail (the poster's
 * statement of reasons, each notifier's outcome) written to the outbox; it is delivered after the commit.
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { AccountRepository } from '../accounts/account.repository.ts';
import type { Db } from '../db/client.ts';
import { ads, adEvents, type AdState } from '../db/schema.ts';
import { AdRepository, type AdRow } from '../listings/ad.repository.ts';
import type { MailMessage } from '../mail/mailer.ts';
import { AppError, validationError } from '../platform/errors.ts';
import { appealUrl } from './appeal-links.ts';
import { noticeOutcomeMail, posterNoticeMail, statementMail } from './moderation-mails.ts';
import type { ModerationContext } from './moderation.context.ts';
import { ModerationRepository, normaliseEmail, normalisePhone, type ReviewItemRow } from './moderation.repository.ts';
import { adChanges } from '../listings/ad-changes.ts';
import { decisionConflict, FLAG_REASONS, POLICY_REASONS, type PolicyReasonKey } from './policy.ts';
import { bankRemovedAd, RemovedContentBank } from './removed-content.ts';
import { buildStatement, statementText, type AccountDecision, type SourceType, type StatementRow, type Visibility } from './statements.ts';

export type Decision =
  | { kind: 'approve'; note?: string }
  | { kind: 'remove'; reason: PolicyReasonKey; note?: string }
  | { kind: 'move_category'; categoryId: number; note?: string }
  | { kind: 'warn'; reason: PolicyReasonKey; note?: string }
  | { kind: 'suspend'; reason: PolicyReasonKey; days: number; note?: string }
  | { kind: 'ban'; reason: PolicyReasonKey; note?: string }
  | { kind: 'escalate'; note?: string };

export type LinkKind = 'template' | 'phone' | 'email' | 'image';

const LIVE: readonly AdState[] = ['pending', 'published', 'held', 'rejected', 'expired'];
const DAY = 86_400_000;

/** The mails a decision collects; written to the mail outbox before the transaction commits. */
interface Outbox {
  mails: MailMessage[];
  ids: number[];
}

export class DecisionService {
  constructor(private ctx: ModerationContext) {}

  /** Decides a claimed item. The moderator must hold an unexpired claim on it. */
  async decide(itemId: number, moderatorId: number, decision: Decision): Promise<{ adId: number; statements: string[] }> {
    this.check(decision);
    const now = this.ctx.now();
    const outbox: Outbox = { mails: [], ids: [] };
    const result = await this.ctx.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const repo = new ModerationRepository(tx);
      const item = await repo.lockItem(itemId);
      if (!item || item.state !== 'open') throw new AppError('conflict', 'This item has already been decided.');
      if (item.source === 'appeal') throw new AppError('conflict', 'This item is an appeal: uphold or reverse the appealed decision instead.');
      if (item.claimedBy !== moderatorId || !item.claimedUntil || item.claimedUntil <= now) {
        throw new AppError('conflict', 'Claim this item before deciding it: another moderator may be working on it, or your claim expired.');
      }
      const refused = await conflictOn(repo, item.adId, moderatorId);
      if (refused) throw new AppError('forbidden', refused);
      const statements = await this.apply(tx, item.adId, item, moderatorId, decision, now, outbox, null);
      await this.enqueue(tx, outbox);
      return { adId: item.adId, statements };
    });
    await this.flush(outbox);
    return result;
  }

  /**
   * Why this moderator may not claim or decide items about this ad (their own ad, or an ad of staff
   * of their rank or above: policy.ts `decisionConflict`), or null if they may.
   */
  async conflict(adId: number, moderatorId: number): Promise<string | null> {
    return conflictOn(new ModerationRepository(this.ctx.database.db), adId, moderatorId);
  }

  /**
   * One decision (remove, suspend or ban) on every live ad linked to `seedAdId` by template group,
   * phone, e-mail or image hash, in one transaction. Ads this moderator may not decide (their own,
   * or staff ads of their rank or above) are skipped, not decided, and reported with the reason:
   * the rest of the group is still removed, as the moderator expects from a bulk action, and the
   * skipped ads go back into the queue (with `seedItem`'s source and priority) for another moderator.
   * Returns the ad ids decided and the ones skipped.
   */
  async decideLinked(
    seedAdId: number,
    link: LinkKind,
    moderatorId: number,
    decision: Extract<Decision, { kind: 'remove' | 'suspend' | 'ban' }>,
    seedItem?: ReviewItemRow,
  ): Promise<{ decided: number[]; skipped: { adId: number; reason: string }[] }> {
    this.check(decision);
    const now = this.ctx.now();
    const outbox: Outbox = { mails: [], ids: [] };
    const ids = await this.linkedAdIds(seedAdId, link);
    if (ids.length === 0) throw new AppError('not_found', 'No live ads are linked to this ad that way.');
    const done = await this.ctx.database.db.transaction(async (t) => {
      const tx = t as unknown as Db;
      const repo = new ModerationRepository(tx);
      const decided: number[] = [];
      const skipped: { adId: number; reason: string }[] = [];
      for (const adId of ids) {
        const refused = await conflictOn(repo, adId, moderatorId);
        if (refused) {
          skipped.push({ adId, reason: refused });
          if (seedItem) await repo.enqueue({ adId, source: seedItem.source, priority: seedItem.priority, trusted: seedItem.trusted, label: seedItem.label, now });
          continue;
        }
        await this.apply(tx, adId, null, moderatorId, decision, now, outbox, { seed: seedAdId, link, size: ids.length });
        decided.push(adId);
      }
      await this.enqueue(tx, outbox);
      return { decided, skipped };
    });
    await this.flush(outbox);
    return done;
  }

  /** Live ads sharing the seed's template group, phone, e-mail or an image hash (the screening store's links), the seed included. */
  async linkedAdIds(seedAdId: number, link: LinkKind): Promise<number[]> {
    const q = this.ctx.database.query.bind(this.ctx.database);
    const live = `a.state in ('pending', 'published', 'held', 'rejected', 'expired')`;
    let rows: { id: number }[];
    if (link === 'template') {
      rows = await q(
        `select a.id from screening_templates t join screening_templates s on s.group_id = t.group_id join ads a on a.id = s.ad_id
          where t.ad_id = $1 and ${live} order by a.id limit 1000`,
        [seedAdId],
      );
    } else if (link === 'email') {
      rows = await q(`select a.id from ads a where a.email = (select email from ads where id = $1) and ${live} order by a.id limit 1000`, [seedAdId]);
    } else {
      const kinds = link === 'phone' ? ['phone'] : ['pdq', 'sha256', 'image'];
      rows = await q(
        `select distinct a.id from screening_entity_links e join screening_entity_links o on o.kind = e.kind and o.value = e.value join ads a on a.id = o.ad_id
          where e.ad_id = $1 and e.kind = any($2) and ${live} order by a.id limit 1000`,
        [seedAdId, kinds],
      );
      if (link === 'phone') {
        const direct = await q<{ id: number }>(`select a.id from ads a where a.phone is not null and a.phone = (select phone from ads where id = $1) and ${live} limit 1000`, [seedAdId]);
        rows = [...rows, ...direct];
      }
    }
    const ids = new Set(rows.map((r) => Number(r.id)));
    const [seed] = await q<{ state: string }>('select state from ads where id = $1', [seedAdId]);
    if (seed && (LIVE as readonly string[]).includes(seed.state)) ids.add(seedAdId);
    return [...ids].sort((a, b) => a - b);
  }

  private check(decision: Decision) {
    if ('reason' in decision && !(decision.reason in POLICY_REASONS)) throw validationError({ reason: 'Choose the rule the ad breaks.' });
    if (decision.kind === 'suspend' && (!Number.isInteger(decision.days) || decision.days < 1 || decision.days > 365)) {
      throw validationError({ days: 'A suspension lasts 1 to 365 days.' });
    }
    if (decision.kind === 'move_category' && !this.ctx.places().categoryById.has(decision.categoryId)) throw validationError({ category: 'Choose a category.' });
  }

  private async apply(
    tx: Db,
    adId: number,
    item: ReviewItemRow | null,
    moderatorId: number,
    decision: Decision,
    now: Date,
    outbox: Outbox,
    bulk: { seed: number; link: LinkKind; size: number } | null,
  ): Promise<string[]> {
    const repo = new ModerationRepository(tx);
    const adRepo = new AdRepository(tx);
    const ad = await adRepo.findById(adId);
    if (!ad) throw new AppError('not_found', 'The ad no longer exists.');
    const notices = await repo.noticesOf(adId);
    const source = this.sourceOf(item, notices.some((n) => n.trustedFlaggerId !== null && n.decidedAt === null), notices.some((n) => n.decidedAt === null));
    const statements: StatementRow[] = [];
    const sor = (reason: PolicyReasonKey, visibility: Visibility | null, account: AccountDecision | null, facts: string, target: AdRow = ad) => {
      const s = buildStatement({
        adId: target.id,
        reviewItemId: target.id === adId ? (item?.id ?? null) : null,
        reason,
        visibility,
        account,
        source,
        automatedDetection: automated(item),
        automatedDecision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
        contentDate: target.createdAt,
        applicationDate: now,
        facts,
      });
      statements.push(s);
      return s;
    };
    const event = (kind: string, reason: string | null) => ({ kind, reason, automated: false });
    let noticeOutcome: string;
    let upheld: readonly string[] | null = null; // null: all open flags upheld
    let state: 'decided' | 'escalated' = 'decided';
    let restrictedAccount: number | null = null;
    const note = decision.note?.trim() ? ` Moderator's note: ${decision.note.trim().slice(0, 1000)}` : '';

    switch (decision.kind) {
      case 'approve': {
        if (ad.state === 'held' || ad.state === 'rejected' || ad.state === 'pending') {
          await adRepo.transition(adId, [ad.state], 'published', event('moderator_approved', null), this.publishPatch(ad, now));
          outbox.mails.push(posterNoticeMail(ad.email, ad.title, 'approved', ''));
        }
        upheld = [];
        noticeOutcome = 'We checked the ad and found that it does not break the law or our rules, so it stays online.';
        break;
      }
      case 'remove': {
        const s = sor(decision.reason, 'DECISION_VISIBILITY_CONTENT_REMOVED', null, `A moderator reviewed the ad and removed it.${note}`);
        await this.removeAd(adRepo, ad, s, 'moderator_removed', outbox);
        noticeOutcome = `We removed the ad (${POLICY_REASONS[decision.reason].text}).`;
        break;
      }
      case 'move_category': {
        const category = this.ctx.places().categoryById.get(decision.categoryId)!;
        await tx.update(ads).set({ categoryId: category.id, updatedAt: now }).where(eq(ads.id, adId));
        adChanges.touch(ad.cityId, adId);
        await tx.insert(adEvents).values({ adId, kind: 'moderator_moved', fromState: ad.state, toState: ad.state, reason: `Moved to ${category.name}`, automated: false, at: now });
        if (ad.state === 'held') await adRepo.transition(adId, ['held'], 'published', event('moderator_approved', null), this.publishPatch(ad, now));
        outbox.mails.push(posterNoticeMail(ad.email, ad.title, 'moved', `New category: ${category.name}.${note}`));
        upheld = ['wrong_category'];
        noticeOutcome = `We moved the ad to the right category (${category.name}).`;
        break;
      }
      case 'warn': {
        if (ad.state === 'held') await adRepo.transition(adId, ['held'], 'published', event('moderator_approved', null), this.publishPatch(ad, now));
        outbox.mails.push(posterNoticeMail(ad.email, ad.title, 'warned', `Rule: ${POLICY_REASONS[decision.reason].text}.${note}`));
        noticeOutcome = 'We warned the poster; the ad stays online.';
        break;
      }
      case 'suspend':
      case 'ban': {
        const until = decision.kind === 'suspend' ? new Date(now.getTime() + decision.days * DAY) : null;
        const account: AccountDecision = decision.kind === 'ban' ? 'DECISION_ACCOUNT_TERMINATED' : 'DECISION_ACCOUNT_SUSPENDED';
        const how = decision.kind === 'ban' ? 'banned the poster from posting' : `suspended the poster from posting until ${until!.toISOString().slice(0, 10)}`;
        const s = sor(decision.reason, 'DECISION_VISIBILITY_CONTENT_REMOVED', account, `A moderator reviewed the ad, removed it and ${how}.${note}`);
        await this.removeAd(adRepo, ad, s, `moderator_${decision.kind}`, outbox);
        // The poster's account, if any: no sign-in, posting or replying until then (ban: for good),
        // and every session and API token ends now (src/accounts/restriction.ts says who is restricted).
        const accounts = new AccountRepository(tx);
        const owner = await accounts.accountOfAd(ad);
        if (owner) {
          await accounts.restrictAccount(owner.id, decision.kind === 'ban' ? { bannedAt: now } : { suspendedUntil: until! }, now);
          restrictedAccount = owner.id;
        }
        const why = `${decision.kind} after ad ${adId}: ${decision.reason}`;
        await repo.block('email', normaliseEmail(ad.email), why, until, now);
        if (ad.phone) await repo.block('phone', normalisePhone(ad.phone), why, until, now);
        if (decision.kind === 'ban') {
          // A ban takes down the poster's other live ads too (same address or same account).
          const others = await tx
            .select()
            .from(ads)
            .where(and(inArray(ads.state, [...LIVE]), sql`${ads.id} <> ${adId}`, or(eq(ads.email, ad.email), restrictedAccount !== null ? eq(ads.userId, restrictedAccount) : undefined)));
          for (const other of others) {
            const so = sor(decision.reason, 'DECISION_VISIBILITY_CONTENT_REMOVED', account, `The poster was banned after ad ${adId}; their other ads were removed with it.`, other);
            await this.removeAd(adRepo, other, so, 'moderator_ban', outbox);
            await repo.closeItems(other.id, 'decided', 'ban', moderatorId, now);
          }
        }
        noticeOutcome = `We removed the ad and ${decision.kind === 'ban' ? 'banned' : 'suspended'} the poster.`;
        break;
      }
      case 'escalate': {
        state = 'escalated';
        if (ad.state === 'published') {
          const reason = this.escalationReason(item);
          const s = sor(reason, 'DECISION_VISIBILITY_CONTENT_DISABLED', null, `A moderator hid the ad while it is examined further.${note}`);
          await adRepo.transition(adId, ['published'], 'held', event('moderator_escalated', statementText(s, ad.title)));
          outbox.mails.push(this.statementMail(ad, s));
        }
        upheld = null;
        noticeOutcome = '';
        break;
      }
    }

    for (const s of statements) await repo.insertStatement(s);
    // Removed content stays removed (removed-content.ts): the decided ad goes into the bank (not the
    // other ads a ban sweeps away: nobody judged their content); an ad a moderator lets stay is cleared.
    if ((decision.kind === 'remove' || decision.kind === 'suspend' || decision.kind === 'ban') && LIVE.includes(ad.state)) {
      await bankRemovedAd(tx, ad, { label: decision.reason, decidedBy: 'moderator', moderatorId, statementPuid: statements[0].puid, reviewItemId: item?.id ?? null, decidedAt: now });
    } else if (decision.kind === 'approve' || decision.kind === 'warn' || decision.kind === 'move_category') {
      await new RemovedContentBank(tx).liftAd(adId, `decision.${decision.kind} by user ${moderatorId}`, now);
    }
    if (decision.kind !== 'escalate') {
      await repo.resolveFlags(adId, upheld, now);
      for (const n of await repo.decideNotices(adId, noticeOutcome, now)) {
        if (n.email) outbox.mails.push(noticeOutcomeMail(n.email, n.id, n.adId, noticeOutcome, automated(item)));
      }
    }
    const closed = await repo.closeItems(adId, state, decision.kind, moderatorId, now);
    await this.ctx.audit.append(
      {
        actor: `user:${moderatorId}`,
        action: `decision.${decision.kind}`,
        subjectType: 'ad',
        subjectId: adId,
        details: {
          items: closed,
          fromState: ad.state,
          reason: 'reason' in decision ? decision.reason : null,
          days: decision.kind === 'suspend' ? decision.days : null,
          categoryId: decision.kind === 'move_category' ? decision.categoryId : null,
          note: decision.note?.trim() || null,
          statements: statements.map((s) => s.puid),
          bulk,
          ...(restrictedAccount !== null ? { account: restrictedAccount, until: decision.kind === 'suspend' ? new Date(now.getTime() + decision.days * DAY).toISOString() : null } : {}),
        },
      },
      tx,
    );
    return statements.map((s) => s.puid);
  }

  private async removeAd(adRepo: AdRepository, ad: AdRow, s: StatementRow, kind: string, outbox: Outbox) {
    const moved = await adRepo.transition(ad.id, LIVE, 'removed', { kind, reason: statementText(s, ad.title), automated: false });
    if (moved) outbox.mails.push(this.statementMail(ad, s));
  }

  private statementMail(ad: AdRow, s: StatementRow): MailMessage {
    return statementMail(ad.email, ad.title, s, appealUrl(this.ctx.links, this.ctx.config.publicUrl, { adId: ad.id, puid: s.puid }));
  }

  /** Writes the collected mails in the decision's transaction: they commit or roll back with it. */
  private async enqueue(tx: Db, outbox: Outbox) {
    outbox.ids = await this.ctx.outbox.enqueueAll(tx, outbox.mails);
  }

  /** Sends them once the transaction committed; a failed send is retried by the outbox job. */
  private async flush(outbox: Outbox) {
    await this.ctx.outbox.deliver(outbox.ids);
  }

  private publishPatch(ad: AdRow, now: Date) {
    if (ad.publishedAt && ad.expiresAt > now) return {};
    const days = this.ctx.places().categoryById.get(ad.categoryId)?.expiryDays ?? this.ctx.config.adExpiryDays;
    return { publishedAt: ad.publishedAt ?? now, bumpedAt: now, expiresAt: new Date(now.getTime() + days * DAY), reminderSentAt: null };
  }

  private sourceOf(item: ReviewItemRow | null, trustedNotice: boolean, notice: boolean): SourceType {
    if (item?.trusted || trustedNotice) return 'SOURCE_TRUSTED_FLAGGER';
    if (item?.source === 'notice' || notice) return 'SOURCE_ARTICLE_16';
    if (item?.source === 'flag') return 'SOURCE_TYPE_OTHER_NOTIFICATION';
    return 'SOURCE_VOLUNTARY';
  }

  private escalationReason(item: ReviewItemRow | null): PolicyReasonKey {
    const label = item?.label ?? '';
    if (label in POLICY_REASONS) return label as PolicyReasonKey;
    if ((FLAG_REASONS as readonly string[]).includes(label)) return label === 'prohibited' ? 'prohibited_goods' : (label as PolicyReasonKey);
    if (label === 'illegal') return 'prohibited_goods';
    if (label === 'terms') return 'spam';
    return item && item.priority === 0 ? 'child_safety' : 'trafficking';
  }
}

/** Items that automated detection raised: screening, an image-bank match, a re-post of removed content. */
const automated = (item: ReviewItemRow | null) => item?.source === 'screening' || item?.source === 'hash_match' || item?.source === 'repost';

/** policy.ts `decisionConflict` for this ad and moderator, read through `repo` (inside a transaction when given one). */
async function conflictOn(repo: ModerationRepository, adId: number, moderatorId: number): Promise<string | null> {
  const [ad] = await repo.db.select({ userId: ads.userId, email: ads.email }).from(ads).where(eq(ads.id, adId));
  if (!ad) return null;
  return decisionConflict(await repo.decider(moderatorId), ad, await repo.posterAccounts(ad));
}
