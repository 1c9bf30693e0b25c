/**
 * Saved searches and their alerts: subscribe (confirmed by e-mail), manage, unsubscribe, and the job
 * runner that turns newly published ads into alert mails. The design, with figures: docs/alerts.md.
 *
 * Runner in short: every tick, `schedule` adds a 'match' job per frequency covering ads bumped since
 * the previous window (instant: each tick, windows overlap by OVERLAP_MS so an ad whose transaction
 * committed late is still seen; daily/weekly: once per period). A match job inverts the problem: it
 * loads the window's ads, the searches of those cities, matches every filter in memory and the words
 * in SQL, and queues one 'deliver' job per search. A deliver job sends one mail and, in one
 * statement right after it, records each ad in sent_alerts and completes itself.
 */
import { newNonce } from '../platform/signed-links.ts';
import { AppError, validationError } from '../platform/errors.ts';
import type { AlertFrequency } from '../db/schema.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Places } from '../places/places.ts';
import type { RateLimiter } from '../platform/rate-limiter.ts';
import { adPath } from '../listings/ad-slug.ts';
import { parseAlertSignup } from './alert-input.ts';
import type { AlertLinks } from './alert-links.ts';
import { alertMail, confirmSubscriptionMail, mailPrice, MAX_ADS_PER_MAIL, type AlertMailAd, type AlertMailLinks } from './alert-mails.ts';
import type { AlertAd, AlertJob, AlertsRepository, Delivery, DeliveryDone, SavedSearchRow } from './alerts.repository.ts';
import { compileSearch, describeSearch, SearchIndex, type MatchableSearch } from './saved-search.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Instant windows start this far before the previous window's end. */
export const OVERLAP_MS = 5 * MINUTE;
const PERIOD: Record<AlertFrequency, number> = { instant: 0, daily: DAY, weekly: 7 * DAY };
/** How far back the very first window of each frequency reaches. */
const FIRST_LOOKBACK: Record<AlertFrequency, number> = { instant: 60 * MINUTE, daily: DAY, weekly: 7 * DAY };
export const LEASE_MS = 5 * MINUTE;
export const MAX_SEARCHES_PER_EMAIL = 50;
/** Deliveries claimed at once (three reads for all of them). */
const DELIVERY_BATCH = 200;
/** Deliveries without a mail completed per transaction (nothing is sent for them, so nothing can repeat). */
export const COMMIT_GROUP = 50;
/** Lanes delivering at once when the database has a pool; each has at most one mail sent and not yet recorded. */
export const DELIVERY_LANES = 6;
const UNCONFIRMED_TTL = 7 * DAY;
const KEEP_DONE_JOBS = 7 * DAY;

export interface AlertServiceDeps {
  repo: AlertsRepository;
  places: () => Places;
  mailer: Mailer;
  limiter: RateLimiter;
  links: AlertLinks;
  publicUrl: string;
  now: () => Date;
  /** Connections the runner may use at once: more than 1 runs DELIVERY_LANES delivery lanes (1 on PGlite, which has one connection). */
  concurrency: number;
}

export interface SignedInUser {
  id: number;
  email: string;
  emailVerified: boolean;
}

export interface RunReport {
  scheduled: number;
  matchJobs: number;
  adsScanned: number;
  candidatePairs: number;
  deliveriesQueued: number;
  deliveries: number;
  mails: number;
  adsSent: number;
  failures: number;
  purged: number;
}

export class AlertService {
  constructor(readonly deps: AlertServiceDeps) {}

  private get repo() {
    return this.deps.repo;
  }

