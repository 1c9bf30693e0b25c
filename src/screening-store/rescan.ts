/**
 * Re-screens live ads (published and held) after a policy or hash-bank change, in batches, with
 * the cursor kept in `screening_rescans` so an interrupted run resumes where it stopped.
 * A published ad that now matches is held (with `hold`: queued for review, a statement of reasons
 * and a mail to the poster, like any automated hold); held ads are never
 * published automatically (a moderator decides), but a held ad whose verdict became stricter gets
 * the new verdict stored for the moderator. Whether re-screened ads are added to the stores is the
 * screener's `record` option (the CLI records, which backfills ads that predate the stores).
 */
import { createHash } from 'node:crypto';
import type { Database } from '../db/client.ts';
import { AdRepository } from '../listings/ad.repository.ts';
import type { EngineScreener } from '../listings/engine-screener.ts';
import type { AdForScreening, ScreeningVerdict } from '../listings/screening-hook.ts';

export interface RescanOptions {
  batchSize?: number;
  /** Stop after this many batches (the run stays open and the next call resumes it). */
  maxBatches?: number;
  /** Start a new run even if one with the same policy and banks finished. */
  force?: boolean;
  log?: (line: string) => void;
  /**
   * Holds a published ad that now matches, and says whether it did. The CLI passes moderation's
   * `holdAfterRescan` (review queue, statement of reasons, audit entry, mail to the poster); without
   * it the ad is only moved to held.
   */
  hold?: (ad: { id: number; title: string; email: string; createdAt: Date }, verdict: ScreeningVerdict) => Promise<boolean>;
}

export interface RescanReport {
  runId: number;
  resumed: boolean;
  /** The run with this policy and these banks had already finished: nothing was done. */
  alreadyDone: boolean;
  finished: boolean;
  fromCursor: number;
  cursor: number;
  /** Counts for this call, and for the whole run. */
  scanned: number;
  held: number;
  runScanned: number;
  runHeld: number;
}

interface RunRow {
  id: number;
  fingerprint: string;
  cursor: number;
  up_to: number;
  scanned: number;
  held: number;
  finished_at: Date | null;
}

interface LiveAd {
  id: number;
  state: 'published' | 'held';
  title: string;
  body: string;
  price: number | null;
  phone: string | null;
  email: string;
  poster_ip: string | null;
  created_at: Date;
  city_slug: string;
  country_code: string;
  category_slug: string;
  category_group: string;
  screening: { decision?: string } | null;
}

const STRICTNESS: Record<string, number> = { publish: 0, review: 1, reject: 2 };

export async function rescanFingerprint(database: Database, screener: EngineScreener): Promise<string> {
  const policy = createHash('sha256').update(screener.policy.source).digest('hex').slice(0, 16);
  return `policy:${screener.policy.version}:${policy}|banks:${await screener.banks.currentFingerprint()}`;
}

