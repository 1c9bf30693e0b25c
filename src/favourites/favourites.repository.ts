/** SQL for signed-in users' favourites, and the ad lookups the favourites page needs. */
import type { Database } from '../db/client.ts';
import type { AdState } from '../db/schema.ts';
import { toListedAd, type ListedAd } from '../listings/search.repository.ts';

/** A favourited ad as the list shows it: a listing row plus its state, to tell gone ads apart. */
export interface FavouriteAdRow extends ListedAd {
  state: AdState;
}

export class FavouritesRepository {
  constructor(private database: Database) {}

  /** Newest first. */
  async adIdsOf(userId: number): Promise<number[]> {
    const rows = await this.database.query<{ ad_id: number }>(`select ad_id from favourites where user_id = $1 order by created_at desc, ad_id desc`, [userId]);
    return rows.map((r) => Number(r.ad_id));
  }

  /** Adds ads (already newest first) and trims the list to `cap`, dropping the oldest. */
  async add(userId: number, adIds: number[], now: Date, cap: number): Promise<void> {
    if (adIds.length === 0) return;
    // Older entries get earlier timestamps so the given order survives; existing favourites keep their date.
    await this.database.query(
      `insert into favourites (user_id, ad_id, created_at)
       select $1, x.id, $3::timestamptz - (x.n * interval '1 millisecond') from unnest($2::bigint[]) with ordinality as x(id, n)
       on conflict do nothing`,
      [userId, adIds, now],
    );
    await this.database.query(
      `delete from favourites where user_id = $1 and ad_id in (
         select ad_id from favourites where user_id = $1 order by created_at desc, ad_id desc offset $2)`,
      [userId, cap],
    );
  }

  async remove(userId: number, adId: number): Promise<void> {
    await this.database.query(`delete from favourites where user_id = $1 and ad_id = $2`, [userId, adId]);
  }

  async ads(ids: number[]): Promise<Map<number, FavouriteAdRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.database.query<Record<string, unknown>>(
      `select id, state, title, price, currency, city_id, category_id, neighbourhood, bumped_at, thumb_key, photo_count
       from ads where id = any($1::bigint[])`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        Number(r.id),
        { ...toListedAd(r), state: r.state as AdState },
      ]),
    );
  }
}
