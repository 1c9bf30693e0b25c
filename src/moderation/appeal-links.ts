/** The private link to appeal one statement of reasons: /appeal/<puid>/<HMAC of ad id and puid>. */
import type { LinkSigner } from '../platform/signed-links.ts';

export function appealPath(links: LinkSigner, statement: { adId: number; puid: string }): string {
  return `/appeal/${encodeURIComponent(statement.puid)}/${links.sign('appeal', statement.adId, statement.puid)}`;
}

export function appealUrl(links: LinkSigner, publicUrl: string, statement: { adId: number; puid: string }): string {
  return `${publicUrl}${appealPath(links, statement)}`;
}
