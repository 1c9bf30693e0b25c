import sharp, { type Metadata } from 'sharp';
import { ImageHashError } from './errors.ts';

/** Raster formats we accept. SVG, PDF and other vector/document formats are refused. */
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif', 'heif']);

/** Default pixel budget (width x height as declared by the header): 100 megapixels. */
export const DEFAULT_MAX_PIXELS = 100_000_000;

/** Long-side cap before the Jarosz filter, as the reference tools do (DOWNSAMPLE_DIMS = 512). */
export const PDQ_MAX_DIMENSION = 512;

export interface DecodeOptions {
  /** Refuse images whose declared width x height exceeds this (decompression-bomb guard). */
  maxPixels?: number;
  /** Long-side cap; 0 disables downscaling. Default 512. */
  maxDimension?: number;
  /** libvips timeout for a single decode, seconds. Default 20. */
  timeoutSeconds?: number;
}

export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
  /** Dimensions of the stored image before any downscaling. */
  originalWidth: number;
  originalHeight: number;
  format: string;
}

function classify(err: unknown, stage: 'header' | 'pixels'): ImageHashError {
  if (err instanceof ImageHashError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit|exceeds pixel|too large|dimensions/i.test(message)) {
    return new ImageHashError('image_too_large', `image exceeds the pixel limit: ${message}`, { cause: err });
  }
  if (/unsupported image format|Input Buffer is empty|unknown/i.test(message) && stage === 'header') {
    return new ImageHashError('unsupported_image', `not a supported image: ${message}`, { cause: err });
  }
  return new ImageHashError('corrupt_image', `corrupt or truncated image: ${message.split('\n')[0]}`, {
    cause: err,
  });
}

/**
 * Decode to packed 8-bit sRGB (3 channels) as stored: EXIF orientation is NOT applied (the
 * reference hashes the pixels as stored), embedded ICC profiles are ignored (as the reference
 * decoders do), alpha is dropped without compositing. Images larger than `maxDimension` on
 * either side are shrunk to fit inside maxDimension x maxDimension, keeping the aspect ratio.
 */
export async function decodeForPdq(input: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  if (!(input instanceof Uint8Array)) {
    throw new ImageHashError('unsupported_image', 'input must be a Buffer or Uint8Array');
  }
  if (input.length === 0) throw new ImageHashError('unsupported_image', 'empty input');
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  const maxDimension = options.maxDimension ?? PDQ_MAX_DIMENSION;
  const timeoutSeconds = options.timeoutSeconds ?? 20;
  const sharpOptions = { limitInputPixels: maxPixels, failOn: 'error', ignoreIcc: true } as const;

  let meta: Metadata;
  try {
    meta = await sharp(input, sharpOptions).metadata();
  } catch (err) {
    throw classify(err, 'header');
  }
  const format = meta.format ?? 'unknown';
  if (!ACCEPTED_FORMATS.has(format)) {
    throw new ImageHashError('unsupported_image', `unsupported image format: ${format}`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width <= 0 || height <= 0) throw new ImageHashError('corrupt_image', 'image has no dimensions');
  if (width * height > maxPixels) {
    throw new ImageHashError(
      'image_too_large',
      `image declares ${width}x${height} = ${width * height} pixels, limit is ${maxPixels}`,
    );
  }

  try {
    let pipeline = sharp(input, sharpOptions).timeout({ seconds: timeoutSeconds });
    if (maxDimension > 0 && (width > maxDimension || height > maxDimension)) {
      // Catmull-Rom, aspect preserved: closest to the reference Python port (PIL thumbnail, bicubic).
      pipeline = pipeline.resize(maxDimension, maxDimension, {
        fit: 'inside',
        withoutEnlargement: true,
        kernel: 'cubic',
      });
    }
    const { data, info } = await pipeline
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      channels: info.channels,
      originalWidth: width,
      originalHeight: height,
      format,
    };
  } catch (err) {
    throw classify(err, 'pixels');
  }
}
