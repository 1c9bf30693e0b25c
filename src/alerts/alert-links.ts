/**
 * Signed links in alert mails (confirm, manage, unsubscribe), like the ads' private links: an HMAC of
 * purpose, saved-search id and the search's nonce under a key derived from the site key. Deleting
 * the saved search (or changing its nonce) revokes every link to it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type AlertLinkPurpose = 'confirm' | 'manage' | 'unsubscribe';

export class AlertLinks {
  private key: Buffer;
  constructor(siteKey: Buffer) {
    this.key = createHmac('sha256', siteKey).update('saved-search-alerts').digest();
  }

  sign(purpose: AlertLinkPurpose, id: number, nonce: string): string {
    return createHmac('sha256', this.key).update(`${purpose}:${id}:${nonce}`).digest('base64url').slice(0, 32);
  }

  verify(purpose: AlertLinkPurpose, id: number, nonce: string, token: string): boolean {
    const expected = Buffer.from(this.sign(purpose, id, nonce));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
