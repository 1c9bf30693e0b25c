/**
 * Processes a batch of uploaded photos and stores their renditions. Either every photo is processed
 * and stored, or nothing is left behind: a failure removes whatever this batch already wrote.
 */
import { randomBytes } from 'node:crypto';
import { PHOTO_SIZES, PhotoError, processPhoto, type PhotoSize } from '../photos/process.ts';
import type { PhotoStore } from '../photos/photo-store.ts';
import { AppError } from '../platform/errors.ts';
import type { NewPhotoRow } from './ad.repository.ts';

export interface Upload {
  filename: string;
  data: Buffer;
}

/** Perceptual hashing is optional here so the marketplace works before the screening engine is wired. */
export type PhotoHasher = (pixels: { data: Buffer; width: number; height: number }) => Promise<{ hash: string; quality: number } | null>;

export function renditionKey(storageKey: string, size: PhotoSize): string {
  return `${storageKey}-${size}.webp`;
}

export function newStorageKey(now = new Date()): string {
  const d = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${d}/${randomBytes(10).toString('hex')}`;
}

export async function storeUploads(store: PhotoStore, uploads: Upload[], hasher?: PhotoHasher): Promise<{ rows: NewPhotoRow[]; keys: string[] }> {
  const written: string[] = [];
  try {
    const rows: NewPhotoRow[] = [];
    for (const [position, upload] of uploads.entries()) {
      const processed = await processPhoto(upload.data, upload.filename || `Photo ${position + 1}`);
      const storageKey = newStorageKey();
      for (const size of Object.keys(PHOTO_SIZES) as PhotoSize[]) {
        const key = renditionKey(storageKey, size);
        await store.put(key, processed.renditions[size]);
        written.push(key);
      }
      const pdq = hasher ? await hasher(processed.hashSource) : null;
      rows.push({ position, storageKey, width: processed.width, height: processed.height, sha256: processed.sha256, pdq: pdq?.hash ?? null, pdqQuality: pdq?.quality ?? null });
    }
    return { rows, keys: written };
  } catch (err) {
    await store.delete(written);
    if (err instanceof PhotoError) {
      throw new AppError(err.code === 'image_too_large' ? 'payload_too_large' : 'validation_failed', err.message, { photos: err.message });
    }
    throw err;
  }
}

export function allRenditionKeys(storageKeys: string[]): string[] {
  return storageKeys.flatMap((k) => (Object.keys(PHOTO_SIZES) as PhotoSize[]).map((s) => renditionKey(k, s)));
}
