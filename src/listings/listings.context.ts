/** What the listings commands need, assembled once at the composition root. */
import type { Config } from '../config.ts';
import type { MailOutbox } from '../mail/mail-outbox.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { PhotoStore } from '../photos/photo-store.ts';
import type { Places } from '../places/places.ts';
import type { RateLimiter } from '../platform/rate-limiter.ts';
import type { LinkSigner } from '../platform/signed-links.ts';
import type { AdRepository } from './ad.repository.ts';
import type { PhotoHasher } from './photo-uploads.ts';
import type { AdScreener } from './screening-hook.ts';

export interface ListingsContext {
  config: Pick<Config, 'publicUrl' | 'adExpiryDays' | 'retentionDays' | 'postsPerHourPerIp' | 'postsPerHourPerEmail'>;
  ads: AdRepository;
  places: Places;
  photos: PhotoStore;
  /** Mail sent straight away, which the user can ask for again (the confirmation link, reminders). */
  mailer: Mailer;
  /**
   * Mail that must not be lost: the screening decision (with a rejection's statement of reasons) is
   * written in the transaction that applies it and delivered after the commit (src/mail/mail-outbox.ts).
   */
  mailOutbox: Pick<MailOutbox, 'enqueue' | 'deliver'>;
  limiter: RateLimiter;
  links: LinkSigner;
  screener: AdScreener;
  hasher?: PhotoHasher;
  now: () => Date;
}
