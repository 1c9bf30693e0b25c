/**
 * Which photos a hash-bank rejection deletes (exactly the ones a bank that rejects on a match
 * matches, as the screening engine decides: images-input.ts), and the screener wrapper's contract
 * (every member but recordDecision passes through). The commit and rollback paths run against a real
 * database in test/private-photos.test.ts.
 */
import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { PhotoStore } from '../photos/photo-store.ts';
import { HashBankIndex } from '../screening/images/index.ts';
import { deleteRenditionsOfHashRejected, deletingHashRejectedPhotos, hashRejectedStorageKeys, missingPhotoIds } from './hash-rejected-photos.ts';
import type { AdScreener } from './screening-hook.ts';

const hash = (digit: string) => digit.repeat(64);
const A = hash('a');
const B = hash('b');
const C = hash('c');
const D = hash('d');

function index(): HashBankIndex {
  const i = new HashBankIndex();
  i.add({ name: 'goods-reject', label: 'prohibited_goods', action: 'reject' }, [A]);
  i.add({ name: 'goods-review', label: 'prohibited_goods', action: 'review' }, [B]);
  // A child-safety match rejects whatever the bank's action says.
  i.add({ name: 'cs-review', label: 'child_safety', action: 'review' }, [C]);
  i.build();
  return i;
}

const photo = (storageKey: string, pdq: string | null, pdqQuality: number | null = 100) => ({ storageKey, pdq, pdqQuality });

/** A photo store in memory that records deletions. */
function memoryStore(keys: string[]): PhotoStore & { deleted: string[] } {
  const files = new Set(keys);
  const deleted: string[] = [];
  return {
    deleted,
    async put(key) {
      files.add(key);
    },
    async open(key) {
      return files.has(key) ? ({ destroy() {} } as unknown as Readable) : null;
    },
    async delete(ks) {
      for (const k of ks) files.delete(k);
      deleted.push(...ks);
    },
    async *listOlderThan() {},
  };
}

describe('hashRejectedStorageKeys', () => {
  it('picks the photos a rejecting bank matches: action reject, or any child-safety bank', () => {
    const keys = hashRejectedStorageKeys([photo('p/reject', A), photo('p/review', B), photo('p/child', C), photo('p/clean', D), photo('p/unhashed', null)], index());
    expect(keys).toEqual(['p/reject', 'p/child']);
  });

  it('ignores hashes below the usable quality, as screening does', () => {
    expect(hashRejectedStorageKeys([photo('p/flat', A, 10), photo('p/unknown', A, null)], index())).toEqual([]);
  });
});

describe('deleteRenditionsOfHashRejected', () => {
  it('deletes the three renditions of each rejected photo and nothing else', async () => {
    const store = memoryStore([]);
    const keys = await deleteRenditionsOfHashRejected({ photos: store, banks: { matcher: async () => index() } }, [photo('p/reject', A), photo('p/review', B)]);
    expect(keys).toEqual(['p/reject']);
    expect(store.deleted).toEqual(['p/reject-thumb.webp', 'p/reject-medium.webp', 'p/reject-large.webp']);
  });

  it('does not even load the banks for photos without hashes', async () => {
    const store = memoryStore([]);
    const banks = { matcher: async () => expect.unreachable('no hash, no lookup') as never };
    expect(await deleteRenditionsOfHashRejected({ photos: store, banks }, [photo('p/x', null)])).toEqual([]);
  });
});

describe('deletingHashRejectedPhotos', () => {
  it('passes every member but recordDecision through unchanged, those the interface gains later included', async () => {
    const verdict = { decision: 'publish' as const, score: 0, labels: [], reasons: [], statement: '', group: null };
    const inner: AdScreener = {
      screen: async () => verdict,
      attachEditUnderReview: async () => true,
    };
    const wrapped = deletingHashRejectedPhotos(inner, { photos: memoryStore([]), banks: { matcher: async () => index() } });
    expect(wrapped.screen).toBe(inner.screen);
    expect(wrapped.attachEditUnderReview).toBe(inner.attachEditUnderReview);
    expect(wrapped.recordDecision).not.toBe(inner.recordDecision);
    // Without the inner hook, recordDecision returns the verdict as it came (and a publish deletes nothing).
    const ad = { id: 1, imageHashes: [{ sha256: 'x', pdq: A, pdqQuality: 100 }] } as Parameters<NonNullable<AdScreener['recordDecision']>>[1];
    expect(await wrapped.recordDecision!({} as never, ad, verdict)).toBe(verdict);
  });
});

describe('missingPhotoIds', () => {
  it('names the photos whose rendition of that size is gone', async () => {
    const store = memoryStore(['p/kept-thumb.webp', 'p/gone-medium.webp']);
    const photos = [
      { id: 1, storageKey: 'p/kept' },
      { id: 2, storageKey: 'p/gone' },
    ];
    expect([...(await missingPhotoIds(store, photos, 'thumb'))]).toEqual([2]);
    expect([...(await missingPhotoIds(store, photos, 'medium'))]).toEqual([1]);
  });
});
