/**
 * PDQ perceptual hash (Meta ThreatExchange), ported from the published reference
 * (pdq/cpp/hashing/pdqhashing.cpp, pdq/cpp/downscaling/downscaling.cpp and the Python port).
 *
 * Pipeline: RGB -> float luma (0.299/0.587/0.114) -> two X/Y passes of box filters
 * (Jarosz tent filter) with window ceil(dim / 128) -> decimate to 64x64 (sample centres)
 * -> quality from neighbour gradients -> 16x16 low-frequency DCT (rows/cols 1..16)
 * -> bit (i*16+j) set when coefficient > median (Torben: the lower median of 256)
 * -> 16 words of 16 bits, printed word 15 first as 64 hex digits.
 *
 * Pure computation, no I/O. Decoding lives in decode.ts.
 */

export interface PdqResult {
  /** 64 lowercase hex digits. */
  hash: string;
  /** 0..100; hashes with quality < 50 should not be used for matching. */
  quality: number;
}

export interface PdqDihedralHashes {
  original: string;
  rotate90: string;
  rotate180: string;
  rotate270: string;
  flipX: string;
  flipY: string;
  flipPlus1: string;
  flipMinus1: string;
}

export interface PdqDihedralResult {
  hashes: PdqDihedralHashes;
  quality: number;
}

const LUMA_R = 0.299;
const LUMA_G = 0.587;
const LUMA_B = 0.114;
const MIN_HASHABLE_DIM = 5;
const NUM_JAROSZ_XY_PASSES = 2;
const ZERO_HASH = '0'.repeat(64);

/** 16x64 DCT-II basis rows 1..16 (row-major), as in the reference (float32 constants). */
const DCT_MATRIX: Float32Array = (() => {
  const m = new Float32Array(16 * 64);
  const scale = Math.sqrt(2.0 / 64.0);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      m[i * 64 + j] = scale * Math.cos((Math.PI / 2.0 / 64.0) * (i + 1) * (2 * j + 1));
    }
  }
  return m;
})();

/** Reference: computeJaroszFilterWindowSize(old, 64) = ceil(old / 128). */
export function jaroszWindowSize(oldDimension: number, newDimension = 64): number {
  return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
}

/**
 * One 1-D box filter pass along a row (stride 1) exactly as the reference box1DFloat:
 * the window is centred, shrinking at both edges, and the output is sum / current count.
 */
function boxRow(
  input: Float32Array,
  output: Float32Array,
  start: number,
  length: number,
  fullWindow: number,
): void {
  const half = (fullWindow + 2) >> 1;
  const p1 = half - 1;
  const p2 = fullWindow - half + 1;
  const p3 = length - fullWindow;
  const p4 = half - 1;
  let li = start;
  let ri = start;
  let oi = start;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < p1; i++) {
    sum = Math.fround(sum + input[ri++]);
    count++;
  }
  for (let i = 0; i < p2; i++) {
    sum = Math.fround(sum + input[ri++]);
    count++;
    output[oi++] = sum / count;
  }
  for (let i = 0; i < p3; i++) {
    sum = Math.fround(sum + input[ri++]);
    sum = Math.fround(sum - input[li++]);
    output[oi++] = sum / count;
  }
  for (let i = 0; i < p4; i++) {
    sum = Math.fround(sum - input[li++]);
    count--;
    output[oi++] = sum / count;
  }
}

/**
 * Row pass for four rows at once: the same per-row float operations as boxRow, interleaved so
 * the four serial accumulation chains overlap (a single chain is latency-bound).
 */
