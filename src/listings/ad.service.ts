/**
 * The commands a poster runs on an ad: post, confirm, edit, renew, delete. Each keeps the ad and its
 * photos consistent and sends the poster the mail that goes with it: the confirmation link straight
 * away (the poster can ask again), the screening decision through the mail outbox (it may carry a
 * statement of reasons, which must not be lost).
 */
import type { AdState } from '../db/schema.ts';
import { AppError, validationError } from '../platform/errors.ts';
import { newNonce } from '../platform/signed-links.ts';
import { confirmMail, decisionMail, type AdLinks } from './ad-mails.ts';
import { parseAdInput, MAX_PHOTOS, type AdInput } from './ad-input.ts';
import type { AdRepository, AdRow } from './ad.repository.ts';
import { adPath } from './ad-slug.ts';
import { itemFingerprint } from './fingerprint.ts';
import type { ListingsContext } from './listings.context.ts';
import type { AdForScreening, ScreeningVerdict } from './screening-hook.ts';
import { allRenditionKeys, storeUploads, type Upload } from './photo-uploads.ts';

const HOUR = 3600_000;
export const REPOST_WINDOW_HOURS = 48;
export const RENEW_INTERVAL_HOURS = 48;
const EDITABLE: readonly AdState[] = ['unconfirmed', 'published', 'held', 'rejected', 'expired'];

export class AdService {
  constructor(private ctx: ListingsContext) {}

  linksFor(ad: Pick<AdRow, 'id' | 'title' | 'linkNonce' | 'cityId' | 'categoryId'>): AdLinks {
    const base = this.ctx.config.publicUrl;
    const city = this.ctx.places.cityById.get(ad.cityId)!;
    const category = this.ctx.places.categoryById.get(ad.categoryId)!;
    return {
      confirmUrl: `${base}/confirm/${ad.id}/${this.ctx.links.sign('confirm', ad.id, ad.linkNonce)}`,
      manageUrl: `${base}/manage/${ad.id}/${this.ctx.links.sign('manage', ad.id, ad.linkNonce)}`,
      publicUrl: `${base}${adPath(ad, city.slug, category.slug)}`,
    };
  }

  /**
   * Posts a new ad. Without an account it is stored unconfirmed until the poster opens the mailed
   * link; a signed-in poster with a verified address (`poster`) skips that step and goes to screening.
   */
  async post(raw: Record<string, unknown>, uploads: Upload[], ip: string | null, poster?: { userId: number; email: string }): Promise<{ id: number }> {
    const input = this.validate(poster ? { ...raw, email: poster.email } : raw, uploads.length);
    await this.enforceRateLimit(`post:ip:${ip ?? 'unknown'}`, this.ctx.config.postsPerHourPerIp);
    await this.enforceRateLimit(`post:email:${input.email}`, this.ctx.config.postsPerHourPerEmail);
    const now = this.ctx.now();
    const fingerprint = itemFingerprint(input.title, input.categoryId);
    if (await this.ctx.ads.hasRecentDuplicate(input.email, fingerprint, new Date(now.getTime() - REPOST_WINDOW_HOURS * HOUR))) {
      throw new AppError('duplicate_ad', `You posted this item in the last ${REPOST_WINDOW_HOURS} hours. Renew or edit that ad instead of posting it again.`, {
        title: 'You already have an ad with this title in this category.',
      });
    }
    const stored = await storeUploads(this.ctx.photos, uploads, this.ctx.hasher);
    let id: number;
    try {
      id = await this.ctx.ads.insertWithPhotos(
        {
          ...this.columns(input),
          state: poster ? 'pending' : 'unconfirmed',
          userId: poster?.userId ?? null,
          confirmedAt: poster ? now : null,
          linkNonce: newNonce(),
          itemFingerprint: fingerprint,
          posterIp: ip,
          photoCount: stored.rows.length,
          thumbKey: stored.rows[0]?.storageKey ?? null,
          createdAt: now,
          updatedAt: now,
          bumpedAt: now,
          expiresAt: this.expiryFrom(now, input.categoryId),
        },
        stored.rows,
      );
    } catch (err) {
      await this.ctx.photos.delete(stored.keys);
      throw err;
    }
    if (poster) {
      await this.screenAndApply(id, 'new');
      return { id };
    }
    const ad = (await this.ctx.ads.findById(id))!;
    await this.ctx.mailer.send(confirmMail(ad.email, ad.title, this.linksFor(ad)));
    return { id };
  }

  /** Opens the confirmation link. Clicking it twice is harmless: the second click reports the state. */
  async confirm(id: number, token: string, ip: string | null): Promise<AdRow> {
    const ad = await this.requireLink(id, token, 'confirm');
    await this.enforceRateLimit(`confirm:ip:${ip ?? 'unknown'}`, 60);
    if (ad.state !== 'unconfirmed') return ad;
    const moved = await this.ctx.ads.transition(id, ['unconfirmed'], 'pending', { kind: 'confirmed', automated: false }, { confirmedAt: this.ctx.now() });
    if (!moved) return (await this.ctx.ads.findById(id))!;
    return this.screenAndApply(id, 'new');
  }

