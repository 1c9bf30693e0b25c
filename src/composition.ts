/**
 * The composition root: the one place that knows which implementation backs each interface.
 * Tests call it with overrides (an in-memory database, a fixed clock, a recording mailer).
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AccountRepository } from './accounts/account.repository.ts';
import { AccountService } from './accounts/account.service.ts';
import { EmailChangeRepository } from './accounts/email-change.repository.ts';
import { EmailChangeService } from './accounts/email-change.service.ts';
import { OutboxSmsSender, type SmsSender } from './accounts/sms.ts';
import { StaffService } from './accounts/staff.service.ts';
import { totpKeyFrom } from './accounts/totp.ts';
import { TwoFactorService } from './accounts/two-factor.service.ts';
import { TwoFactorRepository } from './accounts/two-factor.repository.ts';
import { AlertLinks } from './alerts/alert-links.ts';
import { AlertService } from './alerts/alert.service.ts';
import { AlertsRepository } from './alerts/alerts.repository.ts';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { AdRepository } from './listings/ad.repository.ts';
import { adChanges } from './listings/ad-changes.ts';
import { AdPageCache } from './listings/ad-page-cache.ts';
import { AdChangeFeed } from './listings/change-feed.ts';
import { AdService } from './listings/ad.service.ts';
import { EngineScreener, semanticScreening } from './listings/engine-screener.ts';
import { packagedEmbedder } from './screening/semantic/embedder.ts';
import { deletingHashRejectedPhotos } from './listings/hash-rejected-photos.ts';
import { Lifecycle } from './listings/lifecycle.ts';
import type { ListingsContext } from './listings/listings.context.ts';
import type { PhotoHasher } from './listings/photo-uploads.ts';
import type { AdScreener } from './listings/screening-hook.ts';
import { CategoryCounts, SearchRepository } from './listings/search.repository.ts';
import { CachedSearch, type AdSearch } from './listings/search-cache.ts';
import { FavouritesRepository } from './favourites/favourites.repository.ts';
import { FavouritesService } from './favourites/favourites.service.ts';
import { MailOutbox } from './mail/mail-outbox.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { queueMessageReport } from './moderation/message-reports.ts';
import { createModeration, type Moderation } from './moderation/moderation.ts';
import { RelayLinks } from './messaging/relay-links.ts';
import { RelayRepository } from './messaging/relay.repository.ts';
import { RelayService } from './messaging/relay.service.ts';
import { pdqHashFromRGB } from './screening/images/index.ts';
import { HashBankStore } from './screening-store/hash-banks.ts';
import { PolicyStore } from './screening-store/policy-store.ts';
import { LocalPhotoStore, type PhotoStore } from './photos/photo-store.ts';
import { CategoryAdmin } from './places/category-admin.ts';
import { CategoryRepository } from './places/category.repository.ts';
import { loadPlaces, type Places } from './places/places.ts';
import { createRateLimiter, type RateLimiter } from './platform/rate-limiter.ts';
import { LinkSigner } from './platform/signed-links.ts';
import { loadOrCreateSiteKey } from './platform/site-key.ts';

export interface AppContext {
  config: Config;
  database: Database;
  places: Places;
  ads: AdRepository;
  /** Published ads with their photos for the ad page, dropped the moment their ad changes anywhere. */
  adPages: AdPageCache;
  /** Hears ad changes committed by any node (PostgreSQL NOTIFY), for this node's caches. */
  changeFeed: AdChangeFeed;
  adService: AdService;
  search: AdSearch;
  categoryCounts: CategoryCounts;
  lifecycle: Lifecycle;
  photos: PhotoStore;
  /** The ads' private links (confirm, manage, appeal, the poster's view of their photos), signed with the site key. */
  links: LinkSigner;
  mailer: Mailer;
  /** Mail that must not be lost (moderation's statements, receipts, outcomes): written with the decision, delivered after it (src/mail/mail-outbox.ts). */
  mailOutbox: MailOutbox;
  limiter: RateLimiter;
  /** Flags, notices, the review queue, decisions and the audit log (src/moderation, src/audit). */
  moderation: Moderation;
  /** The anonymous reply relay (src/messaging/). */
  relay: RelayService;
  relayRepository: RelayRepository;
  /** Saved searches and alert jobs (src/alerts). */
  alerts: AlertService;
  favourites: FavouritesService;
  accountService: AccountService;
  /** Changing an account's e-mail address (src/accounts/email-change.*). */
  emailChange: EmailChangeService;
  /** Staff two-factor sign-in (TOTP): enrolment, codes, recovery codes. */
  twoFactor: TwoFactorService;
  /** Who is staff, with which role (CLI `corkboard staff`, /staff/admin/staff). */
  staff: StaffService;
  sms: SmsSender;
  now: () => Date;
  /** Signs cookies when COOKIE_SECRET is not set: derived from the shared site key, so all nodes agree. */
  siteKeyForCookies: string;
  /** Re-reads places and categories after seeding or an admin's category change. */
  reloadPlaces(): Promise<void>;
  /** Re-reads them only if the categories changed (another node's admin edit): one cheap query. */
  refreshPlacesIfChanged(): Promise<boolean>;
  /** Admins' edits of the category tree (src/places/category-admin.ts). */
  categoryAdmin: CategoryAdmin;
  /** Saved screening policies, newest wins (src/screening-store/policy-store.ts). */
  policies: PolicyStore;
  /** Image hash banks as the screener sees them (src/screening-store/hash-banks.ts). */
  hashBanks: HashBankStore;
  close(): Promise<void>;
}

export interface ContextOverrides {
  database?: Database;
  mailer?: Mailer;
  screener?: AdScreener;
  hasher?: PhotoHasher;
  limiter?: RateLimiter;
  sms?: SmsSender;
  now?: () => Date;
}