  links(s: Pick<SavedSearchRow, 'id' | 'linkNonce' | 'params'>): AlertMailLinks & { confirmUrl: string } {
    const base = this.deps.publicUrl;
    const l = this.deps.links;
    return {
      confirmUrl: `${base}/alerts/confirm/${s.id}/${l.sign('confirm', s.id, s.linkNonce)}`,
      manageUrl: `${base}/alerts/manage/${s.id}/${l.sign('manage', s.id, s.linkNonce)}`,
      unsubscribeUrl: `${base}/alerts/unsubscribe/${s.id}/${l.sign('unsubscribe', s.id, s.linkNonce)}`,
      searchUrl: `${base}/search?${new URLSearchParams(s.params).toString()}`,
    };
  }

  describe(params: Record<string, string>): string {
    return describeSearch(params, this.deps.places());
  }

  // --- subscriptions --------------------------------------------------------------------------

  /**
   * Saves a search. Visitors confirm by mail; a signed-in user with a verified address needs no
   * confirmation. Saving the same search again changes its frequency (and re-sends the mail if unconfirmed).
   */
  async subscribe(searchRaw: Record<string, unknown>, formRaw: Record<string, unknown>, ip: string | null, user?: SignedInUser | null): Promise<{ saved: SavedSearchRow; confirmed: boolean }> {
    const compiled = compileSearch(searchRaw, this.deps.places());
    const form = parseAlertSignup(user?.emailVerified ? { ...formRaw, email: user.email } : formRaw);
    const errors = form.ok ? {} : { ...form.errors };
    if (Object.keys(compiled.errors).length > 0) errors.search = `This search has filters that are not valid: ${Object.values(compiled.errors).join(' ')}`;
    if (!form.ok || Object.keys(errors).length > 0) throw validationError(errors);
    const { email, frequency } = form.input;
    await this.enforceRateLimit(`alerts:ip:${ip ?? 'unknown'}`, 30);
    await this.enforceRateLimit(`alerts:email:${email}`, 10);
    const now = this.deps.now();
    const confirmedByAccount = Boolean(user?.emailVerified && user.email === email);
    let saved = await this.repo.findSame(email, compiled.params);
    if (saved) {
      await this.repo.update(saved.id, { frequency, ...(confirmedByAccount && !saved.confirmedAt ? { confirmedAt: now, userId: user!.id } : {}) });
      saved = (await this.repo.findById(saved.id))!;
    } else {
      if ((await this.repo.countByEmail(email)) >= MAX_SEARCHES_PER_EMAIL) {
        throw new AppError('conflict', `You already have ${MAX_SEARCHES_PER_EMAIL} saved searches. Delete some from the link in any alert mail first.`);
      }
      saved = await this.repo.insert({
        email,
        userId: confirmedByAccount ? user!.id : null,
        params: compiled.params,
        cityIds: compiled.cityIds,
        categoryIds: compiled.categoryIds,
        filters: compiled.filters as Record<string, unknown>,
        frequency,
        linkNonce: newNonce(),
        confirmedAt: confirmedByAccount ? now : null,
        createdAt: now,
      });
    }
    if (!saved.confirmedAt) {
      await this.deps.mailer.send(confirmSubscriptionMail(email, this.describe(saved.params), frequency, this.links(saved)));
    }
    return { saved, confirmed: saved.confirmedAt !== null };
  }

  /** The saved search a signed link points at, or a 404 that says nothing about whether it exists. */
  async requireLink(id: number, token: string, purpose: 'confirm' | 'manage' | 'unsubscribe'): Promise<SavedSearchRow> {
    const s = await this.repo.findById(id);
    if (!s || !this.deps.links.verify(purpose, id, s.linkNonce, token)) {
      throw new AppError('not_found', 'This alert link is not valid any more. The alert may have been deleted already.');
    }
    return s;
  }

  async confirm(id: number, token: string): Promise<SavedSearchRow> {
    const s = await this.requireLink(id, token, 'confirm');
    if (!s.confirmedAt) await this.repo.update(id, { confirmedAt: this.deps.now() });
    return (await this.repo.findById(id))!;
  }

