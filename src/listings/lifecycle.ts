/**
 * Time-driven upkeep: expire ads, remind posters three days ahead, purge deleted ads after the
 * retention period, and sweep photo files that no committed ad references (a crash mid-post).
 */
import { reminderMail } from './ad-mails.ts';
import type { AdService } from './ad.service.ts';
import type { ListingsContext } from './listings.context.ts';
import { allRenditionKeys, newStorageKey } from './photo-uploads.ts';

const DAY = 24 * 3600_000;
const BATCH = 500;
export const REMINDER_DAYS_BEFORE = 3;
/** Uploads younger than this may belong to a post still in flight, so the sweep leaves them. */
const ORPHAN_GRACE_MS = 3600_000;
/** Screening takes milliseconds; an ad still `pending` after this was dropped by a dead request. */
export const PENDING_STALL_MS = 10 * 60_000;

export interface MaintenanceReport {
  /** Ads found stuck in `pending` and screened again, and those whose screening failed again (left for the next run). */
  rescreened: number;
  rescreenFailed: number;
  expired: number;
  reminded: number;
  purged: number;
  orphanFilesRemoved: number;
}

export class Lifecycle {
  constructor(
    private ctx: ListingsContext,
    private service: AdService,
  ) {}

  async run(): Promise<MaintenanceReport> {
    const rescreen = await this.rescreenStalled();
    return {
      rescreened: rescreen.done,
      rescreenFailed: rescreen.failed,
      expired: await this.expireDue(),
      reminded: await this.sendReminders(),
      purged: await this.purge(),
      orphanFilesRemoved: await this.sweepOrphanPhotos(),
    };
  }

  /**
   * Screens again every ad stuck in `pending` (its request died after confirming, editing or
   * renewing it and before the verdict was applied, or screening itself failed), so no poster's ad
   * waits for ever and each gets its decision mail. One ad that fails again is left for the next run.
   */
  async rescreenStalled(): Promise<{ done: number; failed: number }> {
    const stalled = await this.ctx.ads.stalledInPending(new Date(this.ctx.now().getTime() - PENDING_STALL_MS), BATCH);
    let done = 0;
    let failed = 0;
    for (const { id, lastEvent } of stalled) {
      const occasion = lastEvent === 'edited' ? 'edit' : lastEvent === 'renewed' ? 'renewal' : 'new';
      try {
        await this.service.screenAndApply(id, occasion);
        done++;
      } catch {
        failed++; // still pending: counted in the upkeep log line, and tried again on the next run
      }
    }
    return { done, failed };
  }

  async expireDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.ctx.ads.dueForExpiry(this.ctx.now(), BATCH);
      for (const ad of due) {
        if (await this.ctx.ads.transition(ad.id, ['published'], 'expired', { kind: 'expired', automated: true })) total++;
      }
      if (due.length < BATCH) return total;
    }
  }

  async sendReminders(): Promise<number> {
    const now = this.ctx.now();
    const due = await this.ctx.ads.dueForReminder(now, new Date(now.getTime() + REMINDER_DAYS_BEFORE * DAY), BATCH);
    for (const ad of due) {
      // Marked first: a crash between the two steps loses one reminder rather than sending two.
      await this.ctx.ads.markReminded(ad.id, now);
      await this.ctx.mailer.send(reminderMail(ad.email, ad.title, ad.expiresAt, this.service.linksFor(ad)));
    }
    return due.length;
  }

  async purge(): Promise<number> {
    const now = this.ctx.now().getTime();
    const ids = await this.ctx.ads.purgeable(new Date(now - this.ctx.config.retentionDays * DAY), new Date(now - 30 * DAY), BATCH);
    const keys = await this.ctx.ads.storageKeysOf(ids);
    await this.ctx.ads.deleteForever(ids);
    await this.ctx.photos.delete(allRenditionKeys(keys));
    return ids.length;
  }

  async sweepOrphanPhotos(): Promise<number> {
    let removed = 0;
    const cutoff = new Date(this.ctx.now().getTime() - ORPHAN_GRACE_MS);
    // Uploads live under their upload date (see newStorageKey), and an orphan can only come from a
    // post that failed recently: looking at the last two days' folders keeps the sweep cheap.
    const day = 24 * 3600_000;
    const now = this.ctx.now().getTime();
    const prefixes = [...new Set([now, now - day, now - 2 * day].map((t) => newStorageKey(new Date(t)).split('/').slice(0, 3).join('/')))];
    for (const prefix of prefixes) {
      for await (const key of this.ctx.photos.listOlderThan(cutoff, prefix)) {
        const storageKey = key.replace(/-(thumb|medium|large)\.webp$/, '');
        if ((await this.ctx.ads.stateOfPhoto(storageKey)) === undefined) {
          await this.ctx.photos.delete([key]);
          removed++;
        }
      }
    }
    return removed;
  }
}

