/**
 * Turns an uploaded photo into the three WebP renditions the site serves. Re-encoding through sharp
 * drops every metadata block (EXIF, GPS, XMP, ICC comments), so a poster's location never leaks.
 */
import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';

export const PHOTO_SIZES = { thumb: 320, medium: 900, large: 1600 } as const;
export type PhotoSize = keyof typeof PHOTO_SIZES;

/** Refuses images that would decode to more than this many pixels: decompression bombs. */
export const MAX_INPUT_PIXELS = 50_000_000;
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif', 'heif', 'tiff']);

export class PhotoError extends Error {
  constructor(
    readonly code: 'not_an_image' | 'corrupt_image' | 'image_too_large' | 'too_many_bytes',
    message: string,
  ) {
    super(message);
  }
}

export interface ProcessedPhoto {
  width: number;
  height: number;
  sha256: string;
  renditions: Record<PhotoSize, Buffer>;
  /** Decoded greyscale-ready pixels for perceptual hashing, at most 512 px on the long side. */
  hashSource: { data: Buffer; width: number; height: number };
}

export async function processPhoto(input: Buffer, filename = 'photo'): Promise<ProcessedPhoto> {
  let meta: Metadata;
  try {
    // Only the header is read here, so no pixel limit: the size check below gives the clear message.
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw new PhotoError('not_an_image', `${filename} is not an image we can read (use JPEG, PNG, WebP, GIF or HEIC).`);
  }
  if (!meta.format || !ACCEPTED_FORMATS.has(meta.format)) {
    throw new PhotoError('not_an_image', `${filename} is not a supported image type (use JPEG, PNG, WebP, GIF or HEIC).`);
  }
  if ((meta.width ?? 0) * (meta.height ?? 0) > MAX_INPUT_PIXELS) {
    throw new PhotoError('image_too_large', `${filename} is too large (${meta.width}×${meta.height} pixels); the limit is 50 megapixels.`);
  }
  try {
    // failOn 'truncated' rejects files cut short in transit instead of rendering half a photo.
    const base = sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' }).rotate();
    const normalised = await base.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const { width, height, channels } = normalised.info;
    const fromRaw = () => sharp(normalised.data, { raw: { width, height, channels } });
    const renditions = {} as Record<PhotoSize, Buffer>;
    for (const [size, px] of Object.entries(PHOTO_SIZES) as [PhotoSize, number][]) {
      renditions[size] = await fromRaw()
        .resize({ width: px, height: px, fit: 'inside', withoutEnlargement: true })
        .webp({ quality: size === 'thumb' ? 70 : 80 })
        .toBuffer();
    }
    const hashSource = await fromRaw()
      .resize({ width: 512, height: 512, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      width,
      height,
      sha256: createHash('sha256').update(input).digest('hex'),
      renditions,
      hashSource: { data: hashSource.data, width: hashSource.info.width, height: hashSource.info.height },
    };
  } catch (err) {
    if (err instanceof PhotoError) throw err;
    throw new PhotoError('corrupt_image', `${filename} looks damaged or incomplete; please upload it again.`);
  }
}