  /** One-click unsubscribe: deletes the search. Returns false when it was gone already (still a success for the mail provider). */
  async unsubscribe(id: number, token: string): Promise<boolean> {
    const s = await this.repo.findById(id);
    if (!s) return false;
    if (!this.deps.links.verify('unsubscribe', id, s.linkNonce, token)) throw new AppError('not_found', 'This unsubscribe link is not valid.');
    return this.repo.delete(id);
  }

  /** Every saved search of the address the manage link belongs to. */
  async listForManageLink(id: number, token: string): Promise<{ owner: SavedSearchRow; searches: SavedSearchRow[] }> {
    const owner = await this.requireLink(id, token, 'manage');
    return { owner, searches: await this.repo.listByEmail(owner.email) };
  }

  /** A search of the same address as the manage link's, or a 404. */
  private async ownedSearch(owner: SavedSearchRow, searchId: number): Promise<SavedSearchRow> {
    const s = await this.repo.findById(searchId);
    if (!s || s.email !== owner.email) throw new AppError('not_found', 'There is no such saved search.');
    return s;
  }

  async setFrequency(owner: SavedSearchRow, searchId: number, frequency: AlertFrequency): Promise<void> {
    const s = await this.ownedSearch(owner, searchId);
    await this.repo.update(s.id, { frequency });
  }

  async deleteOwned(owner: SavedSearchRow, searchId: number): Promise<void> {
    const s = await this.ownedSearch(owner, searchId);
    await this.repo.delete(s.id);
  }

  // --- the runner ----------------------------------------------------------------------------

  /** Adds the match jobs that are due. Safe to call from every node on every tick. */
  async schedule(): Promise<number> {
    const now = this.deps.now();
    let added = 0;
    for (const f of ['instant', 'daily', 'weekly'] as const) {
      const last = await this.repo.lastWindowEnd(f);
      let start: Date;
      if (!last) start = new Date(now.getTime() - FIRST_LOOKBACK[f]);
      else if (f === 'instant') {
        if (now.getTime() <= last.getTime()) continue;
        start = new Date(last.getTime() - OVERLAP_MS);
      } else {
        if (now.getTime() - last.getTime() < PERIOD[f]) continue;
        start = last;
      }
      if (await this.repo.enqueueMatch(f, start, now, now)) added++;
    }
    return added;
  }

  /** Schedules, then drains every runnable job: what the serve loop does each tick and `corkboard alerts run-once` does once. */
  async runOnce(opts: { maxDeliveries?: number } = {}): Promise<RunReport> {
    const report: RunReport = { scheduled: 0, matchJobs: 0, adsScanned: 0, candidatePairs: 0, deliveriesQueued: 0, deliveries: 0, mails: 0, adsSent: 0, failures: 0, purged: 0 };
    report.scheduled = await this.schedule();
    const claimed = new Set<number>();
    for (;;) {
      const now = this.deps.now();
      const [job] = await this.repo.claim('match', now, new Date(now.getTime() + LEASE_MS), 1);
      if (!job || claimed.has(job.id)) break;
      claimed.add(job.id);
      try {
        await this.runMatch(job, report);
        report.matchJobs++;
      } catch (err) {
        report.failures++;
        await this.repo.release(job.id, String(err), retryAt(this.deps.now(), job.attempts));
      }
    }
    // Delivery lanes: each claims its own batch (SKIP LOCKED keeps them disjoint), so one lane's
    // commit overlaps the other's reads and rendering. One lane on PGlite (one connection).
    const max = opts.maxDeliveries ?? Infinity;
    let reserved = 0;
    const lane = async () => {
      while (reserved < max) {
        const want = Math.min(DELIVERY_BATCH, max - reserved);
        reserved += want;
        const now = this.deps.now();
        const batch = (await this.repo.claim('deliver', now, new Date(now.getTime() + LEASE_MS), want)).filter((j) => !claimed.has(j.id));
        reserved -= want - batch.length;
        if (batch.length === 0) break;
        for (const j of batch) claimed.add(j.id);
        await this.runDeliveries(batch, report);
      }
    };
    await Promise.all(Array.from({ length: this.deps.concurrency > 1 ? DELIVERY_LANES : 1 }, lane));
    const now = this.deps.now();
    report.purged = (await this.repo.purgeDoneJobs(new Date(now.getTime() - KEEP_DONE_JOBS))) + (await this.repo.purgeUnconfirmed(new Date(now.getTime() - UNCONFIRMED_TTL)));
    return report;
  }

