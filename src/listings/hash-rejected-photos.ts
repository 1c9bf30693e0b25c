/**
 * Photos that a hash bank rejects. A photo whose PDQ hash matches a bank that rejects on a match
 * (action `reject`, or a child-safety bank, which always rejects: src/screening/images-input.ts) is
 * known prohibited content, often content that is illegal to keep. Once the rejection of its ad is
 * committed, its renditions are deleted from the photo store. The `ad_photos` rows stay, with their
 * SHA-256 and PDQ hashes: they are the evidence moderators, appeals and reports rely on. Pages that
 * show the ad's photos to its poster or to staff then say "removed" (`missingPhotoIds`), and the
 * photo routes answer 404 for the missing files.
 */
import { eq } from 'drizzle-orm';
import { afterCommit } from '../db/after-commit.ts';
import type { Db } from '../db/client.ts';
import { adPhotos } from '../db/schema.ts';
import type { PhotoStore } from '../photos/photo-store.ts';
import type { PhotoSize } from '../photos/process.ts';
import type { HashBankMatch } from '../screening/images/index.ts';
import type { HashBankStore } from '../screening-store/hash-banks.ts';
import type { PhotoRow } from './ad.repository.ts';
import { allRenditionKeys, renditionKey } from './photo-uploads.ts';
import type { AdScreener } from './screening-hook.ts';

type HashedPhoto = Pick<PhotoRow, 'storageKey' | 'pdq' | 'pdqQuality'>;

/** What `HashBankStore.matcher()` gives; any index with the same contract will do (tests). */
export interface PhotoMatcher {
  matchImage(pdq: { hash: string; quality: number }): Pick<HashBankMatch, 'action' | 'label'>[];
}

export interface HashRejectDeps {
  photos: PhotoStore;
  banks: Pick<HashBankStore, 'matcher'>;
  /** A deletion that fails after the commit has no request to fail: it is reported here (default: stderr). */
  onError?: (err: unknown) => void;
}

/** A match that rejects the ad by itself, exactly as the screening engine decides it (images-input.ts). */
export const rejectsOnMatch = (m: Pick<HashBankMatch, 'action' | 'label'>): boolean => m.action === 'reject' || m.label === 'child_safety';

/** The storage keys of the photos a rejecting bank matches (hashes below the usable quality match nothing). */
export function hashRejectedStorageKeys(photos: HashedPhoto[], matcher: PhotoMatcher): string[] {
  return photos.filter((p) => p.pdq !== null && matcher.matchImage({ hash: p.pdq, quality: p.pdqQuality ?? 0 }).some(rejectsOnMatch)).map((p) => p.storageKey);
}

/**
 * Deletes the renditions of those of `photos` that a rejecting bank matches and returns their
 * storage keys. Only for an ad whose rejection is committed: a rejection deletes, nothing else does.
 */
export async function deleteRenditionsOfHashRejected(deps: Pick<HashRejectDeps, 'photos' | 'banks'>, photos: HashedPhoto[]): Promise<string[]> {
  if (!photos.some((p) => p.pdq !== null)) return [];
  const keys = hashRejectedStorageKeys(photos, await deps.banks.matcher());
  if (keys.length > 0) await deps.photos.delete(allRenditionKeys(keys));
  return keys;
}

/**
 * The screening step, with the renditions of hash-rejected photos deleted once a rejection commits.
 * `recordDecision` runs in the transaction that applies the verdict (AdService.screenAndApply): the
 * photos are read there, and their files deleted after that transaction commits (src/db/after-commit.ts),
 * so a rolled-back decision deletes nothing. Every other member of `screener` (`screen`,
 * `attachEditUnderReview`, …) is reached through the prototype chain, unchanged: whatever the
 * interface gains later is not dropped by this wrapper.
 */
export function deletingHashRejectedPhotos(screener: AdScreener, deps: HashRejectDeps): AdScreener {
  const onError = deps.onError ?? ((err: unknown) => console.error('hash-rejected photos: deleting renditions failed; the files stay until the ad is purged', err));
  const wrapped = Object.create(screener) as AdScreener;
  wrapped.recordDecision = async (tx: Db, ad, verdict) => {
    const told = screener.recordDecision ? await screener.recordDecision(tx, ad, verdict) : verdict;
    if (verdict.decision === 'reject' && ad.imageHashes.some((h) => h.pdq !== null)) {
      const photos = await tx.select({ storageKey: adPhotos.storageKey, pdq: adPhotos.pdq, pdqQuality: adPhotos.pdqQuality }).from(adPhotos).where(eq(adPhotos.adId, ad.id));
      afterCommit(() => void deleteRenditionsOfHashRejected(deps, photos).catch(onError));
    }
    return told;
  };
  return wrapped;
}

/**
 * Ids of the photos whose `size` rendition is no longer in the store (deleted by a hash-bank
 * rejection), so the poster's and staff pages show "removed" rather than a broken image.
 */
export async function missingPhotoIds(store: PhotoStore, photos: Pick<PhotoRow, 'id' | 'storageKey'>[], size: PhotoSize): Promise<Set<number>> {
  const missing = new Set<number>();
  await Promise.all(
    photos.map(async (p) => {
      const stream = await store.open(renditionKey(p.storageKey, size));
      if (stream) stream.destroy();
      else missing.add(p.id);
    }),
  );
  return missing;
}
