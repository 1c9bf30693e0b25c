/** The moderation module as the composition root builds it: one object with each service. */
import { AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { AdScreener } from '../listings/screening-hook.ts';
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
import { ModeratedScreener } from './screening-hook.ts';
import type { ScreeningVerdict } from '../listings/screening-hook.ts';

export interface Moderation {
  repo: ModerationRepository;
  audit: AuditLog;
  flags: FlagService;
  notices: NoticeService;
  decisions: DecisionService;
  /** Appeals against statements of reasons (DSA Art. 20). */
  appeals: AppealService;
  /** The screening step with blocked contacts and the review queue around it. */
  screener(inner: AdScreener): AdScreener;
  /** Holds a live ad a rescan found matching: queued, statement of reasons, audit entry, mail (`corkboard rescan`). */
  holdAfterRescan(ad: RescannedAd, verdict: ScreeningVerdict): Promise<boolean>;
}

export function createModeration(deps: {
  config: Pick<Config, 'publicUrl' | 'adExpiryDays'>;
  database: Database;
  mailer: Mailer;
  links: LinkSigner;
  places: () => Places;
  now: () => Date;
}): Moderation {
  const repo = new ModerationRepository(deps.database.db);
  const audit = new AuditLog(deps.database.db, deps.now);
  const ctx: ModerationContext = { ...deps, repo, audit };
  return {
    repo,
    audit,
    flags: new FlagService(ctx),
    notices: new NoticeService(ctx),
    decisions: new DecisionService(ctx),
    appeals: new AppealService(ctx),
    screener: (inner) => new ModeratedScreener(inner, ctx),
    holdAfterRescan: (ad, verdict) => holdAfterRescan(ctx, ad, verdict),
  };
}