  /** Finds, for one window of newly bumped ads, which confirmed searches of the job's frequency each ad is new for. */
  private async runMatch(job: AlertJob, report: RunReport): Promise<void> {
    const now = this.deps.now();
    const ads = await this.repo.adsBumpedBetween(job.windowStart!, job.windowEnd!);
    report.adsScanned += ads.length;
    if (ads.length === 0) return this.repo.completeMatch(job.id, [], now);
    const searches = await this.repo.confirmedSearchesFor(job.frequency, [...new Set(ads.map((a) => a.cityId))]);
    const index = new SearchIndex<MatchableSearch>(searches);
    // The words are tested in SQL, by the search page's own predicate, once per distinct words
    // string over the window's ads (not once per candidate pair): then each pair is a Set lookup.
    const qs = [...new Set(searches.flatMap((s) => (s.filters.q ? [s.filters.q] : [])))];
    const hits = await this.repo.wordHits(qs, ads.map((a) => a.id));
    // Only ads from the overlap with the previous window can have gone out already; delivery checks again anyway.
    const overlapEnd = job.frequency === 'instant' ? job.windowStart!.getTime() + OVERLAP_MS : -Infinity;
    const bySearch = new Map<number, number[]>();
    const add = (searchId: number, adId: number) => {
      const list = bySearch.get(searchId);
      if (list) list.push(adId);
      else bySearch.set(searchId, [adId]);
    };
    const overlap: { searchId: number; adId: number }[] = [];
    let candidates = 0;
    for (const ad of ads) {
      const inOverlap = ad.bumpedAt.getTime() <= overlapEnd;
      for (const s of index.matches(ad)) {
        candidates++;
        if (s.filters.q && !hits.get(s.filters.q)?.has(ad.id)) continue;
        if (inOverlap) overlap.push({ searchId: s.id, adId: ad.id });
        else add(s.id, ad.id);
      }
    }
    report.candidatePairs += candidates;
    const sent = await this.repo.alreadySent(overlap);
    for (const p of overlap) if (!sent.has(`${p.searchId}:${p.adId}`)) add(p.searchId, p.adId);
    const deliveries: Delivery[] = [...bySearch].map(([savedSearchId, adIds]) => ({ savedSearchId, frequency: job.frequency, adIds }));
    report.deliveriesQueued += deliveries.length;
    await this.repo.completeMatch(job.id, deliveries, now);
  }

