/** The moderation module as the composition root builds it: one object with each service. */
import { TrustedFlaggerRepository } from './trusted-flagger.repository.ts';
import { AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { AdScreener } from '../listings/screening-hook.ts';
import { MailOutbox } from '../mail/mail-outbox.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Places } from '../places/places.ts';
import type { LinkSigner } from '../platform/signed-links.ts';
import { AppealService } from './appeal.service.ts';
import { DecisionService } from './decision.service.ts';
import { FlagService } from './flag.service.ts';
import type { ModerationContext } from './moderation.context.ts';
import { ModerationRepository } from './moderation.repository.ts';
import { NoticeService } from './notice.service.ts';
import { holdAfterRescan, type RescannedAd } from './rescan-hold.ts';
import { ReplierDecisionService } from './replier-decisions.ts';
import { ModeratedScreener } from './screening-hook.ts';
import type { ScreeningVerdict } from '../listings/screening-hook.ts';

export interface Moderation {
  repo: ModerationRepository;
  /** Trusted flaggers (DSA Art. 22), for tests and tools; admins go through TrustedFlaggerAdmin. */
  trustedFlaggers: TrustedFlaggerRepository;
  /** Mail that must not be lost: statements of reasons, notice and appeal receipts and outcomes. */
  outbox: MailOutbox;
  audit: AuditLog;
  flags: FlagService;
  notices: NoticeService;
  decisions: DecisionService;
  /** Appeals against statements of reasons (DSA Art. 20). */
  appeals: AppealService;
  /** Decisions aimed at the replier of a reported relay message: warn, relay block, suspend, ban. */
  repliers: ReplierDecisionService;
  /** The screening step with blocked contacts and the review queue around it. */
  screener(inner: AdScreener): AdScreener;
  /** Holds a live ad a rescan found matching: queued, statement of reasons, audit entry, mail (`corkboard rescan`). */
  holdAfterRescan(ad: RescannedAd, verdict: ScreeningVerdict): Promise<boolean>;
}

export function createModeration(deps: {
  config: Pick<Config, 'publicUrl' | 'adExpiryDays' | 'retentionDays'>;
  database: Database;
  mailer: Mailer;
  /** The app's outbox (src/mail/mail-outbox.ts); one over `mailer` is built when none is given. */
  outbox?: MailOutbox;
  links: LinkSigner;
  places: () => Places;
  now: () => Date;
}): Moderation {
  const repo = new ModerationRepository(deps.database.db);
  const audit = new AuditLog(deps.database.db, deps.now);
  const outbox = deps.outbox ?? new MailOutbox({ database: deps.database, mailer: deps.mailer, now: deps.now, retentionDays: deps.config.retentionDays });
  const ctx: ModerationContext = { config: deps.config, database: deps.database, links: deps.links, places: deps.places, now: deps.now, repo, audit, outbox };
  return {
    repo,
    trustedFlaggers: new TrustedFlaggerRepository(deps.database.db),
    audit,
    outbox,
    flags: new FlagService(ctx),
    notices: new NoticeService(ctx),
    decisions: new DecisionService(ctx),
    appeals: new AppealService(ctx),
    repliers: new ReplierDecisionService(ctx),
    screener: (inner) => new ModeratedScreener(inner, ctx),
    holdAfterRescan: (ad, verdict) => holdAfterRescan(ctx, ad, verdict),
  };
}