  async requireLink(id: number, token: string, purpose: 'confirm' | 'manage'): Promise<AdRow> {
    const ad = await this.ctx.ads.findById(id);
    if (!ad || ad.state === 'deleted' || !this.ctx.links.verify(purpose, id, ad.linkNonce, token)) {
      throw new AppError('not_found', 'This link is not valid. It may have been mistyped, or the ad was deleted.');
    }
    return ad;
  }

  async edit(id: number, token: string, raw: Record<string, unknown>, uploads: Upload[], keepPhotoIds: number[]): Promise<AdRow> {
    const ad = await this.requireLink(id, token, 'manage');
    if (!EDITABLE.includes(ad.state)) throw new AppError('conflict', 'This ad can no longer be edited.');
    const existing = await this.ctx.ads.photosOf(id);
    const keep = existing.filter((p) => keepPhotoIds.includes(p.id));
    // The poster's e-mail is fixed by the confirmation; an edit cannot move the ad to another address.
    const input = this.validate({ ...raw, email: ad.email }, keep.length + uploads.length);
    const fingerprint = itemFingerprint(input.title, input.categoryId);
    const stored = await storeUploads(this.ctx.photos, uploads, this.ctx.hasher);
    try {
      await this.ctx.ads.update(id, { ...this.columns(input), itemFingerprint: fingerprint }, { keep: keep.map((p) => p.id), add: stored.rows });
    } catch (err) {
      await this.ctx.photos.delete(stored.keys);
      throw err;
    }
    const dropped = existing.filter((p) => !keepPhotoIds.includes(p.id)).map((p) => p.storageKey);
    await this.ctx.photos.delete(allRenditionKeys(dropped));
    if (ad.state === 'unconfirmed') return (await this.ctx.ads.findById(id))!;
    if (ad.state === 'expired') return (await this.ctx.ads.findById(id))!;
    if ((ad.state === 'held' || ad.state === 'rejected') && (await this.attachToReview(id, ad.state))) return (await this.ctx.ads.findById(id))!;
    await this.ctx.ads.transition(id, [ad.state], 'pending', { kind: 'edited', automated: false });
    return this.screenAndApply(id, 'edit');
  }

  /** Moves the ad back to the top and restarts its expiry, at most once per 48 hours. */
  async renew(id: number, token: string): Promise<AdRow> {
    const ad = await this.requireLink(id, token, 'manage');
    if (ad.state !== 'published' && ad.state !== 'expired') throw new AppError('conflict', 'Only a live or expired ad can be renewed.');
    const now = this.ctx.now();
    const last = ad.renewedAt ?? ad.publishedAt ?? ad.createdAt;
    const nextAllowed = new Date(last.getTime() + RENEW_INTERVAL_HOURS * HOUR);
    if (ad.state === 'published' && nextAllowed > now) {
      throw new AppError('conflict', `You can renew this ad again after ${nextAllowed.toUTCString()}.`);
    }
    await this.ctx.ads.transition(id, [ad.state], 'pending', { kind: 'renewed', automated: false });
    return this.screenAndApply(id, 'renewal');
  }

  /** Takes the ad off the site at once; the record stays for the retention period, then is purged. */
  async delete(id: number, token: string): Promise<void> {
    await this.requireLink(id, token, 'manage');
    const from: AdState[] = ['unconfirmed', 'pending', 'published', 'held', 'rejected', 'expired', 'removed'];
    await this.ctx.ads.transition(id, from, 'deleted', { kind: 'deleted', automated: false }, { deletedAt: this.ctx.now() });
  }