export async function rescan(database: Database, screener: EngineScreener, opts: RescanOptions = {}): Promise<RescanReport> {
  const batchSize = opts.batchSize ?? 500;
  const log = opts.log ?? (() => {});
  const fingerprint = await rescanFingerprint(database, screener);
  const ads = new AdRepository(database.db);

  const [latest] = await database.query<RunRow>(
    `select id, fingerprint, cursor, up_to, scanned, held, finished_at
       from screening_rescans where fingerprint = $1 order by id desc limit 1`,
    [fingerprint],
  );
  let run: RunRow;
  let resumed = false;
  if (latest && !latest.finished_at) {
    run = latest;
    resumed = true;
    log(`resuming rescan #${run.id} after ad ${run.cursor} (${run.scanned} ads done)`);
  } else if (latest && !opts.force) {
    log(`rescan #${latest.id} already covered this policy and these hash banks; use --force to run again`);
    return { runId: latest.id, resumed: false, alreadyDone: true, finished: true, fromCursor: latest.cursor, cursor: latest.cursor, scanned: 0, held: 0, runScanned: latest.scanned, runHeld: latest.held };
  } else {
    // Runs under older rules are superseded: the new run covers every live ad again.
    await database.query(`update screening_rescans set finished_at = now() where finished_at is null`);
    const [created] = await database.query<RunRow>(
      `insert into screening_rescans (fingerprint, up_to) values ($1, (select coalesce(max(id), 0) from ads))
       returning id, fingerprint, cursor, up_to, scanned, held, finished_at`,
      [fingerprint],
    );
    run = created!;
    log(`rescan #${run.id}: live ads up to id ${run.up_to}`);
  }

  const fromCursor = run.cursor;
  let scanned = 0;
  let held = 0;
  let batches = 0;
  let finished = false;
  for (;;) {
    if (opts.maxBatches !== undefined && batches >= opts.maxBatches) break;
    const batch = await database.query<LiveAd>(
      `select a.id, a.state, a.title, a.body, a.price, a.phone, a.email, a.poster_ip, a.created_at, a.screening,
              c.slug as city_slug, c.country_code, k.slug as category_slug, coalesce(g.slug, k.slug) as category_group
         from ads a join cities c on c.id = a.city_id join categories k on k.id = a.category_id
         left join categories g on g.id = k.parent_id
        where a.id > $1 and a.id <= $2 and a.state in ('published', 'held')
        order by a.id limit $3`,
      [run.cursor, run.up_to, batchSize],
    );
    if (batch.length === 0) {
      finished = true;
      break;
    }
    const photos = await database.query<{ ad_id: number; sha256: string; pdq: string | null; pdq_quality: number | null }>(
      `select ad_id, sha256, pdq, pdq_quality from ad_photos where ad_id = any($1::bigint[]) order by ad_id, position`,
      [batch.map((a) => a.id)],
    );
    let batchHeld = 0;
    for (const ad of batch) {
      const verdict = await screener.screen(toScreening(ad, photos.filter((p) => p.ad_id === ad.id)));
      if (ad.state === 'published' && verdict.decision !== 'publish') {
        const moved = opts.hold
          ? await opts.hold({ id: ad.id, title: ad.title, email: ad.email, createdAt: new Date(ad.created_at) }, verdict)
          : await ads.transition(ad.id, ['published'], 'held', { kind: 'rescan_held', reason: verdict.statement, automated: true }, { screening: verdict });
        if (moved) batchHeld++;
      } else if (ad.state === 'held' && STRICTNESS[verdict.decision]! > (STRICTNESS[ad.screening?.decision ?? 'publish'] ?? 0)) {
        await database.query(`update ads set screening = $2::text::jsonb where id = $1 and state = 'held'`, [ad.id, JSON.stringify(verdict satisfies ScreeningVerdict)]);
      }
    }
    const last = batch[batch.length - 1]!.id;
    await database.query(`update screening_rescans set cursor = $2, scanned = scanned + $3, held = held + $4, updated_at = now() where id = $1`, [
      run.id,
      last,
      batch.length,
      batchHeld,
    ]);
    run = { ...run, cursor: last, scanned: run.scanned + batch.length, held: run.held + batchHeld };
    scanned += batch.length;
    held += batchHeld;
    batches++;
    log(`rescan #${run.id}: ${run.scanned} ads screened, ${run.held} held (cursor ${last})`);
  }
  if (finished) await database.query(`update screening_rescans set finished_at = now(), updated_at = now() where id = $1`, [run.id]);
  return { runId: run.id, resumed, alreadyDone: false, finished, fromCursor, cursor: run.cursor, scanned, held, runScanned: run.scanned, runHeld: run.held };
}

function toScreening(ad: LiveAd, photos: { sha256: string; pdq: string | null; pdq_quality: number | null }[]): AdForScreening {
  return {
    id: ad.id,
    title: ad.title,
    body: ad.body,
    categorySlug: ad.category_slug,
    categoryGroup: ad.category_group,
    citySlug: ad.city_slug,
    countryCode: ad.country_code,
    price: ad.price === null ? null : Number(ad.price),
    phone: ad.phone,
    email: ad.email,
    imageHashes: photos.map((p) => ({ sha256: p.sha256, pdq: p.pdq, pdqQuality: p.pdq_quality })),
    ip: ad.poster_ip,
    postedAt: new Date(ad.created_at),
  };
}
