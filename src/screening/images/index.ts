/**
 * Image hashing for trust & safety: PDQ perceptual hashes (Meta ThreatExchange), SHA-256,
 * hash banks and a multi-index-hashing lookup. Pure library: no HTTP or database access.
 */
import { decodeForPdq, type DecodeOptions } from './decode.ts';
import { pdqDihedralByPixels, pdqDihedralFromRGB, pdqHashFromRGB, type PdqDihedralResult, type PdqResult } from './pdq.ts';

export { ImageHashError, type ImageHashErrorCode } from './errors.ts';
export { sha256Hex } from './sha256.ts';
export { hammingDistance, isHash256Hex } from './hash256.ts';
export { decodeForPdq, DEFAULT_MAX_PIXELS, PDQ_MAX_DIMENSION, type DecodeOptions, type DecodedImage } from './decode.ts';
export {
  pdqHashFromRGB,
  pdqDihedralFromRGB,
  pdqDihedralByPixels,
  type PdqResult,
  type PdqDihedralResult,
  type PdqDihedralHashes,
} from './pdq.ts';
export {
  parseHashBankFile,
  HashBankIndex,
  HashBankParseError,
  PDQ_MATCH_THRESHOLD,
  PDQ_MIN_QUALITY,
  type HashBank,
  type HashBankEntry,
  type HashBankMeta,
  type HashBankMatch,
  type HashBankAction,
  type AddResult,
} from './hashbank.ts';

/**
 * PDQ hash of an encoded image (JPEG, PNG, WebP, GIF, TIFF, AVIF/HEIF). Pixels are used as
 * stored (no EXIF rotation); images over 512 px on a side are first shrunk to fit 512x512.
 * Throws ImageHashError for non-images, corrupt/truncated files and oversized images.
 */
export async function pdqHash(input: Uint8Array, options?: DecodeOptions): Promise<PdqResult> {
  const img = await decodeForPdq(input, options);
  return pdqHashFromRGB(img.data, img.width, img.height, img.channels);
}

/** The eight dihedral PDQ hashes (derived from one DCT, as the reference does) and quality. */
export async function pdqDihedral(input: Uint8Array, options?: DecodeOptions): Promise<PdqDihedralResult> {
  const img = await decodeForPdq(input, options);
  return pdqDihedralFromRGB(img.data, img.width, img.height, img.channels);
}

/** Dihedral variants hashed from transformed pixels: exact to the rotated/mirrored files (see pdq.ts). */
export async function pdqDihedralExact(input: Uint8Array, options?: DecodeOptions): Promise<PdqDihedralResult> {
  const img = await decodeForPdq(input, options);
  return pdqDihedralByPixels(img.data, img.width, img.height, img.channels);
}
