/** What the moderation services need, assembled once at the composition root. */
import type { AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { MailOutbox } from '../mail/mail-outbox.ts';
import type { Places } from '../places/places.ts';
import type { LinkSigner } from '../platform/signed-links.ts';
import type { ModerationRepository } from './moderation.repository.ts';

export interface ModerationContext {
  config: Pick<Config, 'publicUrl' | 'adExpiryDays'>;
  database: Database;
  repo: ModerationRepository;
  audit: AuditLog;
  /** Every moderation mail goes through the outbox: enqueued in the decision's transaction, delivered after the commit. */
  outbox: MailOutbox;
  /** Signs the private appeal links in statements of reasons. */
  links: LinkSigner;
  /** A getter: places are reloaded after seeding. */
  places: () => Places;
  now: () => Date;
}
