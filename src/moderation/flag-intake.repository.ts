/**
 * The SQL of one quick flag, in two statements inside the caller's transaction: everything the
 * weight and hold decision need (read under the ad's row lock), then the flag and its queue item.
 * Flag submission is the busiest write of moderation (a single viral ad draws hundreds), and the
 * general-purpose repository needed nine round trips for it.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { NamedStatement } from '../db/named-statement.ts';
import type { ReviewSource } from '../db/schema.ts';
import { slaDue, type WeightedFlag } from './policy.ts';

export interface FlagFacts {
  ad: { id: number; state: string; email: string; title: string; createdAt: Date };
  /** This flagger already flagged this ad. */
  alreadyFlagged: boolean;
  /** Another flag on this ad came from the same network. */
  sameNetwork: boolean;
  history: { upheld: number; rejected: number } | undefined;
  /** The flagger's account is a trusted flagger (DSA Art. 22). */
  trusted: boolean;
  /** The ad's undecided flags before this one, weighted as the hold decision needs them. */
  openFlags: WeightedFlag[];
}

// Named, so PostgreSQL plans each once per connection: a viral ad draws flags by the hundred.
const LOCK_AND_READ = new NamedStatement<Record<string, unknown>>(
  'flag_lock_and_read',
  sql`
      select a.id, a.state, a.email, a.title, a.created_at,
        exists (select 1 from flags f where f.ad_id = a.id and f.flagger_key = ${sql.placeholder('flaggerKey')}) as already_flagged,
        exists (select 1 from flags f where f.ad_id = a.id and f.ip_hash = ${sql.placeholder('ipHash')}) as same_network,
        (select json_build_object('upheld', s.upheld, 'rejected', s.rejected) from flagger_stats s where s.flagger_key = ${sql.placeholder('flaggerKey')}) as history,
        (${sql.placeholder('userId')}::bigint is not null and exists (
          -- The account itself, or its confirmed address matching a trusted address or domain (an
          -- organisation's staff flagging from their own accounts); an unconfirmed address proves nothing.
          select 1 from trusted_flaggers t
            left join users u on u.id = ${sql.placeholder('userId')}::bigint and u.email_verified_at is not null and u.deleted_at is null
           where (t.kind = 'account' and t.value = ${sql.placeholder('userIdText')})
              or (t.kind = 'email' and t.value = lower(u.email))
              or (t.kind = 'domain' and t.value = split_part(lower(u.email), '@', 2)))) as trusted,
        (select coalesce(json_agg(json_build_object('reason', f.reason, 'weight', f.weight,
                  'decided', coalesce(s.upheld, 0) + coalesce(s.rejected, 0))), '[]'::json)
           from flags f left join flagger_stats s on s.flagger_key = f.flagger_key
          where f.ad_id = a.id and f.outcome is null) as open_flags
      from ads a where a.id = ${sql.placeholder('adId')} for update of a`,
);

const INSERT_FLAG_AND_ENQUEUE = new NamedStatement<{ flag_id: number | null }>(
  'flag_insert_and_enqueue',
  sql`
      with flag as (
        insert into flags (ad_id, reason, flagger_key, user_id, ip_hash, weight, created_at)
        values (${sql.placeholder('adId')}, ${sql.placeholder('reason')}, ${sql.placeholder('flaggerKey')}, ${sql.placeholder('userId')}, ${sql.placeholder('ipHash')}, ${sql.placeholder('weight')}, ${sql.placeholder('now')})
        on conflict do nothing
        returning id
      ), item as (
        insert into review_items (ad_id, source, priority, trusted, label, created_at, sla_due_at)
        select ${sql.placeholder('adId')}::bigint, ${sql.placeholder('source')}::text, ${sql.placeholder('priority')}::smallint, ${sql.placeholder('trusted')}::boolean, ${sql.placeholder('reason')}::text,
               ${sql.placeholder('now')}::timestamptz, ${sql.placeholder('slaDue')}::timestamptz
        where exists (select 1 from flag)
        on conflict (ad_id, source) where state = 'open' do update set
          label = case when excluded.priority < review_items.priority then excluded.label else review_items.label end,
          priority = least(review_items.priority, excluded.priority),
          trusted = review_items.trusted or excluded.trusted,
          sla_due_at = least(review_items.sla_due_at, excluded.sla_due_at)
        returning id
      )
      select (select id from flag) as flag_id, (select id from item) as item_id`,
);

export class FlagIntakeRepository {
  constructor(private tx: Db) {}

  /** Locks the ad row (flags on one ad are taken one at a time) and reads the facts; undefined if there is no such ad. */
  async lockAndRead(adId: number, flagger: { key: string; ipHash: string; userId: number | null }): Promise<FlagFacts | undefined> {
    const [r] = await LOCK_AND_READ.execute(this.tx, {
      adId,
      flaggerKey: flagger.key,
      ipHash: flagger.ipHash,
      userId: flagger.userId,
      userIdText: flagger.userId === null ? null : String(flagger.userId),
    });
    if (!r) return undefined;
    const history = json<{ upheld: number; rejected: number } | null>(r.history);
    const open = json<{ reason: string; weight: number; decided: number }[]>(r.open_flags);
    return {
      ad: { id: Number(r.id), state: String(r.state), email: String(r.email), title: String(r.title), createdAt: r.created_at instanceof Date ? r.created_at : new Date(String(r.created_at)) },
      alreadyFlagged: r.already_flagged === true,
      sameNetwork: r.same_network === true,
      history: history ?? undefined,
      trusted: r.trusted === true,
      openFlags: open.map((f) => ({ reason: f.reason, weight: Number(f.weight), decided: Number(f.decided), trusted: Number(f.weight) >= 1 })),
    };
  }

  /**
   * Stores the flag and puts the ad in the queue (or raises its open item, as
   * ModerationRepository.enqueue does); returns the flag's id, or undefined if it was a repeat.
   */
  async insertFlagAndEnqueue(f: {
    adId: number;
    reason: string;
    flaggerKey: string;
    userId: number | null;
    ipHash: string;
    weight: number;
    now: Date;
    queue: { source: ReviewSource; priority: number; trusted: boolean };
  }): Promise<number | undefined> {
    const [row] = await INSERT_FLAG_AND_ENQUEUE.execute(this.tx, {
      adId: f.adId,
      reason: f.reason,
      flaggerKey: f.flaggerKey,
      userId: f.userId,
      ipHash: f.ipHash,
      weight: f.weight,
      now: f.now,
      source: f.queue.source,
      priority: f.queue.priority,
      trusted: f.queue.trusted,
      slaDue: slaDue(f.queue.priority, f.now),
    });
    const id = row?.flag_id;
    return id === null || id === undefined ? undefined : Number(id);
  }
}

/** json columns arrive parsed from node-postgres and as text or parsed from PGlite, depending on the path. */
function json<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}