  /**
   * Delivers a claimed batch. Three reads for the whole batch (its searches, which of its
   * (search, ad) pairs went out already, its ads), then mails rendered without further queries and
   * sent one at a time per lane, each recorded (sent_alerts rows and the job's completion, one
   * statement) before the next is sent: a crash between a send and its record repeats at most that
   * one mail per lane. A mail that fails leaves its job pending (released with a back-off).
   */
  private async runDeliveries(batch: AlertJob[], report: RunReport): Promise<void> {
    const searchIds = [...new Set(batch.map((j) => j.savedSearchId!))];
    const pairs = batch.flatMap((j) => j.adIds.map((adId) => ({ searchId: j.savedSearchId!, adId })));
    const [searches, sent, ads] = await Promise.all([
      this.repo.findByIds(searchIds),
      this.repo.alreadySent(pairs),
      this.repo.adsForMail([...new Set(pairs.map((p) => p.adId))]),
    ]);
    const searchById = new Map(searches.map((s) => [s.id, s]));
    // adsForMail returns the newest first; each mail keeps that order.
    const adById = new Map(ads.map((a) => [a.id, a]));
    const rank = new Map(ads.map((a, i) => [a.id, i]));
    const places = this.deps.places();
    const base = this.deps.publicUrl;
    // Each ad is rendered once per batch, however many mails list it.
    const rendered = new Map<number, AlertMailAd>();
    const item = (a: AlertAd): AlertMailAd => {
      const hit = rendered.get(a.id);
      if (hit) return hit;
      const city = places.cityById.get(a.cityId);
      const category = places.categoryById.get(a.categoryId);
      const out = {
        title: a.title,
        price: mailPrice(a.price, a.currency),
        where: [a.neighbourhood, city?.name].filter(Boolean).join(', '),
        url: `${base}${adPath(a, city?.slug ?? 'ad', category?.slug ?? 'ad')}`,
      };
      rendered.set(a.id, out);
      return out;
    };
    // Deliveries that send nothing (search gone or unconfirmed, or every ad already sent or no
    // longer live) have no mail at stake: they are completed together, COMMIT_GROUP at a time.
    const quiet: DeliveryDone[] = [];
    const completeQuiet = async () => {
      const group = quiet.splice(0);
      try {
        await this.repo.completeDeliveries(group, this.deps.now());
        report.deliveries += group.length;
      } catch (err) {
        for (const d of group) await this.fail(batch.find((j) => j.id === d.jobId)!, err, report);
      }
    };
    for (const job of batch) {
      const search = searchById.get(job.savedSearchId!);
      const handled = job.adIds;
      const list =
        search?.confirmedAt
          ? handled
              .filter((id) => adById.has(id) && !sent.has(`${search.id}:${id}`))
              .sort((a, b) => rank.get(a)! - rank.get(b)!)
              .map((id) => adById.get(id)!)
          : [];
      if (!search || list.length === 0) {
        quiet.push({ jobId: job.id, savedSearchId: job.savedSearchId!, handled, sent: [] });
        if (quiet.length >= COMMIT_GROUP) await completeQuiet();
        continue;
      }
      try {
        await this.deps.mailer.send(alertMail(search.email, this.describe(search.params), search.frequency, list.slice(0, MAX_ADS_PER_MAIL).map(item), this.links(search), list.length));
      } catch (err) {
        await this.fail(job, err, report); // not sent: retried after the back-off
        continue;
      }
      report.mails++;
      report.adsSent += list.length;
      // Recorded before this lane sends anything else: the crash window is this one mail.
      try {
        await this.repo.completeDelivery({ jobId: job.id, savedSearchId: search.id, handled, sent: list.map((a) => a.id) }, this.deps.now());
        report.deliveries++;
      } catch (err) {
        // The mail went out but is not recorded: the job runs again after the back-off, and this
        // one mail is sent twice (the crash edge of docs/alerts.md).
        await this.fail(job, err, report);
      }
    }
    await completeQuiet();
  }

  private async fail(job: AlertJob, err: unknown, report: RunReport): Promise<void> {
    report.failures++;
    await this.repo.release(job.id, String(err), retryAt(this.deps.now(), job.attempts));
  }

  private async enforceRateLimit(key: string, perHour: number) {
    const r = await this.deps.limiter.hit(key, perHour, 3600);
    if (!r.allowed) {
      throw new AppError('rate_limited', `Too many alert sign-ups. Please try again in ${Math.ceil(r.retryAfterSeconds / 60)} minutes.`, undefined, r.retryAfterSeconds);
    }
  }
}

/** Back off 1, 2, 4 … up to 60 minutes. */
function retryAt(now: Date, attempts: number): Date {
  return new Date(now.getTime() + Math.min(60, 2 ** Math.max(0, attempts - 1)) * MINUTE);
}