  /**
   * Runs the screening step and applies its decision: publish, hold for review, or reject. The ad's
   * new state, what the screener records with it (a hold's review item, a rejection's statement of
   * reasons: `AdScreener.recordDecision`) and the poster's decision mail, written to the mail
   * outbox, are one transaction; the mail is delivered after the commit. A failed send leaves the decision standing
   * and the mail with the outbox job, which retries it: the poster still sees the outcome.
   */
  async screenAndApply(id: number, occasion: 'new' | 'edit' | 'renewal'): Promise<AdRow> {
    const screened = await this.forScreening(id);
    const verdict = await this.ctx.screener.screen(screened);
    const now = this.ctx.now();
    const to: AdState = verdict.decision === 'publish' ? 'published' : verdict.decision === 'review' ? 'held' : 'rejected';
    const mailIds = await this.ctx.ads.inTransaction(async (tx, ads) => {
      // Locked in `pending` first, so nothing is recorded for an ad that moved on in the meantime
      // (deleted, or screened by a concurrent request).
      const current = await ads.lockIfIn(id, ['pending']);
      if (!current) return [];
      const told = this.ctx.screener.recordDecision ? await this.ctx.screener.recordDecision(tx, screened, verdict) : verdict;
      const patch: Parameters<AdRepository['transition']>[4] = { screening: told };
      const wasLive = current.publishedAt !== null && occasion === 'edit';
      if (to === 'published' && !wasLive) {
        patch.publishedAt = current.publishedAt ?? now;
        patch.bumpedAt = now;
        patch.expiresAt = this.expiryFrom(now, current.categoryId);
        patch.reminderSentAt = null;
        if (occasion === 'renewal') patch.renewedAt = now;
      }
      const reason = to === 'published' ? null : told.statement;
      await ads.transition(id, ['pending'], to, { kind: `screened_${occasion}`, reason, automated: true }, patch);
      // An edit of a live ad that stays live needs no mail; every other outcome is told.
      if (occasion === 'edit' && to === 'published') return [];
      return [await this.ctx.mailOutbox.enqueue(tx, decisionMail(current.email, current.title, to, told.statement, this.linksFor(current)))];
    });
    await this.ctx.mailOutbox.deliver(mailIds);
    return (await this.ctx.ads.findById(id))!;
  }

  /**
   * Screens an edit of a held or rejected ad and, if moderation still holds it (an open or escalated
   * review item), stores the verdict for the moderator and keeps the ad's state: a clean verdict must
   * not publish an ad that only a moderator may release. False when no review is pending or the ad
   * moved on meanwhile (a moderator decided): the caller then screens and applies as for any edit.
   */
  private async attachToReview(id: number, state: 'held' | 'rejected'): Promise<boolean> {
    const screener = this.ctx.screener;
    if (!screener.attachEditUnderReview) return false;
    const screened = await this.forScreening(id);
    const verdict = await screener.screen(screened);
    return this.ctx.ads.inTransaction(async (tx, ads) => {
      const current = await ads.lockIfIn(id, [state]);
      if (!current || !(await screener.attachEditUnderReview!(tx, screened, verdict))) return false;
      const previous = current.screening as ScreeningVerdict | null;
      // The poster keeps reading why the ad is held; the moderator sees the edited text's verdict.
      const screening: ScreeningVerdict = {
        ...verdict,
        statement: previous?.statement ?? verdict.statement,
        details: { ...verdict.details, editedUnderReviewAt: this.ctx.now().toISOString() },
      };
      await ads.transition(id, [state], state, { kind: 'edited_under_review', reason: null, automated: false }, { screening });
      return true;
    });
  }

  private async forScreening(id: number): Promise<AdForScreening> {
    const ad = (await this.ctx.ads.findById(id))!;
    const photos = await this.ctx.ads.photosOf(id);
    const city = this.ctx.places.cityById.get(ad.cityId)!;
    const category = this.ctx.places.categoryById.get(ad.categoryId)!;
    return {
      id: ad.id,
      title: ad.title,
      body: ad.body,
      categorySlug: category.slug,
      categoryGroup: category.parentId === null ? category.slug : this.ctx.places.categoryById.get(category.parentId)!.slug,
      citySlug: city.slug,
      countryCode: city.countryCode,
      price: ad.price,
      phone: ad.phone,
      email: ad.email,
      imageHashes: photos.map((p) => ({ sha256: p.sha256, pdq: p.pdq, pdqQuality: p.pdqQuality })),
      ip: ad.posterIp,
      postedAt: ad.createdAt,
    };
  }

  private validate(raw: Record<string, unknown>, photoCount: number): AdInput {
    const result = parseAdInput(raw, this.ctx.places);
    const errors = result.ok ? {} : { ...result.errors };
    if (photoCount > MAX_PHOTOS) errors.photos = `You can add up to ${MAX_PHOTOS} photos; this ad has ${photoCount}.`;
    if (!result.ok || Object.keys(errors).length > 0) throw validationError(errors);
    return result.input;
  }

  private async enforceRateLimit(key: string, perHour: number) {
    const r = await this.ctx.limiter.hit(key, perHour, 3600);
    if (!r.allowed) {
      throw new AppError('rate_limited', `Too many attempts. Please try again in ${Math.ceil(r.retryAfterSeconds / 60)} minutes.`, undefined, r.retryAfterSeconds);
    }
  }

  private expiryFrom(now: Date, categoryId: number): Date {
    const days = this.ctx.places.categoryById.get(categoryId)?.expiryDays ?? this.ctx.config.adExpiryDays;
    return new Date(now.getTime() + days * 24 * HOUR);
  }

  private columns(input: AdInput) {
    return {
      email: input.email,
      cityId: input.cityId,
      categoryId: input.categoryId,
      neighbourhood: input.neighbourhood,
      title: input.title,
      body: input.body,
      price: input.price,
      currency: input.price === null ? null : input.currency,
      fields: input.fields,
      contactMode: input.contactMode,
      phone: input.phone,
    };
  }
}
