/**
 * Favourites: visitors keep theirs in a signed cookie (ids only, newest first, at most CAP); signed-in
 * users in the favourites table. `mergeVisitorFavourites` moves a visitor's cookie list into the
 * account when they sign in. Ads that are no longer public show as "no longer available": the title
 * of an expired ad (the poster may renew it), nothing at all of a deleted, removed or purged one.
 */
import type { ListedAd } from '../listings/search.repository.ts';
import type { FavouritesRepository } from './favourites.repository.ts';

export const FAVOURITES_COOKIE = 'favourites';
export const FAVOURITES_CAP = 200;

export type FavouriteEntry =
  | { adId: number; status: 'live'; ad: ListedAd }
  | { adId: number; status: 'expired'; title: string }
  | { adId: number; status: 'gone' };

/** Cookie value ↔ ids. Anything malformed is dropped, never trusted: the cookie is signed, but old formats may linger. */
export function parseFavouritesCookie(value: string | null | undefined): number[] {
  if (!value) return [];
  const ids: number[] = [];
  for (const part of value.split('.')) {
    if (!/^\d{1,15}$/.test(part)) continue;
    const id = Number(part);
    if (id > 0 && !ids.includes(id)) ids.push(id);
    if (ids.length >= FAVOURITES_CAP) break;
  }
  return ids;
}

export function serializeFavouritesCookie(ids: number[]): string {
  return ids.slice(0, FAVOURITES_CAP).join('.');
}

/** The list with `adId` first (newest), without duplicates, trimmed to the cap. */
export function withFavourite(ids: number[], adId: number): number[] {
  return [adId, ...ids.filter((x) => x !== adId)].slice(0, FAVOURITES_CAP);
}

export function withoutFavourite(ids: number[], adId: number): number[] {
  return ids.filter((x) => x !== adId);
}

export class FavouritesService {
  constructor(
    private repo: FavouritesRepository,
    private now: () => Date,
  ) {}

  async idsOfUser(userId: number): Promise<number[]> {
    return this.repo.adIdsOf(userId);
  }

  async addForUser(userId: number, adId: number): Promise<void> {
    await this.repo.add(userId, [adId], this.now(), FAVOURITES_CAP);
  }

  async removeForUser(userId: number, adId: number): Promise<void> {
    await this.repo.remove(userId, adId);
  }

  /**
   * Called by the accounts code right after a visitor signs in (or signs up), with the ids from their
   * favourites cookie: they join the account's favourites (duplicates ignored, newest kept within the
   * cap), and the caller clears the cookie. Returns the account's favourites afterwards.
   */
  async mergeVisitorFavourites(userId: number, cookieIds: number[]): Promise<number[]> {
    const ids = parseFavouritesCookie(cookieIds.join('.'));
    await this.repo.add(userId, ids, this.now(), FAVOURITES_CAP);
    return this.repo.adIdsOf(userId);
  }

  /** Each favourite with what may be shown of it, in the given order. */
  async resolve(ids: number[]): Promise<FavouriteEntry[]> {
    const ads = await this.repo.ads(ids);
    return ids.map((adId): FavouriteEntry => {
      const ad = ads.get(adId);
      if (ad?.state === 'published') {
        const { state: _state, ...listed } = ad;
        return { adId, status: 'live', ad: listed };
      }
      if (ad?.state === 'expired') return { adId, status: 'expired', title: ad.title };
      return { adId, status: 'gone' };
    });
  }
}