function boxRows4(input: Float32Array, output: Float32Array, start: number, length: number, fullWindow: number): void {
  const half = (fullWindow + 2) >> 1;
  const p1 = half - 1;
  const p2 = fullWindow - half + 1;
  const p3 = length - fullWindow;
  const p4 = half - 1;
  const o1 = length;
  const o2 = 2 * length;
  const o3 = 3 * length;
  let li = start;
  let ri = start;
  let oi = start;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let count = 0;
  for (let i = 0; i < p1; i++, ri++) {
    s0 = Math.fround(s0 + input[ri]);
    s1 = Math.fround(s1 + input[ri + o1]);
    s2 = Math.fround(s2 + input[ri + o2]);
    s3 = Math.fround(s3 + input[ri + o3]);
    count++;
  }
  for (let i = 0; i < p2; i++, ri++, oi++) {
    s0 = Math.fround(s0 + input[ri]);
    s1 = Math.fround(s1 + input[ri + o1]);
    s2 = Math.fround(s2 + input[ri + o2]);
    s3 = Math.fround(s3 + input[ri + o3]);
    count++;
    output[oi] = s0 / count;
    output[oi + o1] = s1 / count;
    output[oi + o2] = s2 / count;
    output[oi + o3] = s3 / count;
  }
  for (let i = 0; i < p3; i++, ri++, li++, oi++) {
    s0 = Math.fround(Math.fround(s0 + input[ri]) - input[li]);
    s1 = Math.fround(Math.fround(s1 + input[ri + o1]) - input[li + o1]);
    s2 = Math.fround(Math.fround(s2 + input[ri + o2]) - input[li + o2]);
    s3 = Math.fround(Math.fround(s3 + input[ri + o3]) - input[li + o3]);
    output[oi] = s0 / count;
    output[oi + o1] = s1 / count;
    output[oi + o2] = s2 / count;
    output[oi + o3] = s3 / count;
  }
  for (let i = 0; i < p4; i++, li++, oi++) {
    s0 = Math.fround(s0 - input[li]);
    s1 = Math.fround(s1 - input[li + o1]);
    s2 = Math.fround(s2 - input[li + o2]);
    s3 = Math.fround(s3 - input[li + o3]);
    count--;
    output[oi] = s0 / count;
    output[oi + o1] = s1 / count;
    output[oi + o2] = s2 / count;
    output[oi + o3] = s3 / count;
  }
}

/**
 * The reference's column pass (box1DFloat with stride numCols), evaluated for all columns at
 * once so memory is walked row by row. Per column the sequence of float operations is the same
 * as the reference, so results are identical.
 */
function boxCols(
  input: Float32Array,
  output: Float32Array,
  numRows: number,
  numCols: number,
  fullWindow: number,
  sums: Float32Array,
): void {
  const half = (fullWindow + 2) >> 1;
  const p1 = half - 1;
  const p2 = fullWindow - half + 1;
  const p3 = numRows - fullWindow;
  const p4 = half - 1;
  sums.fill(0);
  let ri = 0;
  let li = 0;
  let oi = 0;
  let count = 0;
  for (let i = 0; i < p1; i++, ri++) {
    const rOff = ri * numCols;
    for (let c = 0; c < numCols; c++) sums[c] += input[rOff + c];
    count++;
  }
  for (let i = 0; i < p2; i++, ri++, oi++) {
    const rOff = ri * numCols;
    const oOff = oi * numCols;
    count++;
    for (let c = 0; c < numCols; c++) {
      const s = Math.fround(sums[c] + input[rOff + c]);
      sums[c] = s;
      output[oOff + c] = s / count;
    }
  }
  for (let i = 0; i < p3; i++, ri++, li++, oi++) {
    const rOff = ri * numCols;
    const lOff = li * numCols;
    const oOff = oi * numCols;
    for (let c = 0; c < numCols; c++) {
      const s = Math.fround(Math.fround(sums[c] + input[rOff + c]) - input[lOff + c]);
      sums[c] = s;
      output[oOff + c] = s / count;
    }
  }
  for (let i = 0; i < p4; i++, li++, oi++) {
    const lOff = li * numCols;
    const oOff = oi * numCols;
    count--;
    for (let c = 0; c < numCols; c++) {
      const s = Math.fround(sums[c] - input[lOff + c]);
      sums[c] = s;
      output[oOff + c] = s / count;
    }
  }
}

/** Two X/Y passes of box filters (buffer1 -> buffer2 -> buffer1), result in buffer1. */
function jaroszFilter(
  buffer1: Float32Array,
  buffer2: Float32Array,
  numRows: number,
  numCols: number,
  windowAlongRows: number,
  windowAlongCols: number,
): void {
  const sums = new Float32Array(numCols);
  for (let rep = 0; rep < NUM_JAROSZ_XY_PASSES; rep++) {
    let r = 0;
    for (; r + 4 <= numRows; r += 4) boxRows4(buffer1, buffer2, r * numCols, numCols, windowAlongRows);
    for (; r < numRows; r++) boxRow(buffer1, buffer2, r * numCols, numCols, windowAlongRows);
    boxCols(buffer2, buffer1, numRows, numCols, windowAlongCols, sums);
  }
}

function decimateTo64(input: Float32Array, numRows: number, numCols: number, out: Float32Array): void {
  for (let oi = 0; oi < 64; oi++) {
    const ini = Math.trunc(((oi + 0.5) * numRows) / 64);
    for (let oj = 0; oj < 64; oj++) {
      const inj = Math.trunc(((oj + 0.5) * numCols) / 64);
      out[oi * 64 + oj] = input[ini * numCols + inj];
    }
  }
}

