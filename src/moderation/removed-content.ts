/**
 * The removed-content bank (issue 11, item 5: "removed content stays removed"). Every ad a moderator
 * removes (remove, suspend, ban; bulk removals of a linked group) and every ad screening rejects
 * leaves its text fingerprint and photo hashes here with the decision. ModeratedScreener asks the
 * bank about every new, edited or renewed ad: one that matches is held for review (never published),
 * whoever posts it, with a review item of source 'repost' whose page links the earlier decision.
 *
 * Reused, not reinvented: the text fingerprint is the screening engine's template signature
 * (MinHash over word bigrams of the normalised title and body, numbers and links masked), and "the
 * same or nearly the same" is an estimated Jaccard of at least REPOST_SIMILARITY; candidates are
 * found through the engine's LSH band keys. Photos match on the exact SHA-256 or a PDQ distance of
 * at most PDQ_MATCH_THRESHOLD (only hashes of usable quality). PDQ candidates are found exactly by
 * the pigeonhole rule: two hashes within 31 bits differ in at most one bit in one of their sixteen
 * 16-bit chunks, so each chunk is stored as a key and looked up with its sixteen one-bit neighbours.
 */
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adEvents, removedContent, removedContentKeys } from '../db/schema.ts';
import { AdRepository } from '../listings/ad.repository.ts';
import { hammingDistance, isHash256Hex, PDQ_MATCH_THRESHOLD, PDQ_MIN_QUALITY } from '../screening/images/index.ts';
import { normaliseText } from '../screening/normalise/index.ts';
import { bandKeys, NUM_HASHES, signature, similarity, templateWords } from '../screening/templates/minhash.ts';

/** Estimated Jaccard of word bigrams from which a text counts as the same ad (the engine groups templates from 0.5). */
export const REPOST_SIMILARITY = 0.8;
export const REPOST_RULE = 'moderation.repost';
const MAX_CANDIDATES = 200;

export interface ContentFingerprint {
  signature: Uint32Array | null;
  photos: { sha256: string; pdq: string | null }[];
}

/** What the bank keeps of an ad: the engine's template signature of title + body, and the photos' hashes (PDQ only when usable). */
export function fingerprintOf(title: string, body: string, photos: readonly { sha256: string; pdq: string | null; pdqQuality: number | null }[]): ContentFingerprint {
  const words = templateWords([...normaliseText(title).tokens, ...normaliseText(body).tokens]);
  return {
    signature: signature(words),
    photos: photos.map((p) => ({
      sha256: p.sha256.toLowerCase(),
      pdq: p.pdq && isHash256Hex(p.pdq) && (p.pdqQuality ?? 0) >= PDQ_MIN_QUALITY ? p.pdq.toLowerCase() : null,
    })),
  };
}

const pdqChunks = (pdq: string) => Array.from({ length: 16 }, (_, i) => pdq.slice(i * 4, i * 4 + 4));
const chunkKey = (i: number, chunk: string) => `p${i}:${chunk}`;

/** The keys an entry is stored under. */
function storedKeys(fp: ContentFingerprint): string[] {
  const keys = new Set<string>();
  if (fp.signature) for (const k of bandKeys(fp.signature)) keys.add(`t:${k}`);
  for (const p of fp.photos) {
    keys.add(`s:${p.sha256}`);
    if (p.pdq) pdqChunks(p.pdq).forEach((c, i) => keys.add(chunkKey(i, c)));
  }
  return [...keys];
}

/** The keys to look an ad up with: its own, plus every one-bit neighbour of each PDQ chunk. */
function probeKeys(fp: ContentFingerprint): string[] {
  const keys = new Set(storedKeys(fp));
  for (const p of fp.photos) {
    if (!p.pdq) continue;
    pdqChunks(p.pdq).forEach((c, i) => {
      const v = parseInt(c, 16);
      for (let b = 0; b < 16; b++) keys.add(chunkKey(i, (v ^ (1 << b)).toString(16).padStart(4, '0')));
    });
  }
  return [...keys];
}

const sigToHex = (sig: Uint32Array) => Array.from(sig, (w) => w.toString(16).padStart(8, '0')).join('');
function sigFromHex(hex: string | null): Uint32Array | null {
  if (!hex || hex.length !== NUM_HASHES * 8) return null;
  return Uint32Array.from({ length: NUM_HASHES }, (_, i) => parseInt(hex.slice(i * 8, i * 8 + 8), 16) >>> 0);
}

/** An earlier decision the ad matches, as kept in the verdict's details for the review page. */
export interface RepostMatch {
  entryId: number;
  adId: number;
  label: string;
  decidedBy: 'moderator' | 'screening';
  statementPuid: string | null;
  reviewItemId: number | null;
  decidedAt: string;
  /** Estimated Jaccard of the texts, when they match. */
  textSimilarity: number | null;
  /** How many of the ad's photos match the earlier ad's (SHA-256 or PDQ). */
  photosMatched: number;
}