export async function createAppContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const database =
    overrides.database ?? (await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: path.join(config.dataDir, 'pglite') }));
  await database.migrate();
  const categoryRepo = new CategoryRepository(database.db);
  let placesFingerprint = await categoryRepo.fingerprint();
  const places = await loadPlaces(database.db);
  const ads = new AdRepository(database.db);
  // The ad page's cache is only as fresh as the change notifications it hears (ad-page-cache.ts).
  const adPages = new AdPageCache((id) => ads.findWithPhotos(id), config.adPageCacheSize);
  const stopInvalidating = adChanges.onAdChange((id) => adPages.invalidate(id));
  const changeFeed = await AdChangeFeed.start(database);
  changeFeed.onStatus((listening) => adPages.setUsable(listening));
  adPages.setUsable(changeFeed.listening);
  const photos = new LocalPhotoStore(path.join(config.dataDir, 'photos'));
  const mailer = overrides.mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir });
  const limiter = overrides.limiter ?? createRateLimiter(config.redisUrl);
  const now = overrides.now ?? (() => new Date());
  const siteKey = await loadOrCreateSiteKey(database.db);
  const links = new LinkSigner(siteKey);
  // The newest policy an admin saved (else the bundled one), and the image hash banks: shared by the screener and the admin pages.
  const policies = new PolicyStore(database);
  const hashBanks = new HashBankStore(database);
  // The semantic model (`corkboard screening train`) and the sentence encoder shipped in npm; the
  // encoder starts loading now so the first ad posted does not wait for it.
  const semantic = semanticScreening(config.screeningModel);
  if (semantic && !overrides.screener) packagedEmbedder().catch(() => undefined); // a failure shows on the first screening, which retries
  const mailOutbox = new MailOutbox({ database, mailer, now, retentionDays: config.retentionDays });
  const moderation = createModeration({ config, database, mailer, outbox: mailOutbox, links, places: () => listings.places, now });
  const listings: ListingsContext = {
    config,
    ads,
    places,
    photos,
    mailer,
    mailOutbox,
    limiter,
    links,
    // Blocked contacts are refused around the screening step, and held ads queued for review and
    // rejections given a statement of reasons in the transaction that applies the verdict (src/moderation);
    // a committed rejection deletes the files of the photos a hash bank rejects (hash-rejected-photos.ts).
    screener: deletingHashRejectedPhotos(moderation.screener(overrides.screener ?? new EngineScreener({ database, policies, banks: hashBanks, semantic })), { photos, banks: hashBanks }),
    // PDQ hashes of uploaded photos, for hash-bank matching and linking ads by image.
    hasher: overrides.hasher ?? (async (px) => pdqHashFromRGB(px.data, px.width, px.height)),
    now,
  };
  const adService = new AdService(listings);
  const sms = overrides.sms ?? new OutboxSmsSender(mailer);
  const relayRepository = new RelayRepository(database.db);
  const accountRepository = new AccountRepository(database.db);
  const accountService = new AccountService({
    config,
    accounts: accountRepository,
    ads,
    mailer,
    sms,
    limiter,
    now,
    replyCounts: (adIds) => relayRepository.replyCountsByAd(adIds),
  });
  const relay = new RelayService({
    relay: relayRepository,
    ads,
    mailer,
    limiter,
    links: new RelayLinks(siteKey, config.publicUrl),
    relayDomain: config.relayDomain,
    now,
    onReport: (report) => queueMessageReport(moderation.repo, report, now()),
  });
  const context: AppContext = {
    config,
    database,
    places,
    ads,
    adPages,
    changeFeed,
    adService,
    search: new CachedSearch(new SearchRepository(database), config.searchCacheSeconds * 1000),
    categoryCounts: new CategoryCounts(database),
    lifecycle: new Lifecycle(listings, adService),
    photos,
    links,
    mailer,
    limiter,
    relay,
    relayRepository,
    moderation,
    alerts: new AlertService({
      repo: new AlertsRepository(database),
      places: () => context.places,
      mailer,
      limiter,
      links: new AlertLinks(siteKey),
      publicUrl: config.publicUrl,
      now,
      concurrency: database.kind === 'postgres' ? 8 : 1,
    }),
    favourites: new FavouritesService(new FavouritesRepository(database), now),
    accountService,
    emailChange: new EmailChangeService({
      config,
      accounts: accountRepository,
      changes: new EmailChangeRepository(database.db),
      mailer,
      limiter,
      now,
      startSession: (userId, userAgent) => accountService.startSession(userId, userAgent),
    }),
    staff: new StaffService({ database, audit: moderation.audit, mailer, publicUrl: config.publicUrl, now }),
    twoFactor: new TwoFactorService({ accounts: accountRepository, twoFactor: new TwoFactorRepository(database.db), limiter, key: totpKeyFrom(siteKey), now }),
    sms,
    mailOutbox,
    now,
    siteKeyForCookies: createHash('sha256').update(siteKey).update('cookies').digest('base64'),
    async reloadPlaces() {
      const fingerprint = await categoryRepo.fingerprint();
      const fresh = await loadPlaces(database.db);
      listings.places = fresh;
      context.places = fresh;
      placesFingerprint = fingerprint;
    },
    async refreshPlacesIfChanged() {
      if ((await categoryRepo.fingerprint()) === placesFingerprint) return false;
      await context.reloadPlaces();
      return true;
    },
    policies,
    hashBanks,
    categoryAdmin: new CategoryAdmin({ database, audit: moderation.audit, reload: () => context.reloadPlaces() }),
    async close() {
      stopInvalidating();
      await changeFeed.close();
      await limiter.close();
      await database.close();
    },
  };
  return context;
}