/** Reference pdqImageDomainQualityMetric: quantised gradient sum / 90, capped at 100. */
function qualityMetric(b: Float32Array): number {
  let gradientSum = 0;
  for (let i = 0; i < 63; i++) {
    for (let j = 0; j < 64; j++) {
      const d = Math.trunc(Math.fround(Math.fround(Math.fround(b[i * 64 + j] - b[(i + 1) * 64 + j]) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  for (let i = 0; i < 64; i++) {
    for (let j = 0; j < 63; j++) {
      const d = Math.trunc(Math.fround(Math.fround(Math.fround(b[i * 64 + j] - b[i * 64 + j + 1]) * 100) / 255));
      gradientSum += Math.abs(d);
    }
  }
  return Math.min(100, Math.trunc(gradientSum / 90));
}

/** B = D A D^T, restricted to the 16x16 low-frequency block (rows/cols 1..16 of the full DCT). */
function dct64To16(a: Float32Array): Float32Array {
  const d = DCT_MATRIX;
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    const dRow = i * 64;
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = Math.fround(s + Math.fround(d[dRow + k] * a[k * 64 + j]));
      t[i * 64 + j] = s;
    }
  }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    const tRow = i * 64;
    for (let j = 0; j < 16; j++) {
      const dRow = j * 64;
      let s = 0;
      for (let k = 0; k < 64; k++) s = Math.fround(s + Math.fround(t[tRow + k] * d[dRow + k]));
      b[i * 16 + j] = s;
    }
  }
  return b;
}

const HEX = '0123456789abcdef';

/** Bit i*16+j = coefficient > median (lower median, as Torben's algorithm returns). */
export function dctToHash(dct16x16: Float32Array): string {
  const sorted = Float32Array.from(dct16x16).sort();
  const median = sorted[127];
  const words = new Uint16Array(16);
  for (let k = 0; k < 256; k++) {
    if (dct16x16[k] > median) words[k >> 4] |= 1 << (k & 15);
  }
  let out = '';
  for (let w = 15; w >= 0; w--) {
    const v = words[w];
    out += HEX[(v >> 12) & 15] + HEX[(v >> 8) & 15] + HEX[(v >> 4) & 15] + HEX[v & 15];
  }
  return out;
}

interface FloatPdq {
  dct: Float32Array | null;
  quality: number;
}

/**
 * Hash a row-major float luma buffer (numRows x numCols). `luma` is used as scratch and
 * overwritten. Mirrors pdqFloat256FromFloatLuma (including the 64x64 pass-through case).
 */
export function pdqDctFromLuma(luma: Float32Array, numRows: number, numCols: number): FloatPdq {
  if (numRows < MIN_HASHABLE_DIM || numCols < MIN_HASHABLE_DIM) return { dct: null, quality: 0 };
  const b64 = new Float32Array(64 * 64);
  if (numRows === 64 && numCols === 64) {
    b64.set(luma.subarray(0, 4096));
  } else {
    const scratch = new Float32Array(numRows * numCols);
    jaroszFilter(luma, scratch, numRows, numCols, jaroszWindowSize(numCols), jaroszWindowSize(numRows));
    decimateTo64(luma, numRows, numCols, b64);
  }
  const quality = qualityMetric(b64);
  return { dct: dct64To16(b64), quality };
}

/** Float luma from packed 8-bit pixels with `channels` per pixel (1 = grey, >=3 = RGB[A]). */
export function lumaFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): Float32Array {
  const n = width * height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`invalid image dimensions ${width}x${height}`);
  }
  if (pixels.length < n * channels) {
    throw new RangeError(`pixel buffer too short: ${pixels.length} < ${n * channels}`);
  }
  const luma = new Float32Array(n);
  if (channels === 1 || channels === 2) {
    for (let i = 0, p = 0; i < n; i++, p += channels) luma[i] = pixels[p];
  } else if (channels >= 3) {
    // float arithmetic as in fillFloatLumaFromRGB
    const r = Math.fround(LUMA_R);
    const g = Math.fround(LUMA_G);
    const b = Math.fround(LUMA_B);
    for (let i = 0, p = 0; i < n; i++, p += channels) {
      luma[i] = Math.fround(Math.fround(r * pixels[p]) + Math.fround(g * pixels[p + 1])) + Math.fround(b * pixels[p + 2]);
    }
  } else {
    throw new RangeError(`unsupported channel count ${channels}`);
  }
  return luma;
}

/** PDQ of packed pixels (RGB by default). No pre-downscaling: the whole buffer is filtered. */
export function pdqHashFromRGB(rgb: Uint8Array, width: number, height: number, channels = 3): PdqResult {
  const { dct, quality } = pdqDctFromLuma(lumaFromPixels(rgb, width, height, channels), height, width);
  return { hash: dct ? dctToHash(dct) : ZERO_HASH, quality };
}