export interface BankEntry {
  adId: number;
  label: string;
  decidedBy: 'moderator' | 'screening';
  moderatorId?: number | null;
  statementPuid?: string | null;
  reviewItemId?: number | null;
  decidedAt: Date;
  fingerprint: ContentFingerprint;
}

export class RemovedContentBank {
  constructor(private readonly db: Db) {}

  /** Adds an entry (in the decision's transaction). An ad with neither comparable text nor photos adds nothing. */
  async record(e: BankEntry): Promise<number | null> {
    const keys = storedKeys(e.fingerprint);
    if (keys.length === 0) return null;
    const [row] = await this.db
      .insert(removedContent)
      .values({
        adId: e.adId,
        label: e.label,
        decidedBy: e.decidedBy,
        moderatorId: e.moderatorId ?? null,
        statementPuid: e.statementPuid ?? null,
        reviewItemId: e.reviewItemId ?? null,
        decidedAt: e.decidedAt,
        signature: e.fingerprint.signature ? sigToHex(e.fingerprint.signature) : null,
        photos: e.fingerprint.photos,
      })
      .returning({ id: removedContent.id });
    await this.db.insert(removedContentKeys).values(keys.map((key) => ({ key, entryId: row.id })));
    return row.id;
  }

  /**
   * Active entries the ad matches, best first. Entries a moderator has already cleared this ad
   * against (an approval or an appeal reversal of this ad after the entry was recorded) are skipped,
   * so an approved copy is not held again at its next edit or renewal.
   */
  async match(adId: number, fp: ContentFingerprint): Promise<RepostMatch[]> {
    const keys = probeKeys(fp);
    if (keys.length === 0) return [];
    const rows = await this.db
      .selectDistinct({ entry: removedContent })
      .from(removedContentKeys)
      .innerJoin(removedContent, eq(removedContent.id, removedContentKeys.entryId))
      .where(
        and(
          inArray(removedContentKeys.key, keys),
          isNull(removedContent.liftedAt),
          sql`not exists (select 1 from ${adEvents} where ${adEvents.adId} = ${adId} and ${adEvents.kind} in ('moderator_approved', 'moderator_appeal_reversed') and ${adEvents.at} > ${removedContent.recordedAt})`,
        ),
      )
      .limit(MAX_CANDIDATES);
    const matches: RepostMatch[] = [];
    for (const { entry } of rows) {
      const theirs = sigFromHex(entry.signature);
      const sim = fp.signature && theirs ? similarity(fp.signature, theirs) : 0;
      const photosMatched = fp.photos.filter((p) =>
        entry.photos.some((q) => q.sha256 === p.sha256 || (p.pdq !== null && q.pdq !== null && hammingDistance(p.pdq, q.pdq) <= PDQ_MATCH_THRESHOLD)),
      ).length;
      if (sim < REPOST_SIMILARITY && photosMatched === 0) continue;
      matches.push({
        entryId: entry.id,
        adId: entry.adId,
        label: entry.label,
        decidedBy: entry.decidedBy,
        statementPuid: entry.statementPuid,
        reviewItemId: entry.reviewItemId,
        decidedAt: entry.decidedAt.toISOString(),
        textSimilarity: sim >= REPOST_SIMILARITY ? sim : null,
        photosMatched,
      });
    }
    return matches.sort((a, b) => (b.textSimilarity ?? 0) + b.photosMatched - ((a.textSimilarity ?? 0) + a.photosMatched) || b.entryId - a.entryId);
  }

  /** Lifts the entries of a statement (an appeal reversed it); returns their ids. */
  liftStatement(puid: string, reason: string, now: Date): Promise<number[]> {
    return this.lift(eq(removedContent.statementPuid, puid), reason, now);
  }

  /** Lifts every active entry of an ad (a moderator approved it: its content is fine); returns their ids. */
  liftAd(adId: number, reason: string, now: Date): Promise<number[]> {
    return this.lift(eq(removedContent.adId, adId), reason, now);
  }

  private async lift(which: SQL, reason: string, now: Date): Promise<number[]> {
    const rows = await this.db
      .update(removedContent)
      .set({ liftedAt: now, liftedReason: reason })
      .where(and(which, isNull(removedContent.liftedAt)))
      .returning({ id: removedContent.id });
    return rows.map((r) => r.id);
  }
}

/** Banks an ad a moderator removed, with its photos as they are stored, in the decision's transaction. */
export async function bankRemovedAd(tx: Db, ad: { id: number; title: string; body: string }, e: Omit<BankEntry, 'adId' | 'fingerprint'>): Promise<number | null> {
  const photos = await new AdRepository(tx).photosOf(ad.id);
  return new RemovedContentBank(tx).record({ ...e, adId: ad.id, fingerprint: fingerprintOf(ad.title, ad.body, photos) });
}
