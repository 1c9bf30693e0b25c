/**
 * Private links (confirm an ad, manage an ad, appeal a decision) signed with the site key rather than
 * stored: the reminder mail can carry the same link again, and rotating an ad's nonce revokes old
 * links. An appeal link signs the ad id with the statement's puid (public in the Transparency
 * Database, so the signature is what makes the link private). A `photos` link only shows the ad's
 * photos to its poster (the manage page, the API's own ads): an image address gets copied and
 * embedded far more readily than a page's, so it must not carry the power to edit or delete.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type LinkPurpose = 'confirm' | 'manage' | 'appeal' | 'photos';

export class LinkSigner {
  constructor(private key: Buffer) {}

  sign(purpose: LinkPurpose, id: number, nonce: string): string {
    return createHmac('sha256', this.key).update(`${purpose}:${id}:${nonce}`).digest('base64url').slice(0, 32);
  }

  verify(purpose: LinkPurpose, id: number, nonce: string, token: string): boolean {
    const expected = Buffer.from(this.sign(purpose, id, nonce));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

export function newNonce(): string {
  return randomBytes(12).toString('base64url');
}