type Transform = (a: Float32Array) => Float32Array;

function transformDct(a: Float32Array, transpose: boolean, negate: (i: number, j: number) => boolean): Float32Array {
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = negate(i, j) ? -a[i * 16 + j] : a[i * 16 + j];
      if (transpose) b[j * 16 + i] = v;
      else b[i * 16 + j] = v;
    }
  }
  return b;
}

/** The eight dihedral variants derived from the DCT (reference dct16OriginalTo*). */
const DIHEDRAL: Record<keyof PdqDihedralHashes, Transform> = {
  original: (a) => a,
  rotate90: (a) => transformDct(a, true, (_i, j) => (j & 1) === 0),
  rotate180: (a) => transformDct(a, false, (i, j) => ((i + j) & 1) !== 0),
  rotate270: (a) => transformDct(a, true, (i) => (i & 1) === 0),
  flipX: (a) => transformDct(a, false, (i) => (i & 1) === 0),
  flipY: (a) => transformDct(a, false, (_i, j) => (j & 1) === 0),
  flipPlus1: (a) => transformDct(a, true, () => false),
  flipMinus1: (a) => transformDct(a, true, (i, j) => ((i + j) & 1) !== 0),
};

export function dihedralFromDct(dct: Float32Array | null): PdqDihedralHashes {
  const out = {} as PdqDihedralHashes;
  for (const key of Object.keys(DIHEDRAL) as Array<keyof PdqDihedralHashes>) {
    out[key] = dct ? dctToHash(DIHEDRAL[key](dct)) : ZERO_HASH;
  }
  return out;
}

export function pdqDihedralFromRGB(rgb: Uint8Array, width: number, height: number, channels = 3): PdqDihedralResult {
  const { dct, quality } = pdqDctFromLuma(lumaFromPixels(rgb, width, height, channels), height, width);
  return { hashes: dihedralFromDct(dct), quality };
}

type LumaImage = { data: Float32Array; rows: number; cols: number };

/** Output pixel (r, c) of each dihedral variant, read from the original of `rows` x `cols`. */
const PIXEL_DIHEDRAL: Record<keyof PdqDihedralHashes, { swap: boolean; from: (r: number, c: number, rows: number, cols: number) => number }> = {
  original: { swap: false, from: (r, c, _rows, cols) => r * cols + c },
  rotate90: { swap: true, from: (r, c, _rows, cols) => c * cols + (cols - 1 - r) },
  rotate180: { swap: false, from: (r, c, rows, cols) => (rows - 1 - r) * cols + (cols - 1 - c) },
  rotate270: { swap: true, from: (r, c, rows, cols) => (rows - 1 - c) * cols + r },
  flipX: { swap: false, from: (r, c, rows, cols) => (rows - 1 - r) * cols + c },
  flipY: { swap: false, from: (r, c, _rows, cols) => r * cols + (cols - 1 - c) },
  flipPlus1: { swap: true, from: (r, c, _rows, cols) => c * cols + r },
  flipMinus1: { swap: true, from: (r, c, rows, cols) => (rows - 1 - c) * cols + (cols - 1 - r) },
};

function transformLuma(img: LumaImage, key: keyof PdqDihedralHashes): LumaImage {
  const t = PIXEL_DIHEDRAL[key];
  const rows = t.swap ? img.cols : img.rows;
  const cols = t.swap ? img.rows : img.cols;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = img.data[t.from(r, c, img.rows, img.cols)];
  return { data, rows, cols };
}

/**
 * The eight dihedral variants hashed from transformed pixels rather than derived from the DCT.
 * Eight times the work of one hash, but each variant equals the hash of the rotated or mirrored
 * file (within JPEG noise): the reference's downsampling is not mirror-symmetric, so the DCT-domain
 * variants of pdqDihedralFromRGB drift by up to ~18 bits for mirrored long axes.
 */
export function pdqDihedralByPixels(rgb: Uint8Array, width: number, height: number, channels = 3): PdqDihedralResult {
  const base: LumaImage = { data: lumaFromPixels(rgb, width, height, channels), rows: height, cols: width };
  const hashes = {} as PdqDihedralHashes;
  let quality = 0;
  for (const key of Object.keys(PIXEL_DIHEDRAL) as Array<keyof PdqDihedralHashes>) {
    const img = transformLuma(base, key);
    const result = pdqDctFromLuma(img.data, img.rows, img.cols);
    hashes[key] = result.dct ? dctToHash(result.dct) : ZERO_HASH;
    if (key === 'original') quality = result.quality;
  }
  return { hashes, quality };
}
