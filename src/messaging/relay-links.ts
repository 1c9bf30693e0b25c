/**
 * Signed, unstored links for the relay: each side's thread page and the replier's confirmation of a
 * first message. The key is derived from the site key, so these never collide with ad links.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RelaySide } from '../db/schema.ts';

export type RelayLinkPurpose = `thread-${RelaySide}` | 'confirm-message';

export class RelayLinks {
  private key: Buffer;

  constructor(
    siteKey: Buffer,
    private publicUrl: string,
  ) {
    this.key = createHash('sha256').update(siteKey).update('relay-links').digest();
  }

  /** The site's own host: links to it in a message are not foreign (message-risk.ts). */
  get siteHost(): string {
    return new URL(this.publicUrl).hostname;
  }

  sign(purpose: RelayLinkPurpose, id: number, nonce: string): string {
    return createHmac('sha256', this.key).update(`${purpose}:${id}:${nonce}`).digest('base64url').slice(0, 32);
  }

  verify(purpose: RelayLinkPurpose, id: number, nonce: string, token: string): boolean {
    const expected = Buffer.from(this.sign(purpose, id, nonce));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  threadPath(threadId: number, side: RelaySide, nonce: string): string {
    return `/replies/${threadId}/${side}/${this.sign(`thread-${side}`, threadId, nonce)}`;
  }

  threadUrl(threadId: number, side: RelaySide, nonce: string): string {
    return `${this.publicUrl}${this.threadPath(threadId, side, nonce)}`;
  }

  confirmUrl(messageId: number, nonce: string): string {
    return `${this.publicUrl}/replies/confirm/${messageId}/${this.sign('confirm-message', messageId, nonce)}`;
  }
}

/** The local part of a relay identity: `reply-` and 80 random bits, lower-case base32 so mail systems keep it intact. */
export function newAlias(): string {
  const bytes = randomBytes(10);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `reply-${out}`;
}
